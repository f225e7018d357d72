"""The Library service on a real SQLite file: ingest, dedupe, preview, search, remove, atomicity."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from learnplat.core import Session
from learnplat.errors import BadInput, DocumentError, NotFound
from learnplat.services.passages import MAX_WORDS, MIN_WORDS
from tests import corpus

SAMPLE_MD = Path(__file__).resolve().parents[1] / "data" / "samples" / "photosynthesis.md"


@pytest.fixture
def platform(any_platform: Session) -> Session:
    """The library on each backend in turn: SQLite and PostgreSQL (the tests of SQLite's own
    failures open their own session)."""
    return any_platform


def test_ingested_pdf_is_searchable_with_title_and_page(platform: Session, docs_dir: Path) -> None:
    pdf = corpus.make_pdf(docs_dir / "textbook.pdf")
    result = platform.library.ingest(pdf)
    assert result.status == "added" and result.document is not None
    assert result.document.title == corpus.PDF_TITLE
    assert result.document.unit_name == "page"

    hits = platform.library.search(corpus.KNOWN_WORD)
    assert [(hit.doc_id, hit.page) for hit in hits] == [
        (result.document.id, corpus.KNOWN_WORD_PAGE)
    ]
    hit = hits[0]
    assert hit.title == corpus.PDF_TITLE
    start, end = hit.highlights[0]
    assert hit.snippet[start:end].lower() == corpus.KNOWN_WORD


def test_search_stems_ranks_and_filters_by_document(platform: Session, docs_dir: Path) -> None:
    md = platform.library.ingest(SAMPLE_MD).document
    pdf = platform.library.ingest(corpus.make_pdf(docs_dir / "textbook.pdf")).document
    assert md and pdf
    hits = platform.library.search("light reaction")  # singular finds "reactions"
    assert hits and {hit.doc_id for hit in hits} == {md.id, pdf.id}
    assert hits == sorted(hits, key=lambda hit: -hit.score)
    only_md = platform.library.search("light reaction", doc_id=md.id)
    assert only_md and all(hit.doc_id == md.id for hit in only_md)
    assert only_md[0].heading_path == ("Photosynthesis", "The light reactions")


@pytest.mark.parametrize(
    "query",
    [
        "what does RuBisCO do?",
        '"unterminated',
        "AND",
        "light AND",
        "NOT NEAR(",
        "-oxygen",
        "c*",
        "*",
        "plant's",
        "co2 + h2o → glucose",
        "x' OR 1=1 --",
        "(stroma) ^ {}",
    ],
)
def test_queries_with_fts_syntax_never_raise(platform: Session, query: str) -> None:
    platform.library.ingest(SAMPLE_MD)
    try:
        hits = platform.library.search(query)
    except BadInput as exc:  # only when there is no word at all
        assert "nothing to search for" in exc.message
    else:
        assert isinstance(hits, list)


def test_any_word_matches_when_all_words_do_not(platform: Session) -> None:
    platform.library.ingest(SAMPLE_MD)
    hits = platform.library.search("RuBisCO zeppelin")
    assert hits and "RuBisCO" in hits[0].snippet


def test_phrase_and_prefix_queries(platform: Session) -> None:
    platform.library.ingest(SAMPLE_MD)
    assert platform.library.search('"carbon fixation"')
    assert not platform.library.search('"fixation carbon"')
    assert platform.library.search("thylak*")


def test_reingesting_the_same_bytes_adds_nothing(platform: Session, docs_dir: Path) -> None:
    first = platform.library.ingest(SAMPLE_MD)
    copy = docs_dir / "renamed.md"
    copy.write_bytes(SAMPLE_MD.read_bytes())
    second = platform.library.ingest(copy)
    assert second.status == "duplicate"
    assert second.document and first.document and second.document.id == first.document.id
    assert len(platform.library.documents()) == 1


def test_original_is_kept_so_citations_survive_a_move(platform: Session, docs_dir: Path) -> None:
    source = docs_dir / "notes.md"
    source.write_bytes(SAMPLE_MD.read_bytes())
    document = platform.library.ingest(source).document
    assert document is not None
    source.unlink()
    assert document.stored_path.read_bytes() == SAMPLE_MD.read_bytes()
    assert platform.library.page(document.id, 1).text


def test_passages_keep_to_their_page_and_size(platform: Session, docs_dir: Path) -> None:
    pdf = corpus.make_long_pdf(docs_dir / "long.pdf", pages=30)
    document = platform.library.ingest(pdf).document
    assert document is not None and document.pages == 30
    rows = platform.database.rows(
        "SELECT page, words, text FROM passages WHERE document_id = ?", (document.id,)
    )
    assert {row["page"] for row in rows} == set(range(1, 31))
    assert all(row["words"] <= MAX_WORDS for row in rows)
    sizes = sorted(row["words"] for row in rows)
    median = sizes[len(sizes) // 2]
    assert MIN_WORDS <= median <= MAX_WORDS
    for number in (1, 15, 30):
        page = platform.library.page(document.id, number)
        assert page.text == "\n\n".join(row["text"] for row in rows if row["page"] == number)


def test_page_preview_pages_through_the_document(platform: Session, docs_dir: Path) -> None:
    pdf = corpus.make_image_only_pages_pdf(docs_dir / "scanned.pdf")
    document = platform.library.ingest(pdf).document
    assert document is not None
    first = platform.library.page(document.id)
    assert first.previous is None and first.next is not None
    assert not set(first.numbers) & set(corpus.IMAGE_ONLY_PAGES)
    with pytest.raises(NotFound, match="no text on page 3"):
        platform.library.page(document.id, 3)


def test_remove_deletes_passages_index_and_copy(platform: Session, docs_dir: Path) -> None:
    document = platform.library.ingest(SAMPLE_MD).document
    assert document is not None and document.stored_path.exists()
    platform.library.remove(document.id)
    assert platform.library.documents() == []
    assert not document.stored_path.exists()
    assert platform.library.search("chlorophyll") == []
    assert platform.database.rows("SELECT COUNT(*) AS n FROM passages")[0]["n"] == 0
    with pytest.raises(NotFound):
        platform.library.remove(document.id)


def test_profiles_have_separate_libraries(platform: Session, isolated_home: Path) -> None:
    from learnplat.settings import load_settings

    platform.library.ingest(SAMPLE_MD)
    with Session.open(load_settings({"user": "ben"})) as other:
        assert other.library.documents() == []
        assert other.library.search("chlorophyll") == []
        assert other.library.ingest(SAMPLE_MD).status == "added"


def test_oversized_file_is_refused_before_reading(isolated_home: Path, docs_dir: Path) -> None:
    from learnplat.settings import load_settings

    big = docs_dir / "big.txt"
    big.write_text("word " * 300_000)
    with Session.open(load_settings({"max_file_mb": 1})) as small:
        with pytest.raises(DocumentError, match=r"big.txt is 1.4 MB; the limit is 1 MB"):
            small.library.ingest(big)
        assert small.library.documents() == []


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d / "missing.pdf", "no such file"),
        (lambda d: d, "is a directory"),
        (lambda d: corpus.write_text(d / "empty.txt", ""), "empty"),
        (lambda d: corpus.make_truncated_pdf(d / "cut.pdf"), "damaged"),
        (lambda d: corpus.make_not_zip_docx(d / "fake.docx"), "not a valid Word document"),
        (lambda d: corpus.make_binary_junk(d / "junk.txt"), "binary"),
    ],
)
def test_bad_files_fail_clearly_and_touch_nothing(
    platform: Session, docs_dir: Path, make, message: str
) -> None:
    kept = platform.library.ingest(SAMPLE_MD).document
    assert kept is not None
    with pytest.raises(DocumentError, match=message):
        platform.library.ingest(make(docs_dir))
    assert platform.library.documents() == [kept]
    stored = list((platform.settings.data_dir / "originals").rglob("*"))
    assert [path.name for path in stored if path.is_file()] == [kept.stored_path.name]


def test_ingest_many_goes_on_after_a_failure_and_reports_progress(
    platform: Session, docs_dir: Path
) -> None:
    good = corpus.make_docx(docs_dir / "lecture.docx")
    bad = corpus.write_text(docs_dir / "empty.md", "")
    events = []
    results = platform.library.ingest_many([bad, good], on_progress=events.append)
    assert [r.status for r in results] == ["failed", "added"]
    assert isinstance(results[0].error, DocumentError)
    assert [(e.index, e.result is not None) for e in events] == [
        (0, False),
        (0, True),
        (1, False),
        (1, True),
    ]


def test_a_file_that_vanishes_before_it_is_read(platform: Session, docs_dir: Path) -> None:
    first = corpus.write_text(docs_dir / "a.md", "# A\n\nSome notes about cells.\n")
    second = corpus.write_text(docs_dir / "b.md", "# B\n\nMore notes about cells.\n")

    def delete_second_when_first_starts(event) -> None:
        if event.index == 0 and event.result is None:
            second.unlink()

    results = platform.library.ingest_many(
        [first, second], on_progress=delete_second_when_first_starts
    )
    assert results[0].status == "added"
    assert results[1].status == "failed" and "no such file" in results[1].error.message


KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from learnplat.core import Session
    from learnplat.settings import load_settings

    platform = Session.open(load_settings({"user": "ana"}))
    conn = platform.database.conn
    steps = {"n": 0}

    def kill_mid_transaction():
        if conn.in_transaction:
            steps["n"] += 1
            if steps["n"] > 50:
                os.kill(os.getpid(), signal.SIGKILL)
        return 0

    conn.set_progress_handler(kill_mid_transaction, 100)
    platform.library.ingest(sys.argv[1])
    """
)


def test_kill_9_mid_ingest_leaves_no_partial_document(isolated_home: Path, docs_dir: Path) -> None:
    pdf = corpus.make_long_pdf(docs_dir / "long.pdf", pages=60)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    child = subprocess.run([sys.executable, "-c", KILLER, str(pdf)], env=env, capture_output=True)
    assert child.returncode == -signal.SIGKILL, child.stderr.decode()

    from learnplat.settings import load_settings

    with Session.open(load_settings({"user": "ana"})) as platform:
        assert platform.database.integrity_ok()
        assert platform.library.documents() == []
        assert platform.database.rows("SELECT COUNT(*) AS n FROM passages")[0]["n"] == 0
        platform.database.conn.execute(
            "INSERT INTO passages_fts (passages_fts) VALUES ('integrity-check')"
        )
        assert platform.library.ingest(pdf).status == "added"


def test_question_words_do_not_outrank_the_subject(platform: Session) -> None:
    platform.library.ingest(SAMPLE_MD)
    platform.library.ingest(
        Path(__file__).resolve().parents[1] / "data" / "samples" / "cellular-respiration.pdf"
    )
    hits = platform.library.search("what does RuBisCO do?")
    assert hits and all("RuBisCO" in hit.snippet for hit in hits)
    assert platform.library.search("the")  # a query of only stopwords still searches


def test_another_profiles_many_hits_do_not_hide_mine(platform: Session, docs_dir: Path) -> None:
    from learnplat.settings import load_settings

    crowd = "\n\n".join(f"# Part {n}\n\nChlorophyll is green, note {n}." for n in range(80))
    with Session.open(load_settings({"user": "ben"})) as ben:
        ben.library.ingest(corpus.write_text(docs_dir / "crowd.md", crowd))
        assert len(ben.library.search("chlorophyll", limit=60)) == 60
    mine = platform.library.ingest(SAMPLE_MD).document
    assert mine is not None
    hits = platform.library.search("chlorophyll")
    assert hits and {hit.doc_id for hit in hits} == {mine.id}


# Hostile and oversized input (issue 11 §3-§4) --------------------------------------------------


def test_text_without_punctuation_is_cut_by_words_in_order_as_before() -> None:
    from learnplat.services.extract.model import Block, Unit
    from learnplat.services.passages import chunk_unit

    words = [f"w{i}" for i in range(1050)]
    chunks = chunk_unit(Unit(1, [Block(" ".join(words), ())]))
    # Cut by 200 words while more than a passage is left; the last 250 stay together.
    assert [chunk.words for chunk in chunks] == [200, 200, 200, 200, 250]
    assert " ".join(chunk.text for chunk in chunks).split() == words


def test_prose_and_headings_are_chunked_as_before() -> None:
    from learnplat.services.extract.model import Block, Unit
    from learnplat.services.passages import chunk_unit

    sentences = " ".join(" ".join(f"s{n}w{i}" for i in range(12)) + "." for n in range(40))
    unpunctuated = " ".join(f"w{i}" for i in range(700))
    blocks = [
        Block("Intro", ("Intro",), kind="heading"),
        Block(sentences, ("Intro",)),
        Block("Next", ("Intro", "Next"), kind="heading"),
        Block(unpunctuated, ("Intro", "Next")),
    ]
    # The passages the chunker made before its cut by words became linear.
    assert [(chunk.heading_path, chunk.words) for chunk in chunk_unit(Unit(3, blocks))] == [
        ("Intro", 193),
        ("Intro", 288),
        ("Intro > Next", 201),
        ("Intro > Next", 200),
        ("Intro > Next", 300),
    ]


def test_an_unexpected_error_in_one_file_fails_that_file_and_the_rest_are_ingested(
    platform: Session, docs_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import learnplat.services.extract as extract_package

    real_extract = extract_package.extract

    def extract(data: bytes, name: str, **options: object):
        # Stands in for a bug in a reader, as a real PDF once raised from zip() mid-batch.
        if name == "broken.md":
            raise ValueError("zip() argument 2 is longer than argument 1")
        return real_extract(data, name, **options)

    monkeypatch.setattr(extract_package, "extract", extract)
    first = corpus.write_text(docs_dir / "first.md", "# First\n\nMitochondria make ATP.\n")
    broken = corpus.write_text(docs_dir / "broken.md", "# Broken\n\nNever read.\n")
    last = corpus.write_text(docs_dir / "last.md", "# Last\n\nChloroplasts hold chlorophyll.\n")
    results = platform.library.ingest_many([first, broken, last])
    assert [result.status for result in results] == ["added", "failed", "added"]
    error = results[1].error
    assert error is not None and error.message == (
        "broken.md could not be ingested: unexpected ValueError: "
        "zip() argument 2 is longer than argument 1"
    )
    assert [doc.filename for doc in platform.library.documents()] == ["first.md", "last.md"]
    log = (platform.settings.data_dir / "logs" / "learnplat.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "in extract" in log  # for the bug report


def test_a_fifo_is_refused_at_once_and_the_next_file_ingested(
    platform: Session, docs_dir: Path
) -> None:
    import time

    fifo = docs_dir / "f.txt"
    os.mkfifo(fifo)
    started = time.perf_counter()
    results = platform.library.ingest_many([fifo, SAMPLE_MD])
    assert time.perf_counter() - started < 10  # opening a FIFO blocked until a writer came
    assert [result.status for result in results] == ["failed", "added"]
    assert results[0].error is not None
    assert results[0].error.message == "f.txt is not a regular file (a pipe, socket or device)"


def test_a_full_disk_while_keeping_the_original_says_so_and_keeps_nothing(
    platform: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    real_mkstemp = tempfile.mkstemp

    def mkstemp_on_a_full_disk(**options: object) -> tuple[int, str]:
        # The file is made where ingest asks, but written to /dev/full, where every write
        # fails with the kernel's own ENOSPC.
        fd, name = real_mkstemp(**options)  # type: ignore[call-overload]
        os.close(fd)
        return os.open("/dev/full", os.O_WRONLY), name

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp_on_a_full_disk)
    results = platform.library.ingest_many([SAMPLE_MD])
    assert results[0].status == "failed" and results[0].error is not None
    message = results[0].error.message
    assert message == f"the disk is full: no room left to write to {platform.settings.data_dir}"
    assert platform.library.documents() == []
    assert not [p for p in (platform.settings.data_dir / "originals").rglob("*") if p.is_file()]


@pytest.mark.parametrize("database_url", [""], ids=["sqlite"])  # SQLite's own SQLITE_FULL
def test_a_full_database_says_the_disk_is_full_and_a_later_ingest_works(
    platform: Session, docs_dir: Path
) -> None:
    # SQLite's own SQLITE_FULL, as when the disk fills: the database may not grow a page.
    pages = platform.database.conn.execute("PRAGMA page_count").fetchone()[0]
    platform.database.conn.execute(f"PRAGMA max_page_count = {pages}")
    big = corpus.write_text(docs_dir / "big.md", "# Big\n\n" + "Enzymes speed reactions. " * 4000)
    result = platform.library.ingest_many([big])[0]
    assert result.status == "failed" and result.error is not None
    assert result.error.message.startswith("the disk is full")
    assert platform.library.documents() == []
    platform.database.conn.execute("PRAGMA max_page_count = 1073741823")
    assert platform.library.ingest(big).status == "added"


def test_a_query_past_1000_characters_or_64_words_is_refused_with_the_limit(
    platform: Session,
) -> None:
    platform.library.ingest(SAMPLE_MD)
    words = [f"term{n}" for n in range(200)]
    with pytest.raises(BadInput, match="the query is 1,001 characters long; the limit is 1,000"):
        platform.library.search("chlorophyll " + "x" * 989)
    with pytest.raises(BadInput, match="the query has 65 words to look for; the limit is 64"):
        platform.library.search(" ".join(words[:65]))
    # At the limits it searches; stopwords and repeats are not words to look for.
    assert platform.library.search(" ".join(["chlorophyll", *words[:63]]))
    assert platform.library.search("the chlorophyll of the " * 40)


def test_bidi_overrides_in_a_files_text_never_reach_its_passages(
    platform: Session, docs_dir: Path
) -> None:
    # "Trojan Source": U+202E shows what follows backwards, U+2066-2069 isolate runs.
    notes = corpus.write_text(
        docs_dir / "bidi.txt",
        "Mitochondria make ATP\u202e from glucose.\n\nThe \u2066cell\u2069 membrane "
        "\u202aencloses\u202c the \u202bcytoplasm\u202d.\n",
    )
    document = platform.library.ingest(notes).document
    assert document is not None
    text = " ".join(passage.text for passage in platform.library.passages(document.id))
    assert text.split() == (
        "Mitochondria make ATP from glucose. The cell membrane encloses the cytoplasm.".split()
    )
