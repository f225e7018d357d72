"""One Core per process, one Session per user: what users share and what stays their own."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from learnplat.core import Core, Session
from learnplat.errors import BadInput
from learnplat.settings import Settings, load_settings

SAMPLE_MD = Path(__file__).resolve().parents[1] / "data" / "samples" / "photosynthesis.md"


def test_two_users_of_one_core_keep_their_own_libraries_and_share_the_engine(
    isolated_home: Path, database_url: str
) -> None:
    with Core(load_settings({"user": "ana", "database_url": database_url})) as core:
        ana, bo = core.session("ana"), core.session("bo")
        again = core.session("Ana")  # "Ana" is the profile "ana"
        assert again.user == "ana" and again.settings.user == "ana"
        added = ana.library.ingest(SAMPLE_MD)
        assert added.status == "added"
        assert [doc.title for doc in ana.library.documents()] == [added.document.title]
        assert bo.library.documents() == []
        assert bo.library.search("light reactions") == []
        # The same bytes are bo's own document, not a duplicate of ana's.
        assert bo.library.ingest(SAMPLE_MD).status == "added"
        # The engine, the topics and speech are built once for everyone.
        assert ana.learning.tutor is bo.learning.tutor
        assert ana.learning.topics is bo.learning.topics
        assert ana.teachback.grader is bo.teachback.grader
        assert ana.speech is bo.speech


def test_the_bank_is_synced_once_per_core_not_once_per_user(settings: Settings) -> None:
    with Core(settings) as core:
        ana = core.session("ana")
        assert ana.game.categories()  # the first board syncs the shipped bank
        assert core.bank._synced
        # A second user's first question costs no second sync: the Core's bank has it.
        bo = core.session("bo")
        assert bo.game.bank is core.bank
        served = bo.game.next()
        assert served.options and served.token
        assert bo.game.sync_bank() == 0  # nothing changed since the first sync


def test_a_session_answers_for_its_own_user_only(settings: Settings) -> None:
    with Core(settings) as core:
        ana, bo = core.session("ana"), core.session("bo")
        served = ana.game.next()
        # bo cannot answer the question served to ana.
        with pytest.raises(BadInput):
            bo.game.answer(served.token, served.options[0])
        ana.game.answer(served.token, served.options[0])
        assert ana.game.stats().answered == 1
        assert bo.game.stats().answered == 0


def test_a_part_asked_for_by_many_threads_at_once_is_built_once(settings: Settings) -> None:
    with Core(settings) as core:
        session = core.session("ana")
        seen: list[object] = []
        start = threading.Barrier(8)

        def ask() -> None:
            start.wait()
            seen.append(session.learning)

        threads = [threading.Thread(target=ask) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(seen) == 8 and all(learning is seen[0] for learning in seen)


def test_a_name_no_profile_can_have_is_refused_when_the_session_opens(
    settings: Settings,
) -> None:
    with Core(settings) as core:
        core.session("bill")
        with pytest.raises(BadInput):
            core.session("bi11")  # looks like "bill"


def test_closing_an_opened_session_closes_its_core(settings: Settings) -> None:
    session = Session.open(settings)
    session.library.documents()
    session.close()
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        session.library.documents()


def test_listing_documents_builds_only_the_library(isolated_home: Path) -> None:
    """`learnplat docs list` pays for the library, not for the tutors, grader or speech."""
    code = (
        "import json, sys\n"
        "from learnplat.core import Session\n"
        "from learnplat.settings import load_settings\n"
        "with Session.open(load_settings({'user': 'ana'})) as s:\n"
        "    s.library.documents()\n"
        "watched = ('learnplat', 'sqlite_utils', 'numpy', 'pypdfium2', 'boto3', 'textual',"
        " 'sqlalchemy', 'psycopg')\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith(watched))))\n"
    )
    env = {**os.environ, "LEARNPLAT_HOME": str(isolated_home)}
    subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    loaded = set(json.loads(done.stdout))
    assert "learnplat.services.library" in loaded
    # (sqlite-utils and numpy are loaded only when a migration is due: the first open.)
    for heavy in (
        "learnplat.services.learning",
        "learnplat.services.game",
        "learnplat.services.speech",
        "learnplat.tutors.offline",
        "learnplat.tutors.grader",
        "sqlite_utils",
        "numpy",
        "pypdfium2",
        "boto3",
        "textual",
        "sqlalchemy",  # PostgreSQL's, loaded only when database_url names it
        "psycopg",
        "learnplat.store.postgres",
    ):
        assert heavy not in loaded, heavy
