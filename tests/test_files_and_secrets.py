"""Files and secrets (issue 11 §5): ingested originals live and die with their documents, even
across kill -9 and two profiles racing on the same bytes; the data dir is private whatever the
umask; a PDF password need not be typed where `ps` shows it; one profile per name, whatever
its case, and no look-alike of another's."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from learnplat.cli import app
from learnplat.core import Session
from learnplat.settings import load_settings
from tests import corpus

SAMPLE_MD = Path(__file__).resolve().parents[1] / "data" / "samples" / "photosynthesis.md"
SAMPLE_PDF = SAMPLE_MD.with_name("cellular-respiration.pdf")
HOUR_S = 3600


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args: object, input: str | None = None, env: dict[str, str] | None = None):
        return runner.invoke(app, [str(a) for a in args], input=input, env=env)

    return invoke


def child_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}


def stored_files(home: Path) -> list[Path]:
    return sorted(path for path in (home / "originals").rglob("*") if path.is_file())


def doctor_check(run, name: str, *args: str) -> dict[str, str]:
    result = run("doctor", "--json", *args)
    assert result.exit_code in (0, 1), result.output
    return {check["name"]: check for check in json.loads(result.stdout)}[name]


def age(path: Path, seconds: float) -> None:
    """Make ``path`` look as if it was written ``seconds`` ago."""
    then = time.time() - seconds
    os.utime(path, (then, then))


# The originals' life follows the database ----------------------------------------------------

KILL_IN_THE_TRANSACTION = textwrap.dedent(
    """
    import os, signal, sys
    from learnplat.core import Session
    from learnplat.settings import load_settings

    platform = Session.open(load_settings({"user": "ana"}))
    conn = platform.database.conn

    def kill_while_the_document_is_written():
        if conn.in_transaction:
            os.kill(os.getpid(), signal.SIGKILL)
        return 0

    conn.set_progress_handler(kill_while_the_document_is_written, 10)
    platform.library.ingest(sys.argv[1])
    """
)


def test_kill_9_between_the_copy_and_the_commit_leaves_an_orphan_doctor_fix_sweeps(
    run, isolated_home: Path, docs_dir: Path
) -> None:
    notes = corpus.write_text(docs_dir / "notes.md", SAMPLE_MD.read_text(encoding="utf-8"))
    child = subprocess.run(
        [sys.executable, "-c", KILL_IN_THE_TRANSACTION, str(notes)],
        env=child_env(),
        capture_output=True,
        timeout=120,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr.decode()
    [orphan] = stored_files(isolated_home)  # the copy was written, the document never was

    # A fresh file may be an ingest's that has yet to commit: reported, never swept.
    check = doctor_check(run, "originals", "--fix")
    assert check["status"] == "ok", check
    assert "1 unused file younger than an hour left alone" in check["detail"]
    assert stored_files(isolated_home) == [orphan]

    age(orphan, 2 * HOUR_S)
    check = doctor_check(run, "originals")
    assert check["status"] == "warn", check
    assert "1 file no document uses" in check["detail"] and "--fix" in check["detail"]
    assert stored_files(isolated_home) == [orphan]  # doctor alone changes nothing

    check = doctor_check(run, "originals", "--fix")
    assert check["status"] == "ok" and "removed 1 file no document used" in check["detail"]
    assert stored_files(isolated_home) == []
    assert doctor_check(run, "originals")["status"] == "ok"

    added = run("--user", "ana", "ingest", notes, "--json")
    assert added.exit_code == 0, added.output
    [document] = json.loads(added.stdout)
    assert Path(document["document"]["stored_path"]).read_bytes() == notes.read_bytes()


def test_a_sweep_never_takes_a_file_a_document_uses_or_a_fresh_temporary_copy(
    run, isolated_home: Path
) -> None:
    assert run("--user", "ana", "ingest", SAMPLE_MD).exit_code == 0
    [kept] = stored_files(isolated_home)
    age(kept, 48 * HOUR_S)
    writing = kept.parent / ".ingest-being-written"  # mkstemp's name while an ingest writes
    writing.write_bytes(b"half a file")
    stale = kept.parent / ".ingest-left-by-a-crash"
    stale.write_bytes(b"half a file")
    age(stale, 2 * HOUR_S)

    check = doctor_check(run, "originals", "--fix")
    assert "removed 1 file no document used" in check["detail"], check
    assert stored_files(isolated_home) == sorted([kept, writing])


def test_a_shared_original_stays_while_any_profile_uses_it(platform: Session) -> None:
    mine = platform.library.ingest(SAMPLE_MD).document
    with Session.open(load_settings({"user": "ben"})) as ben:
        theirs = ben.library.ingest(SAMPLE_MD).document
        assert mine is not None and theirs is not None
        assert mine.stored_path == theirs.stored_path
        platform.library.remove(mine.id)
        assert theirs.stored_path.read_bytes() == SAMPLE_MD.read_bytes()
        ben.library.remove(theirs.id)
    assert not mine.stored_path.exists()


INGEST_AND_REMOVE = textwrap.dedent(
    """
    import json, sys, time
    from learnplat.core import Session
    from learnplat.settings import load_settings

    user, path, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    platform = Session.open(load_settings({"user": user}))
    print("ready", flush=True)
    sys.stdin.readline()  # both start together
    cycles = lost = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        document = platform.library.ingest(path).document
        lost += not document.stored_path.exists()
        platform.library.passages(document.id)  # the document in use a moment
        lost += not document.stored_path.exists()
        platform.library.remove(document.id)
        cycles += 1
    print(json.dumps({"cycles": cycles, "lost": lost}), flush=True)
    """
)


def test_two_profiles_ingesting_and_removing_the_same_bytes_never_lose_a_file(
    isolated_home: Path, docs_dir: Path
) -> None:
    # Enough passages that the time between keeping the copy and committing the document is
    # a good part of each cycle: the old code lost a file in about a third of them.
    parts = [f"## Part {n}\n\n" + "Cells divide and membranes carry ions. " * 9 for n in range(100)]
    notes = corpus.write_text(docs_dir / "shared.md", "# Shared notes\n\n" + "\n\n".join(parts))
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", INGEST_AND_REMOVE, user, str(notes), "2.5"],
            env=child_env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for user in ("ana", "ben")
    ]
    for worker in workers:
        assert worker.stdout is not None
        if worker.stdout.readline() != "ready\n":
            worker.kill()
            raise AssertionError(worker.communicate(timeout=30)[1])
    for worker in workers:
        assert worker.stdin is not None
        worker.stdin.write("go\n")
        worker.stdin.flush()
    reports = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        reports.append(json.loads(out))
    assert all(report["cycles"] >= 5 for report in reports), reports
    assert [report["lost"] for report in reports] == [0, 0], reports
    assert stored_files(isolated_home) == []  # and nothing left behind


# The data dir is its owner's alone ---------------------------------------------------------------


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


@pytest.fixture
def umask():
    """Run the test under a given umask, and put the old one back."""
    old = os.umask(0o022)
    os.umask(old)
    yield os.umask
    os.umask(old)


@pytest.mark.parametrize("mask", [0o000, 0o022, 0o077], ids=["000", "022", "077"])
def test_the_data_dir_database_log_and_originals_are_private_whatever_the_umask(
    isolated_home: Path, umask, mask: int
) -> None:
    umask(mask)
    with Session.open(load_settings({"user": "ana"})) as platform:
        document = platform.library.ingest(SAMPLE_MD).document
        assert document is not None
        logging_target = isolated_home / "logs" / "learnplat.log"
        database = isolated_home / "learnplat.db"
        # While the database is open its -wal and -shm files exist: they hold its pages too.
        private_files = [database, Path(f"{database}-wal"), Path(f"{database}-shm"),
                         logging_target, document.stored_path]
        private_dirs = [isolated_home, isolated_home / "logs", isolated_home / "originals",
                        document.stored_path.parent]
        assert {str(path): oct(mode(path)) for path in private_files + private_dirs} == {
            **{str(path): oct(0o600) for path in private_files},
            **{str(path): oct(0o700) for path in private_dirs},
        }


def test_loose_modes_left_by_an_older_version_are_made_private_when_it_opens(
    isolated_home: Path, umask
) -> None:
    import sqlite3

    umask(0o022)  # what older versions ran under, and never changed
    with Session.open(load_settings({"user": "ana"})) as platform:
        platform.library.ingest(SAMPLE_MD)
    database = isolated_home / "learnplat.db"
    log = isolated_home / "logs" / "learnplat.log"
    for path, loose in ((isolated_home, 0o755), (isolated_home / "logs", 0o755),
                        (database, 0o644), (log, 0o644)):
        path.chmod(loose)
    # Another process (an older version, say) holds the database open: its -wal and -shm
    # files exist, made from the database's loose mode.
    holder = sqlite3.connect(database)
    holder.execute("PRAGMA journal_mode=WAL")
    holder.execute("SELECT COUNT(*) FROM documents").fetchone()
    for path in (Path(f"{database}-wal"), Path(f"{database}-shm")):
        path.chmod(0o644)
    try:
        with Session.open(load_settings({"user": "ana"})):
            modes = {path.name: oct(mode(path)) for path in (
                isolated_home, isolated_home / "logs", database, log,
                Path(f"{database}-wal"), Path(f"{database}-shm"),
            )}
    finally:
        holder.close()
    assert modes == {
        isolated_home.name: oct(0o700), "logs": oct(0o700), "learnplat.db": oct(0o600),
        "learnplat.log": oct(0o600), "learnplat.db-wal": oct(0o600),
        "learnplat.db-shm": oct(0o600),
    }


def test_doctor_reports_files_others_can_read_and_fix_makes_them_private(
    run, isolated_home: Path
) -> None:
    assert run("--user", "ana", "ingest", SAMPLE_MD).exit_code == 0
    [original] = stored_files(isolated_home)
    # A data dir restored from a backup with `cp -r` under umask 022.
    original.chmod(0o644)
    original.parent.chmod(0o755)
    check = doctor_check(run, "privacy")
    assert check["status"] == "warn", check
    assert "2 files or folders in the data dir others can read" in check["detail"]
    assert "--fix" in check["detail"]
    check = doctor_check(run, "privacy", "--fix")
    assert check["status"] == "ok" and "made 2 files or folders private" in check["detail"]
    assert (mode(original), mode(original.parent)) == (0o600, 0o700)
    assert doctor_check(run, "privacy")["status"] == "ok"


# A PDF's password is never typed where `ps` shows it ---------------------------------------------

PASSWORD = "s3cret"
VISIBLE = "warning: --password is visible to other users of this machine"


@pytest.fixture
def secret_pdf(docs_dir: Path) -> Path:
    return corpus.make_encrypted_pdf(docs_dir / "secret.pdf", PASSWORD)


def titles(run) -> list[str]:
    return [document["title"] for document in json.loads(run("docs", "list", "--json").stdout)]


def test_the_password_flag_still_works_but_warns_that_others_can_see_it(run, secret_pdf) -> None:
    result = run("ingest", secret_pdf, "--password", PASSWORD)
    assert result.exit_code == 0, result.output
    assert VISIBLE in result.stderr and "LEARNPLAT_PDF_PASSWORD" in result.stderr
    assert PASSWORD not in result.stdout + result.stderr
    assert len(titles(run)) == 1


def test_the_password_from_the_environment(run, secret_pdf) -> None:
    result = run("ingest", secret_pdf, env={"LEARNPLAT_PDF_PASSWORD": PASSWORD})
    assert result.exit_code == 0, result.output
    assert "warning" not in result.stderr and len(titles(run)) == 1


def test_the_password_from_stdin(run, secret_pdf) -> None:
    result = run("ingest", secret_pdf, "--password-stdin", "--json", input=f"{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["status"] == "added" and "warning" not in result.stderr


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("--password-stdin",), "", "error: --password-stdin read no password\n"),
        (("--password-stdin",), "\n", "error: --password-stdin read no password\n"),
        (("--password-stdin", "--password", PASSWORD), f"{PASSWORD}\n",
         "error: give the password one way: --password or --password-stdin, not both\n"),
    ],
    ids=["empty", "blank-line", "both"],
)
def test_a_password_option_used_wrongly_is_bad_input_and_adds_nothing(
    run, secret_pdf, args, stdin: str, message: str
) -> None:
    result = run("ingest", secret_pdf, *args, input=stdin)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(message) and "Traceback" not in result.output
    assert titles(run) == []


def test_without_a_password_or_a_terminal_the_hint_names_the_safe_ways(run, secret_pdf) -> None:
    result = run("ingest", secret_pdf)
    assert result.exit_code == 2
    assert "secret.pdf is encrypted" in result.stderr
    assert "LEARNPLAT_PDF_PASSWORD" in result.stderr and "--password-stdin" in result.stderr
    assert titles(run) == []


def run_in_a_terminal(args: list[str], answers: list[str], home: Path) -> tuple[int, str]:
    """Run learnplat with a pseudo-terminal as its controlling terminal (stdin, stdout and
    stderr), type each answer once a prompt shows, and return its exit status and everything
    the terminal showed."""
    import fcntl
    import select
    import termios

    main_fd, terminal_fd = os.openpty()

    def take_the_terminal() -> None:
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    env = {**child_env(), "LEARNPLAT_HOME": str(home), "COLUMNS": "100"}
    child = subprocess.Popen(
        [sys.executable, "-m", "learnplat", *args],
        stdin=terminal_fd, stdout=terminal_fd, stderr=terminal_fd, env=env,
        start_new_session=True, preexec_fn=take_the_terminal,
    )
    os.close(terminal_fd)
    shown, pending = b"", list(answers)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([main_fd], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(main_fd, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            shown += chunk
            # The prompt's last space comes once echo is off (click writes the prompt, then
            # getpass turns echo off, flushing what was typed, and writes " ").
            if pending and shown.endswith(b": "):
                os.write(main_fd, pending.pop(0).encode() + b"\n")
        elif child.poll() is not None:
            break
    os.close(main_fd)
    return child.wait(timeout=30), shown.decode(errors="replace")


def test_in_a_terminal_it_asks_for_the_password_without_echoing_it(
    isolated_home: Path, secret_pdf: Path
) -> None:
    status, shown = run_in_a_terminal(
        ["--user", "ana", "ingest", str(secret_pdf)], ["wrong-one", PASSWORD], isolated_home
    )
    assert status == 0, shown
    assert "secret.pdf is encrypted: password (empty to skip):" in shown
    assert "wrong password for secret.pdf: password (empty to skip):" in shown
    assert "added" in shown and "secret.pdf" in shown
    assert PASSWORD not in shown and "wrong-one" not in shown  # typed, never shown


def test_in_a_terminal_an_empty_answer_skips_the_file(
    isolated_home: Path, secret_pdf: Path, docs_dir: Path
) -> None:
    status, shown = run_in_a_terminal(
        ["--user", "ana", "ingest", str(secret_pdf), str(SAMPLE_MD)], [""], isolated_home
    )
    assert status == 1, shown  # one of two files failed
    assert "secret.pdf is encrypted: password (empty to skip):" in shown
    assert "added" in shown and "photosynthesis.md" in shown
    assert "secret.pdf: secret.pdf is encrypted" in shown


# One profile per name, whatever its case, and no look-alike of another's -------------------------


def profiles(home: Path) -> list[str]:
    import sqlite3

    with sqlite3.connect(home / "learnplat.db") as conn:
        return [row[0] for row in conn.execute("SELECT id FROM users ORDER BY id")]


def test_a_name_in_another_case_is_the_same_profile(run, isolated_home: Path) -> None:
    assert run("--user", "ana", "ingest", SAMPLE_MD).exit_code == 0
    for spelling in ("Ana", "ANA"):
        listed = run("--user", spelling, "docs", "list", "--json")
        assert listed.exit_code == 0, listed.output
        assert len(json.loads(listed.stdout)) == 1
    again = run("--user", "ANA", "ingest", SAMPLE_MD)
    assert "already in the library" in again.stdout
    assert profiles(isolated_home) == ["ana"]


@pytest.mark.parametrize(
    ("existing", "typed"),
    [("bill", "bi11"), ("bill", "biII"), ("olga", "0lga"), ("lan", "Ian")],
)
def test_a_name_that_only_looks_like_a_profile_is_refused(
    run, isolated_home: Path, existing: str, typed: str
) -> None:
    assert run("--user", existing, "ingest", SAMPLE_MD).exit_code == 0
    refused = run("--user", typed, "docs", "list")
    assert refused.exit_code == 2, refused.output
    assert refused.stderr.startswith(
        f"error: the profile name '{typed}' looks like the existing profile '{existing}'\n"
    )
    assert f"--user {existing}" in refused.stderr  # the hint
    assert profiles(isolated_home) == [existing]


def test_look_alike_letters_from_other_scripts_are_refused_and_named(
    run, isolated_home: Path
) -> None:
    assert run("--user", "ana", "ingest", SAMPLE_MD).exit_code == 0
    for typed in ("\u0430na", "\uff41\uff4e\uff41"):  # Cyrillic a, full-width letters
        refused = run("--user", typed, "docs", "list")
        assert refused.exit_code == 2, refused.output
        assert "only looks like the Latin 'a'" in refused.stderr
    assert profiles(isolated_home) == ["ana"]


def test_profiles_that_differ_only_in_case_from_before_keep_working(
    run, isolated_home: Path, docs_dir: Path
) -> None:
    # Made before names were compared without case: two profiles, each with its own notes.
    assert run("--user", "ana", "ingest", SAMPLE_MD).exit_code == 0
    import sqlite3

    with sqlite3.connect(isolated_home / "learnplat.db") as conn:
        conn.execute("INSERT INTO users (id, display_name, created_at) VALUES ('Ana', 'Ana', '')")
    other = corpus.write_text(docs_dir / "other.md", "# Cells\n\nCells divide by mitosis.\n")
    assert run("--user", "Ana", "ingest", other).exit_code == 0
    for name, title in (("ana", "Photosynthesis"), ("Ana", "Cells")):
        listed = json.loads(run("--user", name, "docs", "list", "--json").stdout)
        assert [document["title"] for document in listed] == [title]
    ambiguous = run("--user", "ANA", "docs", "list")
    assert ambiguous.exit_code == 2
    assert "'ANA' could be the profiles 'Ana' or 'ana'" in ambiguous.stderr


@pytest.mark.parametrize("suffix", [b".\xff", b".\x1b[2J", b".pdf\xe2\x80\xae", b"." + b"x" * 40])
def test_a_file_whose_extension_is_no_plain_word_is_kept_without_it(
    run, docs_dir: Path, suffix: bytes
) -> None:
    # The type comes from the bytes: a PDF named "paper.\xff" is a PDF, and its copy's name
    # must be one the database can store and a terminal can show.
    pdf = docs_dir / os.fsdecode(b"paper" + suffix)
    pdf.write_bytes(SAMPLE_PDF.read_bytes())
    result = run("--user", "ana", "ingest", pdf, "--json")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output and "Logging error" not in result.output
    stored = Path(json.loads(result.stdout)[0]["document"]["stored_path"])
    assert stored.read_bytes() == SAMPLE_PDF.read_bytes()
    assert stored.name.isalnum() and stored.suffix == ""


def test_a_file_name_that_is_not_utf8_is_logged_escaped_not_as_a_logging_error(
    platform: Session, docs_dir: Path, monkeypatch: pytest.MonkeyPatch, capfd
) -> None:
    import learnplat.services.extract as extract_package

    def extract(data: bytes, name: str, **options: object):
        raise ValueError("a reader's bug")  # logged with the file's name

    monkeypatch.setattr(extract_package, "extract", extract)
    odd = corpus.write_text(docs_dir / os.fsdecode(b"notes\xff.md"), "# Notes\n\nCells.\n")
    [result] = platform.library.ingest_many([odd])
    assert result.status == "failed"
    assert "Logging error" not in capfd.readouterr().err
    log = (platform.settings.data_dir / "logs" / "learnplat.log").read_text(encoding="utf-8")
    assert "notes\\udcff.md failed" in log
