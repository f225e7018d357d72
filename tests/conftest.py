"""Shared fixtures: every test runs with LEARNPLAT_HOME in its own tmp dir."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from learnplat.settings import Settings, load_settings

if TYPE_CHECKING:
    from learnplat.platform import Platform


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep every test away from the real user's data and config."""
    home = tmp_path / "home"
    monkeypatch.setenv("LEARNPLAT_HOME", str(home))
    for key in list(os.environ):
        if key.startswith("LEARNPLAT_") and key not in (
            "LEARNPLAT_HOME",
            "LEARNPLAT_REQUIRE_SYSTEM_DEPS",
        ):
            monkeypatch.delenv(key)
    return home


@pytest.fixture
def settings(isolated_home: Path) -> Settings:
    return load_settings({"user": "ana"})


@pytest.fixture
def platform(settings: Settings) -> Iterator[Platform]:
    from learnplat.platform import Platform

    with Platform.build(settings) as built:
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
