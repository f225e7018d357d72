"""Teach Back from the CLI: teach, grade (one and batch), community, votes, stats, leaderboard."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from learnplat.cli import app
from learnplat.core import Session
from learnplat.settings import load_settings

GOOD = (
    "Photosynthesis is how plants make their own food. A plant takes in water through its roots "
    "and carbon dioxide through tiny holes in its leaves called stomata. Chlorophyll, the green "
    "stuff in the chloroplasts, catches sunlight, and that energy turns the water and carbon "
    "dioxide into glucose, a sugar. Oxygen is let out as a leftover, which is why plants give "
    "us the air we breathe. For example, pondweed under a lamp gives off bubbles of oxygen."
)
OFF_TOPIC = "My favourite football team won on Saturday and we had pizza after the match."


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args, input: str | None = None):
        return runner.invoke(app, [str(a) for a in args], input=input)

    return invoke


def test_teach_json_contract_and_points(run, tmp_path: Path) -> None:
    mine = tmp_path / "mine.md"
    mine.write_text(GOOD)
    result = run("--user", "ana", "teach", "photosynthesis", "--file", mine, "--json")
    assert result.exit_code == 0, result.output
    graded = json.loads(result.stdout)
    for key in ("id", "score", "components", "feedback", "points", "status"):
        assert key in graded
    assert graded["status"] == "graded" and 1 <= graded["score"] <= 10
    assert graded["points"] == graded["score"]
    again = json.loads(
        run("--user", "ana", "teach", "photosynthesis", "--file", mine, "--json").stdout
    )
    assert again["points"] == 0 and "same as your explanation" in again["points_reason"]
    stats = json.loads(run("--user", "ana", "stats", "--json").stdout)["teach"]
    assert stats["points"] == graded["score"] and stats["explanations"] == 2


def test_off_topic_scores_low_and_good_scores_higher(run) -> None:
    good = json.loads(run("teach", "photosynthesis", "--text", GOOD, "--json").stdout)
    off = json.loads(run("teach", "photosynthesis", "--text", OFF_TOPIC, "--json").stdout)
    assert off["score"] <= 2 < good["score"]


def test_explanation_from_stdin(run) -> None:
    result = run("teach", "photosynthesis", "--json", input=GOOD)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["score"] >= 5


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("teach", "photosynthesis", "--text", "   "), 2, "empty"),
        (("teach", "photosynthesis", "--text", "word " * 5001), 2, "limit is 5,000"),
        (("teach", "zorblax theory", "--text", "It is a thing."), 1, "nothing to grade"),
        (("teach", "photosynthesis", "--text", GOOD, "--level", "expert"), 2, "'expert' is not"),
        (("upvote", "999"), 2, "no explanation #999"),
        (("leaderboard", "--board", "chess"), 2, "'chess' is not one of 'teach'"),
    ],
)
def test_bad_teach_input_is_one_clear_line(run, args, code: int, message: str) -> None:
    result = run(*args)
    assert result.exit_code == code, result.output
    assert message in result.stderr and "Traceback" not in result.output


def test_votes_community_and_leaderboard(run) -> None:
    ana = json.loads(
        run("--user", "ana", "teach", "photosynthesis", "--text", GOOD, "--json").stdout
    )
    refused = run("--user", "ana", "upvote", ana["id"])
    assert refused.exit_code == 2 and "your own" in refused.stderr
    assert run("--user", "ben", "upvote", ana["id"]).exit_code == 0
    twice = run("--user", "ben", "upvote", ana["id"])
    assert twice.exit_code == 2 and "already upvoted" in twice.stderr
    feed = json.loads(run("--user", "ben", "community", "--json").stdout)
    assert {"id", "topic", "level", "author", "score", "upvotes", "created_at"} <= feed[0].keys()
    assert (feed[0]["author"], feed[0]["upvotes"], feed[0]["voted_by_me"]) == ("ana", 1, True)
    board = json.loads(run("leaderboard", "--board", "teach", "--json").stdout)
    assert board[0]["display_name"] == "ana" and board[0]["points"] == ana["score"] + 1
    assert run("--user", "ben", "unvote", ana["id"]).exit_code == 0
    assert json.loads(run("community", "--json").stdout)[0]["upvotes"] == 0


def test_a_pending_explanation_is_finished_by_regrade(run, isolated_home: Path) -> None:
    # Stands in for a grading that failed after the explanation was saved.
    with Session.open(load_settings({"user": "ana"})) as platform:
        pending = platform.community.submit("Photosynthesis", "photosynthesis", "beginner", GOOD)
    result = run("--user", "ana", "teach", "--regrade", pending.id, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["status"] == "graded"


def test_grade_one_and_batch(run, tmp_path: Path) -> None:
    reference = tmp_path / "ref.txt"
    reference.write_text("Evaporation is when liquid water turns into water vapour, using heat.")
    answer = tmp_path / "answer.txt"
    answer.write_text("When water is heated it becomes vapour, a gas: that is evaporation.")
    one = json.loads(
        run("grade", "--reference", f"@{reference}", "--answer", f"@{answer}", "--json").stdout
    )
    assert {"score", "components", "feedback"} <= one.keys()
    batch = tmp_path / "answers.jsonl"
    rows = [
        {"id": "s1", "reference": reference.read_text(), "answer": answer.read_text()},
        {"id": "s2", "reference": reference.read_text(), "answer": "I like trains a lot."},
        {"id": "s3", "reference": reference.read_text(), "answer": ""},
    ]
    batch.write_text("\n".join(json.dumps(row) for row in rows) + "\nnot json\n")
    result = run("grade", "--batch", batch)
    assert result.exit_code == 1, result.output  # two lines failed; the others were graded
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row["id"] for row in out] == ["s1", "s2", "s3", 4]
    assert out[0]["score"] > out[1]["score"]
    assert "empty" in out[2]["error"] and "not JSON" in out[3]["error"]


def test_teach_with_an_unreachable_provider_is_graded_offline_with_a_notice(
    run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEARNPLAT_BASE_URL", "http://127.0.0.1:9/v1")
    result = run("--provider", "openai", "teach", "photosynthesis", "--text", GOOD, "--json")
    assert result.exit_code == 0, result.output
    graded = json.loads(result.stdout)
    assert graded["grader"] == "offline" and graded["status"] == "graded"
    assert graded["notices"] and "graded offline" in graded["notices"][0]


# grade --batch past bad lines (issue 11 §3) ----------------------------------------------------

EVAPORATION = "Evaporation is when liquid water turns into water vapour, using heat."
VAPOUR = "When water is heated it becomes vapour, a gas: that is evaporation."


def test_every_bad_line_gets_its_error_and_the_lines_after_it_are_graded(
    run, tmp_path: Path
) -> None:
    def line(**row: object) -> bytes:
        return json.dumps({"reference": EVAPORATION, **row}, ensure_ascii=False).encode()

    lines = [
        b"\xef\xbb\xbf" + line(id="bom", answer=VAPOUR),  # a BOM before the first line
        line(id="seven", answer=VAPOUR, question=7),
        b"[1]",
        b"{}",
        b"[" * 100_000,
        line(id="latin1", answer="caf#").replace(b"#", b"\xe9"),  # café in Latin-1
        line(id="null", answer=None),
        b'{"id": "nan", "reference": "%s", "answer": NaN}' % EVAPORATION.encode(),
        line(id="separator", answer="Heated water becomes\u2028vapour: evaporation."),
        line(id="last", answer=VAPOUR),
    ]
    batch = tmp_path / "class.jsonl"
    batch.write_bytes(b"\n".join(lines) + b"\n")
    result = run("grade", "--batch", batch)
    assert result.exit_code == 1, result.output  # some lines failed
    out = {row["id"]: row for row in map(json.loads, result.stdout.splitlines())}
    # A line that cannot be read is named by its number.
    assert list(out) == ["bom", "seven", 3, 4, 5, 6, "null", "nan", "separator", "last"]
    graded = {key for key, row in out.items() if "score" in row}
    assert graded == {"bom", "separator", "last"}
    assert out["bom"]["score"] == out["last"]["score"] >= 6
    assert out["seven"]["error"] == '"question" must be text, not a number'
    assert out[3]["error"] == "line 3 must be a JSON object, not a list"
    assert out[4]["error"] == '"reference" is missing'
    assert out[5]["error"] == "line 5 is nested too deeply to be an answer"
    assert out[6]["error"] == f"line 6 is not UTF-8 text (byte {lines[5].index(0xE9) + 1})"
    assert out["null"]["error"] == '"answer" is null'
    assert out["nan"]["error"] == '"answer" must be text, not NaN'
    assert "None" not in result.stdout and "Traceback" not in result.output


def test_a_batch_from_stdin_is_graded_and_a_fifo_is_refused_at_once(
    run, tmp_path: Path
) -> None:
    import os
    import time

    row = json.dumps({"id": "s1", "reference": EVAPORATION, "answer": VAPOUR})
    piped = run("grade", "--batch", "-", input=row + "\n")
    assert piped.exit_code == 0, piped.output
    assert json.loads(piped.stdout)["id"] == "s1"

    fifo = tmp_path / "answers.jsonl"
    os.mkfifo(fifo)
    started = time.perf_counter()
    refused = run("grade", "--batch", fifo)
    assert refused.exit_code == 2, refused.output
    assert "answers.jsonl is not a regular file" in refused.stderr
    assert time.perf_counter() - started < 5


def test_an_overlong_line_is_reported_and_the_next_graded(run, tmp_path: Path) -> None:
    long_answer = json.dumps({"id": "long", "reference": EVAPORATION, "answer": "x " * 1_100_000})
    last = json.dumps({"id": "last", "reference": EVAPORATION, "answer": VAPOUR})
    batch = tmp_path / "long.jsonl"
    batch.write_text(long_answer + "\n" + last + "\n", encoding="utf-8")
    result = run("grade", "--batch", batch)
    assert result.exit_code == 1
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert out[0] == {"id": 1, "error": "line 1 is longer than 2 MB"}
    assert out[1]["id"] == "last" and "score" in out[1]


def test_a_reference_past_20000_words_is_refused_with_the_limit(run, tmp_path: Path) -> None:
    reference = tmp_path / "book.txt"
    reference.write_text("water vapour heat " * 6_667 + "end", encoding="utf-8")  # 20,002 words
    result = run("grade", "--reference", f"@{reference}", "--answer", VAPOUR)
    assert result.exit_code == 2
    assert "the reference has 20,002 words; the limit is 20,000" in result.stderr
