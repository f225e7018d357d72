"""The SQLite store: pragmas, ordered migrations recorded in the database, cascade deletes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from learnplat.store.database import SqliteDatabase
from learnplat.store.migrations import MIGRATIONS, schema_version


def test_new_database_is_migrated_with_wal_and_foreign_keys(tmp_path: Path) -> None:
    database = SqliteDatabase(tmp_path / "new" / "learnplat.db")
    conn = database.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
    latest = MIGRATIONS[-1][0]
    assert schema_version(database.db) == latest
    assert conn.execute("PRAGMA user_version").fetchone()[0] == latest
    recorded = [row[0] for row in conn.execute("SELECT version FROM schema_migrations ORDER BY 1")]
    assert recorded == [version for version, _, _ in MIGRATIONS]
    database.close()


def test_reopening_does_not_run_migrations_again(tmp_path: Path) -> None:
    path = tmp_path / "learnplat.db"
    SqliteDatabase(path).close()
    database = SqliteDatabase(path)
    count = database.conn.execute("SELECT COUNT(*) FROM schema_migrations").fetchone()[0]
    assert count == len(MIGRATIONS)
    database.close()


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    import pytest

    from learnplat.errors import StoreError

    path = tmp_path / "learnplat.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="cannot open the database"):
        SqliteDatabase(path)


OSC52 = "\x1b]52;c;cm0gLXJmIH4=\x07"
CLEAR = "\x1b[2J\x1b[H"
RLO = "\u202e"  # right-to-left override: shows "txt.exe" for "exe.txt"
# What stored text may not hold: C0 controls but newline and tab, DEL, C1, bidi controls.
UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _as_stored_before_cleaning(patch: pytest.MonkeyPatch) -> None:
    """Schema 4, and services that stored text as given (before the terminal-safety change)."""
    from learnplat.services import cards, community, library
    from learnplat.services.extract import cleanup
    from learnplat.store import migrations

    patch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:4])
    for module in (cards, community, library):
        patch.setattr(module, "safe_text", lambda text, one_line=False: text)
    bidi = {*range(0x202A, 0x202F), *range(0x2066, 0x206A)}
    patch.setattr(
        cleanup,
        "_CLEAN_TABLE",
        {code: value for code, value in cleanup._CLEAN_TABLE.items() if code not in bidi},
    )


def test_text_stored_before_it_was_cleaned_is_cleaned_once_when_the_database_opens(
    tmp_path: Path,
) -> None:
    from learnplat.core import Session
    from learnplat.settings import load_settings

    notes = tmp_path / f"notes{OSC52}.md"
    notes.write_text(
        f"# Plate{RLO} tectonics\n\nThe lithosphere{RLO} is broken into plates.\n",
        encoding="utf-8",
    )
    deck = tmp_path / "deck.csv"
    deck.write_text(
        f"front,back\nel perro{OSC52},the dog{RLO}\nel gato,the cat\nla casa,the house\n"
        "el libro,the book\n",
        encoding="utf-8",
    )
    with pytest.MonkeyPatch.context() as old:
        _as_stored_before_cleaning(old)
        with Session.open(load_settings({"user": "ana"})) as platform:
            assert schema_version(platform.database.db) == 4
            document = platform.library.ingest(notes).document
            assert document is not None and OSC52 in document.filename
            platform.community.submit(f"plates{CLEAR}", None, "beginner", f"Plates {OSC52}move.")
            with platform.database.atomic() as conn:  # a grade quoting the explanation
                conn.execute(
                    "UPDATE explanations SET grade_json = ?",
                    (json.dumps({"feedback": [f"You said: Plates {OSC52}move."]}),),
                )
            platform.cards.import_deck(deck)
            served = platform.game.next(category="cards")
            platform.game.answer(served.token, "1")

    with Session.open(load_settings({"user": "ana"})) as platform:
        conn = platform.database.conn
        assert schema_version(platform.database.db) >= 5
        stored = [
            *conn.execute("SELECT title, filename, source_path, warnings FROM documents"),
            *conn.execute("SELECT topic, transcript, grade_json FROM explanations"),
            *conn.execute(
                "SELECT title, question, correct_answer, options, explanation, source_title"
                " FROM challenges WHERE source = 'cards'"
            ),
            *conn.execute("SELECT answer FROM challenge_attempts"),
            *conn.execute("SELECT heading_path, text FROM passages"),
        ]
        for row in stored:
            for value in row:
                decoded = json.loads(value) if value and value[:1] in "[{" else value
                assert not UNSAFE.search(json.dumps(decoded, ensure_ascii=False)), value
        document = platform.library.documents()[0]
        assert (document.title, document.filename) == ("Plate tectonics", "notes.md")
        explanation = conn.execute(
            "SELECT topic, transcript, grade_json FROM explanations"
        ).fetchone()
        assert explanation[:2] == ("plates", "Plates move.")
        assert json.loads(explanation[2]) == {"feedback": ["You said: Plates move."]}
        # A card's answer is still one of its options, and it can be played again.
        for answer, options in conn.execute(
            "SELECT correct_answer, options FROM challenges WHERE source = 'cards'"
        ):
            assert answer in json.loads(options)
        answers = conn.execute("SELECT correct_answer FROM challenges WHERE source = 'cards'")
        assert "the dog" in [answer for (answer,) in answers]
        # The passage is searchable by its cleaned words, and the index agrees with the rows.
        conn.execute("INSERT INTO passages_fts (passages_fts) VALUES ('integrity-check')")
        hits = platform.library.search("lithosphere")
        assert hits and RLO not in platform.library.page(hits[0].doc_id).text
        assert platform.database.integrity_ok()


OPEN = (
    "import sys\nfrom pathlib import Path\nfrom learnplat.store.database import SqliteDatabase\n"
    "sys.stdin.readline()\nSqliteDatabase(Path(sys.argv[1])).close()\n"
)


def test_processes_opening_a_new_database_at_once_all_open_it_migrated_once(
    tmp_path: Path,
) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    for trial in range(4):  # each of them raced another's migration about one time in ten
        path = tmp_path / f"new{trial}" / "learnplat.db"
        openers = [
            subprocess.Popen(
                [sys.executable, "-c", OPEN, str(path)],
                stdin=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
            )
            for _ in range(4)
        ]
        for opener in openers:
            assert opener.stdin is not None
            opener.stdin.write("go\n")
            opener.stdin.flush()
        errors = [opener.communicate(timeout=60)[1] for opener in openers]
        assert [opener.returncode for opener in openers] == [0, 0, 0, 0], errors
        database = SqliteDatabase(path)
        recorded = database.conn.execute("SELECT COUNT(*) FROM schema_migrations").fetchone()[0]
        database.close()
        assert recorded == len(MIGRATIONS)


def test_a_database_another_connection_is_writing_opens_once_the_write_is_done(
    tmp_path: Path,
) -> None:
    # Switching a database to WAL while another connection holds its write lock fails at once
    # with "database is locked" (SQLite does not wait where waiting could deadlock): the cause
    # of a rare failure of the test above when four processes open a new database together.
    import sqlite3
    import threading
    import time

    path = tmp_path / "learnplat.db"
    writer = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    writer.execute("CREATE TABLE notes (text TEXT)")
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO notes VALUES ('first')")
    done = threading.Timer(0.3, writer.execute, ("COMMIT",))
    done.start()
    started = time.monotonic()
    SqliteDatabase(path).close()  # waits for the write instead of failing
    done.join()
    writer.close()
    assert time.monotonic() - started >= 0.25
    with sqlite3.connect(str(path)) as check:
        assert check.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert check.execute("SELECT text FROM notes").fetchall() == [("first",)]
