"""`learnplat db copy --to URL`: a library moves to another database (PostgreSQL on the real
test server; another SQLite file everywhere) with every row and file, counts checked, and
keeps working there: the same documents, hits, points, progress, and new rows after them."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import boto3
import pytest
from typer.testing import CliRunner

from learnplat.cli import app
from learnplat.core import Core
from learnplat.services.database_copy import copy_library
from learnplat.settings import load_settings
from learnplat.store.copy import TABLES

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
EXPLANATION = (
    "Plants use light energy to turn water and carbon dioxide into glucose and oxygen in the "
    "chloroplasts. The light reactions make ATP and NADPH; the Calvin cycle fixes carbon."
)


def invoke(*args: str, database_url: str = "") -> tuple[int, str]:
    env = {"LEARNPLAT_DATABASE_URL": database_url} if database_url else {}
    result = CliRunner().invoke(app, ["--user", "ana", *map(str, args)], env=env)
    return result.exit_code, result.stdout + (result.stderr or "")


def _build_library() -> dict[str, int]:
    """Two learners' documents, an upvoted explanation, answered questions; the row counts."""
    with Core(load_settings({"user": "ana"})) as core:
        ana, bo = core.session("ana"), core.session("bo")
        ana.library.ingest(SAMPLES / "photosynthesis.md")
        ana.library.ingest(SAMPLES / "cellular-respiration.pdf")
        bo.library.ingest(SAMPLES / "photosynthesis.md")
        graded = ana.teachback.teach("Photosynthesis", EXPLANATION)
        bo.community.upvote(graded.submission.id)
        for session in (ana, bo):
            for _ in range(3):
                served = session.game.next()
                session.game.answer(served.token, served.options[0])
        return {table: _count(core, table) for table in TABLES}


def _count(core: Core, table: str) -> int:
    return int(core.database.rows(f"SELECT COUNT(*) AS n FROM {table}")[0]["n"])


def _standing(core: Core) -> dict[str, object]:
    """What the learners see: documents, hits, points and progress."""
    ana, bo = core.session("ana"), core.session("bo")
    return {
        "documents": [(d.id, d.title, d.pages) for d in ana.library.documents()],
        "bo documents": [d.id for d in bo.library.documents()],
        "hits": [(h.doc_id, h.page) for h in ana.library.search("light reactions")],
        "teach": [(s.points, s.upvotes_received) for s in (ana.community.stats(),)],
        "game": [(s.points, s.answered) for s in (ana.game.stats(), bo.game.stats())],
        "feed": [(item.id, item.upvotes) for item in bo.community.feed()],
    }


@pytest.fixture
def target_url(database_url: str, tmp_path: Path) -> str:
    """An empty database of each backend: a new SQLite file, a new PostgreSQL schema."""
    return database_url or f"sqlite:///{tmp_path / 'moved' / 'learnplat.db'}"


def test_a_library_moves_to_another_database_whole_and_keeps_working(
    isolated_home: Path, target_url: str
) -> None:
    counts = _build_library()
    with Core(load_settings({"user": "ana"})) as core:
        before = _standing(core)
        original = core.session("ana").library.original(before["documents"][0][0])

    code, out = invoke("db", "copy", "--to", target_url, "--json")
    assert code == 0, out
    report = json.loads(out)
    assert report["tables"] == counts and counts["passages"] > 0 and counts["user_upvotes"] == 1
    assert report["files_shared"] is True

    with Core(load_settings({"user": "ana", "database_url": target_url})) as moved:
        assert _standing(moved) == before
        assert {table: _count(moved, table) for table in TABLES} == counts
        ana = moved.session("ana")
        assert ana.library.original(before["documents"][0][0]) == original
        # New rows get ids after the copied ones (PostgreSQL's sequences were moved on).
        notes = isolated_home.parent / "new-notes.md"
        notes.write_text("# Osmosis\n\nWater moves across a membrane toward more solute.\n")
        added = ana.library.ingest(notes)
        assert added.status == "added" and added.document is not None
        assert added.document.id > max(doc_id for doc_id, _, _ in before["documents"])
        served = ana.game.next()
        assert ana.game.answer(served.token, served.options[0]).total_points >= 0
        assert ana.teachback.teach("Photosynthesis", EXPLANATION).grade is not None

    # The source is untouched.
    with Core(load_settings({"user": "ana"})) as core:
        assert {table: _count(core, table) for table in TABLES} == counts


def test_a_database_holding_learners_data_is_refused_and_left_as_it_was(
    isolated_home: Path, target_url: str
) -> None:
    _build_library()
    assert invoke("db", "copy", "--to", target_url)[0] == 0
    with Core(load_settings({"user": "ana", "database_url": target_url})) as moved:
        counts = {table: _count(moved, table) for table in TABLES}
    code, out = invoke("db", "copy", "--to", target_url)
    assert code == 2
    assert "already holds learners' documents or progress" in out and "Traceback" not in out
    with Core(load_settings({"user": "ana", "database_url": target_url})) as moved:
        assert {table: _count(moved, table) for table in TABLES} == counts


def test_a_database_only_opened_counts_as_empty(isolated_home: Path, target_url: str) -> None:
    counts = _build_library()
    with Core(load_settings({"user": "cy", "database_url": target_url})) as opened:
        opened.session("cy").game.categories()  # a profile made and the bank loaded
    assert invoke("db", "copy", "--to", target_url)[0] == 0
    with Core(load_settings({"user": "ana", "database_url": target_url})) as moved:
        assert {table: _count(moved, table) for table in TABLES} == counts


def test_a_copy_stopped_midway_leaves_the_target_without_a_row(
    isolated_home: Path, target_url: str
) -> None:
    _build_library()

    def interrupt(table: str, done: int, total: int) -> None:
        if table == "challenge_attempts":
            raise KeyboardInterrupt  # Ctrl-C with half the tables written

    with Core(load_settings({"user": "ana"})) as core, pytest.raises(KeyboardInterrupt):
        copy_library(core.settings, core.database, target_url, on_progress=interrupt)
    with Core(load_settings({"user": "zed", "database_url": target_url})) as moved:
        assert _count(moved, "documents") == _count(moved, "passages") == 0
        assert _count(moved, "explanations") == 0
    assert invoke("db", "copy", "--to", target_url)[0] == 0  # and it can simply run again


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://root@localhost/db", "neither SQLite nor PostgreSQL"),
        ("sqlite:///", "names no file"),
        ("", "say where to copy to"),
    ],
)
def test_a_url_of_no_known_kind_is_one_clear_line(
    isolated_home: Path, url: str, message: str
) -> None:
    code, out = invoke("db", "copy", "--to", url)
    assert code == 2 and message in out and "Traceback" not in out


def test_an_unreachable_server_is_one_clear_line(isolated_home: Path) -> None:
    code, out = invoke("db", "copy", "--to", "postgresql://nobody:pw@127.0.0.1:9/none")
    assert code != 0 and "Traceback" not in out
    assert "cannot use the PostgreSQL database" in out and "pw" not in out


def test_the_originals_move_to_a_bucket_with_the_rows(
    isolated_home: Path, target_url: str, moto_url: str, aws_env: None, monkeypatch
) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", moto_url)
    bucket = f"learnplat-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", endpoint_url=moto_url).create_bucket(Bucket=bucket)
    _build_library()
    store = f"s3://{bucket}/lp"
    code, out = invoke("db", "copy", "--to", target_url, "--blob-store", store, "--json")
    assert code == 0, out
    report = json.loads(out)
    assert report["files"] == 2 and report["files_shared"] is False  # two distinct originals
    settings = {"database_url": target_url, "blob_store": f"s3://{bucket}/lp"}
    # Another machine: its own empty data dir, the shared database and bucket.
    other = isolated_home.parent / "other-machine"
    with Core(load_settings({"user": "ana", "data_dir": other, **settings})) as moved:
        library = moved.session("ana").library
        for document in library.documents():
            assert library.original(document.id)[:4] in (b"%PDF", b"# Ph")


def test_a_sqlite_file_named_by_url_leaves_its_folder_as_it_was(
    isolated_home: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "projects"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    _build_library()
    assert invoke("db", "copy", "--to", f"sqlite:///{folder / 'library.db'}")[0] == 0
    assert folder.stat().st_mode & 0o777 == 0o755  # the user's folder, not the data dir
    assert (folder / "library.db").stat().st_mode & 0o777 == 0o600  # notes' text: theirs alone
