"""Printed page numbers beside physical pages: extraction, storage, search, citations, CLI."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from learnplat.citations import page_mark
from learnplat.cli import app
from learnplat.core import Session
from learnplat.domain.model import Citation
from learnplat.services.learning import source_of
from learnplat.store.migrations import MIGRATIONS, migrate
from tests import corpus

PRINTED = str(corpus.KNOWN_WORD_PAGE + corpus.PRINTED_OFFSET)


def test_a_page_mark_gives_both_numbers_where_they_differ() -> None:
    assert page_mark("page", 41, "23") == "p. 23, PDF page 41"
    assert page_mark("page", 41, "41") == "p. 41"
    assert page_mark("page", 41) == "p. 41"
    assert page_mark("section", 4, "x") == "§4"
    citation = Citation("Logic", doc_id=1, page=41, page_label="xii")
    assert citation.label == "Logic, p. xii, PDF page 41"


def test_search_pages_and_citations_carry_the_printed_page(
    platform: Session, docs_dir: Path
) -> None:
    book = platform.library.ingest(corpus.make_printed_book_pdf(docs_dir / "lore.pdf")).document
    assert book is not None
    hit = platform.library.search(corpus.KNOWN_WORD)[0]
    assert (hit.page, hit.page_label) == (corpus.KNOWN_WORD_PAGE, PRINTED)
    view = platform.library.page(book.id, corpus.KNOWN_WORD_PAGE)
    assert view.label == PRINTED
    passage = next(p for p in platform.library.passages(book.id) if corpus.KNOWN_WORD in p.text)
    source = source_of(passage)
    assert source.page_label == PRINTED


def test_cli_shows_and_prints_the_printed_page(tmp_path: Path, docs_dir: Path, monkeypatch) -> None:
    monkeypatch.setenv("LEARNPLAT_HOME", str(tmp_path / "home"))
    runner = CliRunner()
    pdf = corpus.make_printed_book_pdf(docs_dir / "lore.pdf")
    assert runner.invoke(app, ["ingest", str(pdf)]).exit_code == 0
    shown = runner.invoke(app, ["search", corpus.KNOWN_WORD])
    assert f"p. {PRINTED}, PDF page {corpus.KNOWN_WORD_PAGE}" in shown.stdout
    hits = json.loads(runner.invoke(app, ["search", corpus.KNOWN_WORD, "--json"]).stdout)
    assert hits[0]["page_label"] == PRINTED
    page = json.loads(runner.invoke(app, ["docs", "show", "1", "--page", "2", "--json"]).stdout)
    assert (page["page"], page["page_label"]) == (2, "12")


def test_an_older_library_gains_the_column_and_keeps_its_passages(tmp_path: Path) -> None:
    import sqlite_utils

    path = tmp_path / "old.db"
    db = sqlite_utils.Database(path)
    migrate_up_to(db, 3)
    db.execute("INSERT INTO users (id, display_name, created_at) VALUES ('u', 'u', 'now')")
    db.execute(
        "INSERT INTO documents (id, user_id, title, filename, source_path, stored_path, kind,"
        " unit_name, sha256, size_bytes, pages, words, passages, warnings, added_at)"
        " VALUES (1, 'u', 't', 'f', 's', 'o', 'pdf', 'page', 'h', 1, 1, 3, 1, '[]', 'now')"
    )
    db.execute(
        "INSERT INTO passages (document_id, page, seq, heading_path, text, words)"
        " VALUES (1, 4, 1, '', 'roots drink water', 3)"
    )
    assert migrate(db) == [version for version, _, _ in MIGRATIONS if version > 3]
    row = sqlite3.connect(path).execute("SELECT page, page_label FROM passages").fetchone()
    assert row == (4, None)


def migrate_up_to(db, last: int) -> None:
    from learnplat.store import migrations

    every = migrations.MIGRATIONS
    migrations.MIGRATIONS = tuple(step for step in every if step[0] <= last)
    try:
        migrate(db)
    finally:
        migrations.MIGRATIONS = every


def test_a_question_from_notes_cites_the_printed_page(platform: Session, docs_dir: Path) -> None:
    import random

    from learnplat.services.game import Game
    from learnplat.store.library import LibraryStore
    from tests.test_game import NOTES

    paragraphs = [part for part in NOTES.split("\n\n") if not part.startswith("#")]
    pdf = corpus.make_pdf(
        docs_dir / "tectonics.pdf",
        [(None, paragraph.replace("\n", " ")) for paragraph in paragraphs],
        title="Plate tectonics",
        page_labels=("D", 40),
    )
    book = platform.library.ingest(pdf).document
    assert book is not None
    LibraryStore(platform.database).ensure_user("ana")
    game = Game(
        platform.game.store,
        platform.library,
        platform.learning.tutor,
        "ana",
        rng=random.Random(1),
    )
    assert game.question_set(book.id).kept > 0
    served = game.next(doc_id=book.id)
    assert served.source is not None and served.source.page is not None
    printed = str(served.source.page + 39)
    assert served.source.page_label == printed
    assert served.source.label == f"Plate tectonics, p. {printed}, PDF page {served.source.page}"
