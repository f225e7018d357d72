"""The CLI through CliRunner with LEARNPLAT_HOME in tmp_path: JSON contracts, exit codes, errors."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from learnplat import __version__
from learnplat.cli import app
from tests import corpus

SAMPLE_MD = Path(__file__).resolve().parents[1] / "data" / "samples" / "photosynthesis.md"


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(app, [str(a) for a in args], input=input)

    return invoke


def test_version_and_help(run) -> None:
    assert run("--version").stdout.strip() == f"learnplat {__version__}"
    result = run("--help")
    assert result.exit_code == 0
    for command in ("ingest", "search", "docs", "config", "doctor", "tui"):
        assert command in result.stdout


def test_ingest_then_list_show_search_remove_in_json(run, docs_dir: Path) -> None:
    pdf = corpus.make_pdf(docs_dir / "textbook.pdf")
    docx = corpus.make_docx(docs_dir / "lecture.docx")
    result = run("ingest", pdf, docx, SAMPLE_MD, "--json")
    assert result.exit_code == 0, result.output
    ingested = json.loads(result.stdout)
    assert [item["status"] for item in ingested] == ["added", "added", "added"]

    listed = json.loads(run("docs", "list", "--json").stdout)
    assert len(listed) == 3
    for document in listed:
        assert {"id", "title", "pages", "words", "added_at"} <= document.keys()
    pdf_doc = next(d for d in listed if d["kind"] == "pdf")
    assert pdf_doc["title"] == corpus.PDF_TITLE

    hits = json.loads(run("search", corpus.KNOWN_WORD, "--json").stdout)
    assert len(hits) == 1
    assert {"doc_id", "title", "page", "snippet", "score"} <= hits[0].keys()
    assert (hits[0]["doc_id"], hits[0]["page"]) == (pdf_doc["id"], corpus.KNOWN_WORD_PAGE)

    shown = json.loads(
        run("docs", "show", pdf_doc["id"], "--page", corpus.KNOWN_WORD_PAGE, "--json").stdout
    )
    assert corpus.KNOWN_WORD in shown["text"]

    removed = run("docs", "remove", pdf_doc["id"], "--yes", "--json")
    assert removed.exit_code == 0
    assert json.loads(run("search", corpus.KNOWN_WORD, "--json").stdout) == []


def test_reingest_reports_the_existing_document(run) -> None:
    run("ingest", SAMPLE_MD)
    result = run("ingest", SAMPLE_MD)
    assert result.exit_code == 0
    assert "already in the library" in result.stdout
    assert len(json.loads(run("docs", "list", "--json").stdout)) == 1


def test_human_search_shows_title_page_and_heading(run, docs_dir: Path) -> None:
    run("ingest", SAMPLE_MD)
    result = run("search", "RuBisCO")
    assert result.exit_code == 0
    assert "Photosynthesis" in result.stdout and "§" in result.stdout
    assert "The Calvin cycle" in result.stdout


def test_bad_input_is_one_line_and_exit_2(run, docs_dir: Path) -> None:
    junk = corpus.make_binary_junk(docs_dir / "junk.txt")
    result = run("ingest", junk)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "junk.txt" in result.stderr and "binary" in result.stderr
    assert result.stdout == ""


def test_some_failed_exits_1_and_keeps_the_good_ones(run, docs_dir: Path) -> None:
    missing = docs_dir / "missing.pdf"
    result = run("ingest", SAMPLE_MD, missing, "--json")
    assert result.exit_code == 1
    items = json.loads(result.stdout)
    assert [item["status"] for item in items] == ["added", "failed"]
    assert "no such file" in items[1]["error"]["message"]


def test_encrypted_pdf_needs_the_password(run, docs_dir: Path) -> None:
    pdf = corpus.make_encrypted_pdf(docs_dir / "secret.pdf", "s3cret")
    refused = run("ingest", pdf)
    assert (
        refused.exit_code == 2 and "encrypted" in refused.stderr and "--password" in refused.stderr
    )
    accepted = run("ingest", pdf, "--password", "s3cret")
    assert accepted.exit_code == 0, accepted.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("docs", "show", "99"), "no document with id 99"),
        (("docs", "remove", "99", "--yes"), "no document with id 99"),
        (("search", "?!"), "nothing to search for"),
        (("search", "x", "--limit", "0"), "limit must be between"),
        (("--provider", "gpt", "docs", "list"), "'gpt' is not one of 'offline', 'bedrock'"),
    ],
)
def test_errors_are_messages_not_tracebacks(run, args, message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_global_options_choose_profile_and_data_dir(run, tmp_path: Path) -> None:
    other = tmp_path / "other-data"
    run("--data-dir", other, "--user", "ben", "ingest", SAMPLE_MD)
    assert (
        len(json.loads(run("--data-dir", other, "--user", "ben", "docs", "list", "--json").stdout))
        == 1
    )
    assert (
        json.loads(run("--data-dir", other, "--user", "ana", "docs", "list", "--json").stdout) == []
    )
    assert json.loads(run("docs", "list", "--json").stdout) == []
    assert (other / "learnplat.db").exists()


def test_config_show_reports_sources(
    run, isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "config.toml").write_text("max_file_mb = 4\n")
    monkeypatch.setenv("LEARNPLAT_PROVIDER", "openai")
    shown = json.loads(run("--user", "ana", "config", "show", "--json").stdout)
    by_key = {row["key"]: row for row in shown["settings"]}
    assert (by_key["user"]["value"], by_key["user"]["source"]) == ("ana", "flag")
    assert (by_key["provider"]["value"], by_key["provider"]["source"]) == ("openai", "env")
    assert (by_key["max_file_mb"]["value"], by_key["max_file_mb"]["source"]) == (4.0, "file")
    assert run("config", "path").stdout.strip() == str(isolated_home / "config.toml")


def test_doctor_reports_data_dir_database_and_provider(run, isolated_home: Path) -> None:
    result = run("doctor", "--json")
    assert result.exit_code == 0, result.output
    checks = {check["name"]: check for check in json.loads(result.stdout)}
    expected = {"data dir", "database", "provider", "speech", "audio player", "pdf engines"}
    assert expected <= checks.keys()
    assert checks["database"]["status"] == "ok"
    assert checks["database"]["detail"].startswith(f"SQLite {sqlite3.sqlite_version} at ")
    assert str(isolated_home) in checks["data dir"]["detail"]
    assert "offline" in checks["provider"]["detail"]
    assert checks["challenges"]["status"] == "ok"
    assert "bank questions in 9 categories" in checks["challenges"]["detail"]


def test_doctor_fails_on_a_broken_database(run, isolated_home: Path) -> None:
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "learnplat.db").write_bytes(b"not a database" * 200)
    result = run("doctor")
    assert result.exit_code == 1
    assert "FAIL" in result.stdout and "database" in result.stdout


def test_pdf_library_warnings_go_to_the_log_not_the_terminal(
    run, docs_dir: Path, isolated_home: Path
) -> None:
    damaged = corpus.make_pdfium_rejected_pdf(docs_dir / "damaged.pdf")
    result = run("ingest", damaged)
    assert result.exit_code == 0, result.output
    assert "Root" not in result.output and "pypdf" not in result.output
    log = (isolated_home / "logs" / "learnplat.log").read_text()
    assert "PDFium rejected damaged.pdf" in log
    assert "pypdf" in log


@pytest.mark.parametrize("out", ["lesson.txt", "no-such-folder/lesson.md"])
def test_learn_refuses_a_bad_out_path_before_adding_the_notes(run, tmp_path: Path, out) -> None:
    result = run("learn", "--file", SAMPLE_MD, "--out", tmp_path / out)
    assert result.exit_code == 2 and "cannot write" in result.stderr
    assert json.loads(run("docs", "list", "--json").stdout) == []  # nothing was added


# Batches, special files, a full disk, numbers past 64 bits (issue 11 §3) -----------------------

TOO_LARGE = "99999999999999999999"


def test_ingest_gives_every_file_its_line_past_bad_names_and_special_files(
    run, docs_dir: Path
) -> None:
    import os

    fifo = docs_dir / "pipe.txt"
    os.mkfifo(fifo)
    folder = docs_dir / "folder"
    folder.mkdir()
    odd = os.fsdecode(bytes(docs_dir) + b"/caf\xe9.txt")  # a name that is not UTF-8
    Path(odd).write_text("Notes on enzymes and the catalysts of the cell.\n", encoding="utf-8")
    last = corpus.write_text(docs_dir / "last.md", "# Last\n\nChloroplasts hold chlorophyll.\n")
    result = run("ingest", SAMPLE_MD, fifo, folder, odd, last, "--json")
    assert result.exit_code == 1, result.output
    items = json.loads(result.stdout)
    assert [item["status"] for item in items] == ["added", "failed", "failed", "added", "added"]
    assert items[1]["error"]["message"].startswith("pipe.txt is not a regular file")
    assert items[2]["error"]["message"].endswith("folder is a directory")
    assert "Traceback" not in result.output


def test_a_database_on_a_full_disk_says_the_disk_is_full(run, isolated_home: Path) -> None:
    # /dev/full answers every write with the kernel's ENOSPC, as a full disk does.
    isolated_home.mkdir(parents=True)
    (isolated_home / "learnplat.db").symlink_to("/dev/full")
    result = run("docs", "list")
    assert result.exit_code == 1
    assert f"the disk is full: no room left to write to {isolated_home}" in result.stderr
    assert "is it a learnplat database" not in result.stderr and "unexpected" not in result.stderr


def test_doctor_reports_the_free_space_of_the_data_dir(run, isolated_home: Path) -> None:
    import shutil

    result = run("doctor", "--json")
    disk = {check["name"]: check for check in json.loads(result.stdout)}["disk"]
    free_gb = shutil.disk_usage(isolated_home.parent).free / 1e9
    assert disk["status"] == "ok"
    shown, rest = disk["detail"].split(" GB free of ", 1)
    assert abs(float(shown.replace(",", "")) - free_gb) < 0.5  # other processes write meanwhile
    assert rest.endswith(f"GB on {isolated_home.parent}")


def test_doctor_warns_when_free_space_is_below_its_mark(
    run, isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from learnplat.services import doctor

    # The real free space, against a mark set above it.
    monkeypatch.setattr(doctor, "WARN_FREE_BYTES", shutil.disk_usage("/").free * 2 + 10**12)
    result = run("doctor", "--json")
    disk = {check["name"]: check for check in json.loads(result.stdout)}["disk"]
    assert disk["status"] == "warn" and "GB free" in disk["detail"]
    assert "ingest and lessons may fail" in disk["detail"]


@pytest.mark.parametrize(
    "args",
    [
        ("upvote", TOO_LARGE),
        ("unvote", TOO_LARGE),
        ("docs", "show", TOO_LARGE),
        ("docs", "remove", TOO_LARGE, "--yes"),
        ("teach", "--regrade", TOO_LARGE),
        ("search", "chlorophyll", "--doc", TOO_LARGE),
        ("learn", "--doc", TOO_LARGE),
    ],
    ids=lambda args: " ".join(args[:2]),
)
def test_a_number_past_64_bits_is_bad_input(run, args: tuple[str, ...]) -> None:
    run("ingest", SAMPLE_MD)
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert "that number is too large" in result.stderr
    assert "unexpected" not in result.stderr and "Traceback" not in result.output


def test_a_full_disk_anywhere_else_is_said_plainly_not_as_unexpected(
    run, monkeypatch: pytest.MonkeyPatch, isolated_home: Path
) -> None:
    from learnplat.services.library import Library

    def documents_on_a_full_disk(self: Library) -> list:
        # A write no service expected to fail, made to hit the kernel's ENOSPC for real.
        with open("/dev/full", "w") as full:
            full.write("x")
        return []

    monkeypatch.setattr(Library, "documents", documents_on_a_full_disk)
    result = run("docs", "list")
    assert result.exit_code == 1
    # The error names no file: the data dir is where learnplat writes.
    assert f"the disk is full: no room left to write to {isolated_home}" in result.stderr
    assert "unexpected" not in result.stderr


def test_a_pasted_page_as_a_question_is_refused_before_any_search(run) -> None:
    import time

    run("ingest", SAMPLE_MD)
    page = " ".join(f"chlorophyll{n} light{n}" for n in range(1400))  # about 35 KB
    started = time.perf_counter()
    result = run("ask", page)
    assert result.exit_code == 2, result.output
    assert f"the question is {len(page):,} characters long; the limit is 1,000" in result.stderr
    assert time.perf_counter() - started < 5  # it took 8 s on a real library, 27 s on a larger
    searched = run("search", page)
    assert searched.exit_code == 2 and "the limit is 1,000" in searched.stderr


# Files and secrets, and leftovers of terminal safety (issue 11 §5) ------------------------------


@pytest.mark.parametrize(
    "token",
    [os.fsdecode(b"ab\xffcd"), "\ud800" * 20, "0123456789abcdef012g", "x" * 5000, "  "],
    ids=["not-utf8", "surrogates", "not-hex", "huge", "blank"],
)
def test_a_malformed_challenge_token_is_bad_input_not_an_unexpected_error(run, token) -> None:
    result = run("--user", "ana", "challenge", "answer", token, "1")
    assert result.exit_code == 2, result.output
    assert "unexpected error" not in result.stderr and "Traceback" not in result.output
    assert result.stderr.startswith(
        "error: unknown question token: a token is 20 hex digits (0-9, a-f)\n"
    )
    assert "learnplat challenge next" in result.stderr  # the hint


def test_docs_original_saves_a_copy_of_the_ingested_file_and_never_overwrites(
    run, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.md"
    notes.write_bytes(SAMPLE_MD.read_bytes())
    added = json.loads(run("ingest", notes, "--json").stdout)[0]["document"]
    notes.unlink()  # the learner's own copy is gone; the library kept one
    copy = tmp_path / "back.md"
    result = run("docs", "original", added["id"], "--out", copy, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "doc_id": added["id"], "path": str(copy), "bytes": SAMPLE_MD.stat().st_size
    }
    assert copy.read_bytes() == SAMPLE_MD.read_bytes()

    copy.write_text("my own edits")
    again = run("docs", "original", added["id"], "--out", copy)
    assert again.exit_code == 2 and "already exists" in again.stderr
    assert copy.read_text() == "my own edits"
    missing = run("docs", "original", 999, "--out", tmp_path / "x.md")
    assert missing.exit_code != 0 and "no document with id 999" in missing.stderr
    assert not (tmp_path / "x.md").exists()
    elsewhere = run("docs", "original", added["id"], "--out", tmp_path / "no" / "dir" / "x.md")
    assert elsewhere.exit_code == 2 and "does not exist" in elsewhere.stderr


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("docs", "show", "99"), 2, "no document with id 99"),
        (("cards", "import", "nope.csv"), 2, "no such file: nope.csv"),
        (("docs", "show"), 2, "Missing argument 'ID'"),
        (("search", "x" * 1001), 2, "the limit is 1,000"),
    ],
)
def test_a_failure_with_json_is_a_json_error_object_on_stdout_too(
    run, args: tuple[str, ...], code: int, message: str
) -> None:
    result = run(*args, "--json")
    assert result.exit_code == code
    error = json.loads(result.stdout)
    assert set(error) == {"error", "hint", "code"} and error["code"] == code
    assert message in error["error"]
    assert message in result.stderr  # the line for people is still there
    # Without --json the error is for people only.
    assert run(*args).stdout == ""


def test_json_after_a_double_dash_is_a_file_name_not_the_flag(run) -> None:
    result = run("cards", "import", "--", "--json")
    assert result.exit_code == 2 and "no such file: --json" in result.stderr
    assert result.stdout == ""


def test_help_lists_the_allowed_values_and_keeps_example_lines(run) -> None:
    learn = run("learn", "--help").stdout
    assert "<beginner|intermediate|advanced>" in learn and "<chat|visual|audio|ebook>" in learn
    assert "<offline|bedrock|openai>" in learn
    # Each example on its own line, as written.
    assert "\n    learnplat learn photosynthesis --level beginner\n" in learn
    board = run("leaderboard", "--help").stdout
    assert "<teach|game>" in board and "<all|week>" in board
    assert "<top|new>" in run("community", "--help").stdout
    assert "<anki|csv>" in run("cards", "export", "--help").stdout


def test_shell_completion_offers_the_allowed_values(isolated_home: Path) -> None:
    import subprocess
    import sys

    # What bash's completion asks the installed command for `learnplat learn --level <TAB>`.
    words = {"COMP_WORDS": "learnplat learn --level ", "COMP_CWORD": "3"}
    env = {**os.environ, "_LEARNPLAT_COMPLETE": "complete_bash", **words}
    script = Path(sys.executable).with_name("learnplat")
    done = subprocess.run([script], env=env, capture_output=True, text=True, timeout=60)
    assert {"beginner", "intermediate", "advanced"} <= set(done.stdout.split())
