"""Teach Back from the CLI: teach, grade (one and batch), community, votes, stats, leaderboard."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from learnplat.cli import app
from learnplat.platform import Platform
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
        (("teach", "photosynthesis", "--text", GOOD, "--level", "expert"), 2, "unknown level"),
        (("upvote", "999"), 2, "no explanation #999"),
        (("leaderboard", "--board", "chess"), 2, "unknown board"),
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
    with Platform.build(load_settings({"user": "ana"})) as platform:
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
    assert result.exit_code == 0, result.output
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
