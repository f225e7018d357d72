"""Importing untrusted decks: a crafted .apkg or CSV is refused quickly with one clear line, a
bad note is skipped with its reason, and the cost of a large deck grows with its size."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from learnplat.cli import app
from learnplat.core import Session
from learnplat.errors import DocumentError
from learnplat.services.anki_collection import MAX_NOTE_BYTES, MAX_NOTES

ANKI_NOTES = "CREATE TABLE notes (id INTEGER PRIMARY KEY, guid TEXT, flds TEXT)"
CARDS = [
    ("el perro", "the dog"),
    ("el gato", "the cat"),
    ("la casa", "the house"),
    ("el libro", "the book"),
    ("la mesa", "the table"),
]


def make_deck(
    path: Path,
    schema: list[str],
    notes: list[object] = (),  # type: ignore[assignment]
    member: str = "collection.anki2",
) -> Path:
    """An .apkg built as a crafted one would be: any schema, any values in ``flds``."""
    database = path.with_suffix(".sqlite")
    database.unlink(missing_ok=True)
    conn = sqlite3.connect(database)
    for statement in schema:
        conn.execute(statement)
    if notes:
        conn.executemany(
            "INSERT INTO notes (id, guid, flds) VALUES (?, ?, ?)",
            [(n, f"g{n}", flds) for n, flds in enumerate(notes, start=1)],
        )
    conn.commit()
    conn.close()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(database, member)
    database.unlink()
    return path


def good_notes() -> list[object]:
    return [f"{front}\x1f{back}" for front, back in CARDS]


def refused_import(deck: Path, message: str) -> None:
    """``cards import`` says ``message`` on one line, exit code 2, no traceback."""
    result = CliRunner().invoke(app, ["cards", "import", str(deck)])
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "unexpected" not in result.stderr and "Traceback" not in result.output


def imported_cards(platform: Session) -> int:
    return platform.database.rows(
        "SELECT COUNT(*) AS n FROM challenges WHERE source = 'cards'"
    )[0]["n"]


def test_a_recursive_view_named_notes_is_refused_at_once_without_filling_the_disk(
    tmp_path: Path, isolated_home: Path
) -> None:
    deck = make_deck(
        tmp_path / "bomb.apkg",
        [
            "CREATE VIEW notes AS WITH RECURSIVE r(id, flds) AS (SELECT 1, 'a' UNION ALL"
            " SELECT id + 1, flds || flds FROM r) SELECT id, flds FROM r"
        ],
    )
    assert deck.stat().st_size < 500
    # A real process, so that a deck that runs forever fails this test instead of hanging it.
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "learnplat", "cards", "import", str(deck)],
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, "LEARNPLAT_HOME": str(isolated_home)},
    )
    elapsed = time.perf_counter() - started
    assert done.returncode == 2, done.stderr
    assert "not a plain Anki collection: it holds views" in done.stderr
    assert "Traceback" not in done.stderr and "unexpected" not in done.stderr
    assert elapsed < 15  # the process with its start-up; the refusal itself is timed below


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        (
            [
                "CREATE VIEW notes AS WITH RECURSIVE r(id, flds) AS (SELECT 1, 'a' UNION ALL"
                " SELECT id + 1, flds || flds FROM r) SELECT id, flds FROM r"
            ],
            "it holds views",
        ),
        (
            [
                "CREATE TABLE real_notes (id INTEGER PRIMARY KEY, flds TEXT)",
                "CREATE VIEW notes AS SELECT 1 AS id, zeroblob(2000000000) AS flds",
            ],
            "it holds views",
        ),
        (
            [
                ANKI_NOTES,
                "CREATE TRIGGER grow AFTER INSERT ON notes BEGIN"
                " INSERT INTO notes (flds) VALUES (new.flds || new.flds); END",
            ],
            "it holds triggers",
        ),
        (
            [
                "CREATE TABLE notes (id INTEGER PRIMARY KEY, guid TEXT, seed TEXT, flds TEXT"
                " GENERATED ALWAYS AS (printf('%.*c', 2000000000, 'x')) VIRTUAL)"
            ],
            "no plain notes table",
        ),
        (["CREATE VIRTUAL TABLE notes USING fts5(id, flds)"], "no plain notes table"),
        (["CREATE TABLE cards (id INTEGER PRIMARY KEY)"], "no plain notes table"),
    ],
    ids=["recursive-view", "zeroblob-view", "trigger", "generated-column", "virtual", "no-notes"],
)
def test_a_crafted_collection_is_refused_in_under_a_second(
    platform: Session, tmp_path: Path, schema: list[str], message: str
) -> None:
    deck = make_deck(tmp_path / "crafted.apkg", schema)
    started = time.perf_counter()
    with pytest.raises(DocumentError, match=message):
        platform.cards.import_deck(deck)
    assert time.perf_counter() - started < 1.0
    assert imported_cards(platform) == 0


def test_notes_that_are_null_numbers_blobs_or_huge_are_skipped_and_the_rest_imported(
    platform: Session, tmp_path: Path
) -> None:
    oversized = "big\x1f" + "x" * (MAX_NOTE_BYTES + 10)
    deck = make_deck(
        tmp_path / "mixed.apkg",
        # flds without a type, so that numbers stay numbers (Anki's is TEXT).
        ["CREATE TABLE notes (id INTEGER PRIMARY KEY, guid TEXT, flds)"],
        [None, 42, 3.5, b"\x00\x01", oversized, *good_notes()],
    )
    result = platform.cards.import_deck(deck)
    assert result.imported == len(CARDS)
    assert result.skipped == {"note fields not text": 4, "note larger than 1,024 KB": 1}
    assert imported_cards(platform) == len(CARDS)


def test_a_deck_of_only_numbers_says_why_nothing_was_imported(tmp_path: Path) -> None:
    deck = make_deck(
        tmp_path / "numbers.apkg",
        ["CREATE TABLE notes (id INTEGER PRIMARY KEY, guid TEXT, flds)"],
        [1, 2, 3, 4, 5],
    )
    refused_import(deck, "numbers.apkg has no cards that can become questions")


def test_a_deck_past_the_note_limit_is_refused_and_nothing_is_imported(
    platform: Session, tmp_path: Path
) -> None:
    deck = make_deck(
        tmp_path / "huge.apkg",
        [ANKI_NOTES],
        [f"front {n}\x1fback {n}" for n in range(MAX_NOTES + 1)],
    )
    with pytest.raises(DocumentError, match="more than 50,000 notes"):
        platform.cards.import_deck(deck)
    assert imported_cards(platform) == 0


def test_bad_deflate_data_is_a_damaged_zip_not_an_unexpected_error(tmp_path: Path) -> None:
    deck = make_deck(tmp_path / "good.apkg", [ANKI_NOTES], good_notes())
    raw = bytearray(deck.read_bytes())
    with zipfile.ZipFile(deck) as archive:
        info = archive.getinfo("collection.anki2")
    # Past the local header (30 bytes + name + extra) lies the deflated data: spoil it.
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for offset in range(start + 8, start + 40):
        raw[offset] ^= 0xA5
    broken = tmp_path / "broken.apkg"
    broken.write_bytes(bytes(raw))
    refused_import(broken, "broken.apkg is a damaged zip file")


def test_a_csv_field_over_128_kb_is_one_clear_line(tmp_path: Path) -> None:
    table = tmp_path / "long.csv"
    rows = [f"{front},{back}" for front, back in CARDS]
    rows.insert(2, "long," + "y" * (128 * 1024 + 1))
    table.write_text("\n".join(rows) + "\n", encoding="utf-8")
    refused_import(table, "long.csv line 3: a field is longer than 131,072 characters")


def test_a_fifo_as_a_deck_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "deck.csv"
    os.mkfifo(fifo)
    started = time.perf_counter()
    refused_import(fifo, "deck.csv is not a regular file")
    assert time.perf_counter() - started < 5


def test_wrong_options_are_the_backs_closest_in_length_alphabetical_on_ties(
    platform: Session, tmp_path: Path
) -> None:
    backs = ["aa", "bb", "cc", "ddd", "eeee", "ffffff", "g"]
    table = tmp_path / "lengths.csv"
    table.write_text(
        "".join(f"q{n},{back}\n" for n, back in enumerate(backs)), encoding="utf-8"
    )
    platform.cards.import_deck(table)
    options = {
        row["correct_answer"]: sorted(json.loads(row["options"]))
        for row in platform.database.rows(
            "SELECT correct_answer, options FROM challenges WHERE source = 'cards'"
        )
    }
    # Two at the same length, then the nearer of "ddd" and "g" (one off each) by alphabet.
    assert options["aa"] == sorted(["aa", "bb", "cc", "ddd"])
    assert options["eeee"] == sorted(["eeee", "ddd", "aa", "bb"])
    assert options["g"] == sorted(["g", "aa", "bb", "cc"])


def test_a_large_deck_is_imported_in_time_that_grows_with_its_size(
    platform: Session, tmp_path: Path
) -> None:
    table = tmp_path / "large.csv"
    table.write_text(
        "".join(f"question {n},answer {n * 7919 % 100003} {'x' * (n % 37)}\n"
                for n in range(20_000)),
        encoding="utf-8",
    )
    started = time.perf_counter()
    result = platform.cards.import_deck(table)
    assert result.imported == 20_000
    # All pairs compared with each other took about a minute for 5,000 cards.
    assert time.perf_counter() - started < 60


def test_notes_reading_more_text_than_the_file_holds_are_refused(
    platform: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from learnplat.services import anki_collection

    # Rows that share pages read more text than the file holds; the budget, set here below a
    # real deck's text, is what stops them.
    monkeypatch.setattr(anki_collection, "MAX_NOTES_TEXT", 40)
    deck = make_deck(tmp_path / "shared.apkg", [ANKI_NOTES], good_notes())
    with pytest.raises(DocumentError, match="notes hold more text than its collection file can"):
        platform.cards.import_deck(deck)
    assert imported_cards(platform) == 0


def _zstd_deck(path: Path, payload: bytes) -> Path:
    """An .apkg as Anki's default export packs one: collection.anki21b (zstd) beside a
    placeholder collection.anki2."""
    placeholder = make_deck(path.with_name("placeholder.apkg"), [ANKI_NOTES], ["Please update"])
    with zipfile.ZipFile(placeholder) as archive:
        old = archive.read("collection.anki2")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("collection.anki2", old)
        archive.writestr("collection.anki21b", payload)
    return path


def test_a_zstd_collection_is_read_in_place_of_anki_s_placeholder(tmp_path: Path) -> None:
    import zstandard

    source = make_deck(tmp_path / "source.apkg", [ANKI_NOTES], good_notes())
    with zipfile.ZipFile(source) as archive:
        collection = archive.read("collection.anki2")
    deck = _zstd_deck(tmp_path / "new.apkg", zstandard.ZstdCompressor().compress(collection))
    result = CliRunner().invoke(app, ["cards", "import", str(deck), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["imported"] == len(CARDS)


def test_a_zstd_bomb_or_damaged_frame_is_refused_plainly(tmp_path: Path) -> None:
    import zstandard

    # A few KB that unpack to 256 MB (twice the limit): refused once the limit is passed.
    bomb = zstandard.ZstdCompressor(level=3).compress(bytes(256 * 1024 * 1024))
    assert len(bomb) < 64 * 1024
    started = time.perf_counter()
    refused_import(_zstd_deck(tmp_path / "bomb.apkg", bomb), "collection unpacks to more than")
    assert time.perf_counter() - started < 10
    frame = zstandard.ZstdCompressor().compress(b"SQLite format 3\0" * 1000)
    damaged = frame[:-40] + b"\xff" * 40
    refused_import(_zstd_deck(tmp_path / "damaged.apkg", damaged), "damaged.apkg is a damaged")
