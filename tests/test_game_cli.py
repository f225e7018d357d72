"""Challenges from the CLI: challenge next/answer for scripts, play in a real process with its
answers piped in, the game board, stats, and cards out to Anki/CSV and back in."""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from learnplat.cli import app
from tests.test_game import NOTES


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args, input: str | None = None):
        return runner.invoke(app, ["--user", "ana", *(str(a) for a in args)], input=input)

    return invoke


def answer_of(isolated_home: Path, token: str) -> str:
    """The right answer to a served token, read from the database as no player can."""
    conn = sqlite3.connect(isolated_home / "learnplat.db")
    try:
        row = conn.execute(
            "SELECT c.correct_answer FROM challenge_attempts AS a"
            " JOIN challenges AS c ON c.id = a.challenge_id WHERE a.token = ?",
            (token,),
        ).fetchone()
    finally:
        conn.close()
    return str(row[0])


def test_next_and_answer_json_contracts_never_leak_the_answer(
    run, isolated_home: Path
) -> None:
    result = run("challenge", "next", "--category", "biology", "--difficulty", "beginner", "--json")
    assert result.exit_code == 0, result.output
    served = json.loads(result.stdout)
    for key in ("token", "question", "options", "time_limit", "category", "difficulty"):
        assert key in served
    assert served["category"] == "biology" and len(served["options"]) == 4
    right = answer_of(isolated_home, served["token"])
    assert "correct_answer" not in served and "explanation" not in served

    number = served["options"].index(right) + 1
    result = run("challenge", "answer", served["token"], number, "--json")
    assert result.exit_code == 0, result.output
    answered = json.loads(result.stdout)
    for key in ("correct", "points", "correct_answer", "explanation", "streak", "level",
                "total_points"):
        assert key in answered
    assert answered["correct"] is True and answered["correct_answer"] == right
    assert answered["points"] == answered["total_points"] > 0 and answered["streak"] == 1

    again = run("challenge", "answer", served["token"], number)
    assert again.exit_code == 2 and "answered already" in again.stderr
    forged = run("challenge", "answer", "not-a-token", "1")
    assert forged.exit_code == 2 and "unknown question token" in forged.stderr


def test_an_answer_that_is_no_option_exits_2_and_leaves_the_question_open(run) -> None:
    served = json.loads(run("challenge", "next", "--json").stdout)
    bad = run("challenge", "answer", served["token"], "7")
    assert bad.exit_code == 2 and "not one of the options" in bad.stderr
    assert "Traceback" not in bad.output
    assert run("challenge", "answer", served["token"], "1", "--json").exit_code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("challenge", "next", "--category", "astrology"), "unknown category"),
        (("challenge", "next", "--difficulty", "expert"), "unknown difficulty"),
        (("challenge", "next", "--doc", "42"), "no document"),
        (("play", "--count", "0"), "--count must be between 1 and 100"),
        # Choices are checked before any work, naming the allowed values.
        (("leaderboard", "--board", "game", "--period", "month"), "'month' is not one of 'all'"),
        (("cards", "export", "--out", "x.txt", "--format", "pdf"), "'pdf' is not one of 'anki'"),
        (("cards", "import", "missing.csv"), "missing.csv"),
    ],
)
def test_bad_game_input_is_one_clear_line(run, args, message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr and "Traceback" not in result.output


def test_questions_from_a_document_report_what_the_checks_dropped(
    run, tmp_path: Path
) -> None:
    notes = tmp_path / "tectonics.md"
    notes.write_text(NOTES, encoding="utf-8")
    added = json.loads(run("ingest", notes, "--json").stdout)[0]["document"]["id"]
    served = json.loads(run("challenge", "next", "--doc", added, "--json").stdout)
    made = served["question_set"]
    assert made["kept"] >= 5 and made["candidates"] >= made["kept"]
    assert made["drop_rate"] == pytest.approx(
        (made["candidates"] - made["kept"]) / made["candidates"], abs=1e-3
    )
    assert served["category"] == "notes" and served["source"]["doc_id"] == added


def play_in_a_process(home: Path, *args: str, answers: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "LEARNPLAT_HOME": str(home), "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "learnplat", "--user", "ana", "play", *args],
        input=answers,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_play_runs_a_round_from_piped_answers_and_sums_it_up(isolated_home: Path) -> None:
    done = play_in_a_process(
        isolated_home, "--category", "physics", "--count", "3", "--json", answers="1\nb\nzz\n3\n"
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert [a["answer"] is not None for a in report["answers"]] == [True, True, True]
    assert report["summary"]["answered"] == 3
    assert report["summary"]["points"] == sum(a["points"] for a in report["answers"])
    assert "'zz' is not one of the options" in done.stderr  # asked again, not counted

    # q stops the round; what was answered stands.
    stopped = play_in_a_process(isolated_home, "--count", "5", answers="2\nq\n")
    assert stopped.returncode == 0, stopped.stderr
    assert "Question 2/5" in stopped.stdout and "Question 3/5" not in stopped.stdout
    assert "Round over: " in stopped.stdout and "/1 right" in stopped.stdout


def test_game_board_and_stats_hold_both_sides(run, isolated_home: Path) -> None:
    for _ in range(3):
        served = json.loads(run("challenge", "next", "--category", "history", "--json").stdout)
        right = answer_of(isolated_home, served["token"])
        assert run("challenge", "answer", served["token"], right).exit_code == 0
    board = json.loads(run("leaderboard", "--board", "game", "--json").stdout)
    assert board[0]["display_name"] == "ana" and board[0]["is_me"] and board[0]["best_streak"] == 3
    by_category = json.loads(
        run("leaderboard", "--board", "game", "--category", "history", "--json").stdout
    )
    assert by_category[0]["points"] == board[0]["points"]
    assert json.loads(
        run("leaderboard", "--board", "game", "--category", "biology", "--json").stdout
    ) == []
    stats = json.loads(run("stats", "--json").stdout)
    assert stats["game"]["points"] == board[0]["points"] and stats["game"]["answered"] == 3
    assert stats["game"]["best_streak"] == 3 and stats["game"]["rank"] == 1
    assert stats["teach"]["points"] == 0


def test_cards_export_to_anki_and_csv_and_import_back(
    run, tmp_path: Path, isolated_home: Path
) -> None:
    notes = tmp_path / "tectonics.md"
    notes.write_text(NOTES, encoding="utf-8")
    doc = json.loads(run("ingest", notes, "--json").stdout)[0]["document"]["id"]

    deck = tmp_path / "out" / "tectonics.apkg"
    exported = run("cards", "export", "--doc", doc, "--out", deck, "--json")
    assert exported.exit_code == 0, exported.output
    count = json.loads(exported.stdout)["cards"]
    assert count >= 5
    with zipfile.ZipFile(deck) as archive:
        assert "collection.anki2" in archive.namelist()
        (tmp_path / "collection.anki2").write_bytes(archive.read("collection.anki2"))
    conn = sqlite3.connect(tmp_path / "collection.anki2")
    try:
        notes_in_deck = conn.execute("SELECT flds FROM notes").fetchall()
    finally:
        conn.close()
    assert len(notes_in_deck) == count
    assert all("Plate tectonics, §" in flds for (flds,) in notes_in_deck)  # the citation

    table = tmp_path / "tectonics.csv"
    assert run("cards", "export", "--doc", doc, "--out", table).exit_code == 0
    with table.open(encoding="utf-8") as handle:
        lines = handle.readlines()
    # Anki's header lines first (separator, html, columns, tags column), then the cards.
    headers = [line for line in lines if line.startswith("#")]
    assert headers[:2] == ["#separator:Comma\n", "#html:false\n"]
    columns = next(line for line in headers if line.startswith("#columns:"))[9:].strip()
    names = [name.lower() for name in columns.split(",")]
    rows = list(csv.DictReader(lines[len(headers) :], fieldnames=names))
    assert len(rows) == count and all(row["source"].startswith("Plate tectonics") for row in rows)
    terms = [row for row in rows if row["difficulty"] == "term"]
    assert terms and all(row["front"].lower() in row["back"].lower() for row in terms)

    vocab = tmp_path / "spanish.csv"
    vocab.write_text(
        "front,back\nel perro,the dog\nel gato,the cat\nla casa,the house\n"
        "el libro,the book\nla mesa,the table\n,empty\n",
        encoding="utf-8",
    )
    imported = json.loads(run("cards", "import", vocab, "--json").stdout)
    assert imported["imported"] == 5 and imported["skipped"] == {"empty front or back": 1}
    again = json.loads(run("cards", "import", vocab, "--json").stdout)
    assert again["imported"] == 5  # updated in place, nothing doubled
    served = json.loads(run("challenge", "next", "--category", "cards", "--json").stdout)
    assert served["category"] == "cards" and len(set(served["options"])) == 4
    assert {o for o in served["options"]} <= {
        "the dog", "the cat", "the house", "the book", "the table",
    }
    reimported = json.loads(run("cards", "import", deck, "--json").stdout)  # our own .apkg
    assert reimported["imported"] + sum(reimported["skipped"].values()) == count
    assert reimported["imported"] >= count // 2
    fronts = {row[0] for row in sqlite3.connect(isolated_home / "learnplat.db").execute(
        "SELECT question FROM challenges WHERE source = 'cards'")}
    assert {row["front"] for row in rows} & fronts  # the question alone, not its options

    few = tmp_path / "few.csv"
    few.write_text("a,b\nc,d\n", encoding="utf-8")
    refused = run("cards", "import", few)
    assert refused.exit_code == 2 and "no cards that can become questions" in refused.stderr


def test_questions_made_by_another_provider_are_said_and_made_again_on_refresh(
    run, tmp_path: Path, openai_stub, monkeypatch: pytest.MonkeyPatch
) -> None:
    notes = tmp_path / "tectonics.md"
    notes.write_text(NOTES, encoding="utf-8")
    doc = json.loads(run("ingest", notes, "--json").stdout)[0]["document"]["id"]
    first = run("challenge", "next", "--doc", doc, "--json")
    assert json.loads(first.stdout)["question_set"]["generator"] == "offline"
    assert "--refresh" not in first.stderr  # made by the provider in use: nothing to say

    monkeypatch.setenv("LEARNPLAT_BASE_URL", openai_stub.base_url)
    reused = run("--provider", "openai", "challenge", "next", "--doc", doc, "--json")
    assert reused.exit_code == 0, reused.output
    assert "made by offline; --refresh makes them again with openai" in reused.stderr
    assert openai_stub.requests == []  # read back, not made again

    remade = run("--provider", "openai", "challenge", "next", "--doc", doc, "--refresh", "--json")
    assert remade.exit_code == 0, remade.output
    assert openai_stub.requests  # the provider set now was asked for the questions
    assert json.loads(remade.stdout)["question_set"]["kept"] >= 5

    refused = run("challenge", "next", "--refresh")
    assert refused.exit_code == 2 and "add --doc ID" in refused.stderr
