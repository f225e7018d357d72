"""Shared fixtures: every test runs with LEARNPLAT_HOME in its own tmp dir."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from learnplat.settings import Settings, load_settings
from tests.stubs.bedrock import BedrockStub
from tests.stubs.openai import OpenAIStub

if TYPE_CHECKING:
    from learnplat.core import Session


# The web app's fixtures (web_app, browser, ana, ben) for the web tiers.
pytest_plugins = ("tests.webtools",)

# A PostgreSQL server the tests may make schemas on: .ci/run starts a throwaway cluster and
# sets it; locally, point it at any server you can spare a database of.
POSTGRES_ENV = "LEARNPLAT_TEST_POSTGRES_URL"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep every test away from the real user's data and config."""
    home = tmp_path / "home"
    monkeypatch.setenv("LEARNPLAT_HOME", str(home))
    for key in list(os.environ):
        if key.startswith("LEARNPLAT_") and key not in (
            "LEARNPLAT_HOME",
            "LEARNPLAT_REQUIRE_SYSTEM_DEPS",
            POSTGRES_ENV,
        ):
            monkeypatch.delenv(key)
    return home


@pytest.fixture
def settings(isolated_home: Path) -> Settings:
    return load_settings({"user": "ana"})


@pytest.fixture
def platform(settings: Settings) -> Iterator[Session]:
    from learnplat.core import Session

    with Session.open(settings) as built:
        yield built


@pytest.fixture
def docs_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    return folder


def require_program(name: str) -> str:
    """The path of a system program, or skip; with LEARNPLAT_REQUIRE_SYSTEM_DEPS=1 a miss fails."""
    found = shutil.which(name)
    if found:
        return found
    reason = f"{name} is not installed (apt-get install {name})"
    if os.environ.get("LEARNPLAT_REQUIRE_SYSTEM_DEPS") == "1":
        pytest.fail(f"{reason}, and LEARNPLAT_REQUIRE_SYSTEM_DEPS=1 requires it")
    pytest.skip(reason)


def require_postgres() -> str:
    """The test server's URL, or skip; with LEARNPLAT_REQUIRE_SYSTEM_DEPS=1 a miss fails."""
    url = os.environ.get(POSTGRES_ENV, "").strip()
    if url:
        return url
    reason = (
        f"no PostgreSQL server for the tests: set {POSTGRES_ENV}=postgresql://user@host:port/db"
        " (.ci/run starts a throwaway cluster and sets it)"
    )
    if os.environ.get("LEARNPLAT_REQUIRE_SYSTEM_DEPS") == "1":
        pytest.fail(f"{reason}, and LEARNPLAT_REQUIRE_SYSTEM_DEPS=1 requires it")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The test server, with the unaccent extension made once in ``public`` (each test's schema
    would otherwise make it in its own, and take it along when dropped)."""
    import psycopg

    url = require_postgres()
    # Another xdist worker may make it at the same moment.
    with (
        psycopg.connect(url, autocommit=True) as connection,
        contextlib.suppress(psycopg.errors.UniqueViolation),
    ):
        connection.execute("CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public")
    return url


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A database_url for a fresh, empty schema of the test server, dropped afterwards."""
    import uuid

    import psycopg

    schema = f"test_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(postgres_server, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")
    joiner = "&" if "?" in postgres_server else "?"
    yield f"{postgres_server}{joiner}options=-csearch_path%3D{schema}"
    with psycopg.connect(postgres_server, autocommit=True) as connection:
        connection.execute(f"DROP SCHEMA {schema} CASCADE")


BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest) -> str:
    """Each backend in turn: "" (the data dir's SQLite file), then a PostgreSQL schema."""
    if request.param == "sqlite":
        return ""
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def any_platform(isolated_home: Path, database_url: str) -> Iterator[Session]:
    """A session of "ana" on each backend in turn."""
    from learnplat.core import Session

    with Session.open(load_settings({"user": "ana", "database_url": database_url})) as built:
        yield built


# Local stand-ins for providers, over real HTTP on 127.0.0.1 (tests/stubs/).


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    """moto's S3 server (and the other AWS services it mocks) over HTTP on 127.0.0.1."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Dummy credentials through the standard chain, and nothing else from this machine."""
    for key in list(os.environ):
        if key.startswith("AWS_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")


@pytest.fixture
def bedrock(aws_env: None) -> Iterator[BedrockStub]:
    stub = BedrockStub()
    stub.start()
    yield stub
    stub.stop()


@pytest.fixture
def openai_stub(monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenAIStub]:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    stub = OpenAIStub()
    stub.start()
    yield stub
    stub.stop()
