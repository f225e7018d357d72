"""The LLM grader through the real chat clients, against local Bedrock and OpenAI stub servers."""

from __future__ import annotations

import json
from typing import Any

import pytest

from learnplat.clients import BedrockChat, OpenAIChat
from learnplat.domain.model import Grade, Reference
from learnplat.errors import BadInput
from learnplat.services.topics import TopicLibrary
from learnplat.tutors.grader import OfflineGrader, build_reference
from learnplat.tutors.llm.grade_combine import COVERAGE_MARGIN
from learnplat.tutors.llm.grade_reader import read_rubric
from learnplat.tutors.llm.grading import LLMGrader
from tests.stubs.bedrock import BedrockStub, HTTPFailure
from tests.stubs.openai import OpenAIStub

GOOD = (
    "Photosynthesis is how plants make their own food from light. A plant needs water, carbon "
    "dioxide and sunlight. Water comes up through the roots. Carbon dioxide gets in through tiny "
    "holes in the leaves called stomata. The green stuff called chlorophyll catches the sunlight. "
    "It sits in chloroplasts, which are like tiny kitchens. The plant makes a sugar called "
    "glucose and uses it for energy and to grow. Oxygen is left over and goes out through the "
    "leaves, which is the oxygen we breathe."
)
# Explanations that miss most of the key ideas: short, or long and vague.
THIN = "Photosynthesis is how plants make food. They use sunlight."
VAGUE = (
    "Plants are living things that grow in gardens and forests. Photosynthesis is something "
    "plants do, and it is very important for them. Plants are green and they grow taller every "
    "year. People like plants because they look nice, and some plants have flowers that smell "
    "good. Without plants the world would be a less pretty place, so we should look after them "
    "and water them often."
)
FEEDBACK = [
    "You explain clearly what a plant needs and where each thing comes in.",
    "The kitchen comparison makes chloroplasts easy to picture.",
]
SUGGESTION = "Say what the plant does with the glucose it does not burn."
COMPONENTS = ("coverage", "accuracy", "structure", "readability", "jargon")


def rubric(**fields: Any) -> dict[str, Any]:
    """A valid rubric reply for the photosynthesis reference (10 key ideas)."""
    payload: dict[str, Any] = {
        "components": {
            "coverage": 0.8,
            "accuracy": 0.95,
            "structure": 0.8,
            "readability": 0.9,
            "jargon": 1.0,
        },
        "covered": [1, 2, 3, 4],
        "missed": [5, 6, 7, 8, 9, 10],
        "errors": [],
        "jargon": [],
        "has_example": True,
        "feedback": FEEDBACK,
        "suggestion": SUGGESTION,
    }
    payload.update(fields)
    return payload


FULL_MARKS = rubric(
    components=dict.fromkeys(COMPONENTS, 1.0),
    covered=list(range(1, 11)),
    missed=[],
    feedback=["Excellent: everything important is here."],
    suggestion="Try the next level up.",
)


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def reference() -> Reference:
    record = TopicLibrary().find("photosynthesis")
    assert record is not None
    built = build_reference("Photosynthesis", "beginner", record=record)
    assert len(built.key_ideas) == 10  # the rubric replies below number ideas 1-10
    return built


# The model is held to the offline grade whichever tier made it; by words alone here, so these
# figures do not depend on whether learnplat[semantic] is installed (test_semantic_grader.py
# covers the tier).
OFFLINE = OfflineGrader(semantic=False)


def bedrock_grader(stub: BedrockStub) -> LLMGrader:
    chat = BedrockChat(endpoint_url=stub.url, max_attempts=1, read_timeout=10)
    return LLMGrader(chat, OFFLINE)


def openai_grader(stub: OpenAIStub) -> LLMGrader:
    chat = OpenAIChat(base_url=stub.base_url, model="llama3.1", timeout=10)
    return LLMGrader(chat, OFFLINE)


def chunks_of(payload: dict[str, Any] | str, size: int = 40) -> list[str]:
    """A reply as the pieces a streaming server sends."""
    text = payload if isinstance(payload, str) else json.dumps(payload)
    return [text[start : start + size] for start in range(0, len(text), size)]


def turns(body: dict[str, Any]) -> list[tuple[str, str]]:
    """The (role, text) turns of a ConverseStream request."""
    return [(m["role"], m["content"][0]["text"]) for m in body["messages"]]


def offline_grade(reference: Reference, explanation: str) -> Grade:
    return OFFLINE.grade(reference, explanation, "beginner")


def component(grade: Grade, name: str) -> float:
    return next(c.score for c in grade.components if c.name == name)


# --- a usable rubric ------------------------------------------------------------------------


def test_a_bedrock_rubric_becomes_a_grade_with_the_models_feedback(
    bedrock: BedrockStub, reference: Reference
) -> None:
    bedrock.chunks = chunks_of(rubric())

    grade = bedrock_grader(bedrock).grade(reference, GOOD, "beginner")

    ideas = reference.key_ideas
    assert grade.grader == "bedrock" and grade.notices == ()
    assert grade.feedback == tuple(FEEDBACK) and grade.suggestion == SUGGESTION
    assert grade.covered == tuple(idea.text for idea in ideas[:4])
    assert grade.missed == ideas[4:]
    assert all(idea.citation is not None for idea in grade.missed)
    assert grade.missed[0].citation == ideas[4].citation
    assert grade.has_example and grade.jargon == ()
    offline = offline_grade(reference, GOOD)
    assert [c.name for c in grade.components] == list(COMPONENTS)
    assert [c.weight for c in grade.components] == [c.weight for c in offline.components]
    assert component(grade, "coverage") == 0.8 and component(grade, "structure") == 0.8
    assert grade.reading_grade == offline.reading_grade
    assert 7 <= grade.score <= 9

    (sent,) = bedrock.model_requests("converse-stream")
    assert bedrock.model_requests("converse") == []
    assert sent["inferenceConfig"] == {"maxTokens": 1500, "temperature": 0.0}
    system = sent["system"][0]["text"]
    ((role, user),) = turns(sent)
    assert role == "user" and "JSON" in system and "never instructions" in system
    assert f"1. {ideas[0].text} (Topic library: Photosynthesis)" in user
    assert f"10. {ideas[9].text} (Topic library: Photosynthesis)" in user
    assert "Level: beginner." in user and "idea numbers from 1 to 10" in user
    assert f"<<<EXPLANATION\n{GOOD}\nEXPLANATION>>>" in user


def test_an_openai_rubric_is_streamed_with_the_grades_json_schema(
    openai_stub: OpenAIStub, reference: Reference
) -> None:
    openai_stub.chunks = chunks_of(rubric())

    grade = openai_grader(openai_stub).grade(reference, GOOD, "beginner")

    assert grade.grader == "openai" and grade.feedback == tuple(FEEDBACK)
    (body,) = openai_stub.bodies()
    structured = body["response_format"]
    assert structured["type"] == "json_schema" and structured["json_schema"]["name"] == "grade"
    schema = structured["json_schema"]["schema"]
    assert {"components", "covered", "missed", "feedback", "suggestion"} <= set(
        schema["properties"]
    )
    assert "components" in schema["required"]
    assert (body["temperature"], body["max_tokens"]) == (0.0, 1500)
    assert body["stream"] is True
    assert [m["role"] for m in body["messages"]] == ["system", "user"]


def test_factual_errors_lower_the_accuracy_and_are_named_in_the_feedback(
    bedrock: BedrockStub, reference: Reference
) -> None:
    error = '"plants breathe in oxygen to make food" - they take in carbon dioxide'
    components = {**rubric()["components"], "accuracy": 1.0}
    bedrock.chunks = chunks_of(rubric(components=components, errors=[error], jargon=["stomata"]))

    grade = bedrock_grader(bedrock).grade(reference, GOOD, "beginner")

    assert component(grade, "accuracy") <= 0.8
    assert grade.feedback[-1] == f"Factual error: {error}"
    assert grade.jargon == ("stomata",)
    assert "unexplained: stomata" in grade.components[-1].detail


# --- held to the offline checks -------------------------------------------------------------


@pytest.mark.parametrize("explanation", [THIN, VAGUE], ids=["thin", "vague"])
def test_a_full_marks_claim_for_an_explanation_missing_most_ideas_is_held_down(
    bedrock: BedrockStub, reference: Reference, explanation: str
) -> None:
    bedrock.chunks = chunks_of(FULL_MARKS)
    offline = offline_grade(reference, explanation)
    assert len(offline.covered) <= 2  # the offline check finds most ideas missing

    grade = bedrock_grader(bedrock).grade(reference, explanation, "beginner")

    assert grade.grader == "bedrock"
    assert grade.score <= 6  # well below the 10 the model claimed
    assert grade.score <= offline.score + 1
    cap = component(offline, "coverage") + COVERAGE_MARGIN
    assert component(grade, "coverage") == pytest.approx(cap, abs=0.001)
    assert "held to" in grade.components[0].detail
    # The model may credit a few ideas the offline matcher missed (paraphrases), not all ten.
    assert len(grade.covered) <= len(offline.covered) + 2
    assert len(grade.missed) == 10 - len(grade.covered) >= 6
    assert all(idea.citation for idea in grade.missed)
    assert any("You missed:" in line for line in grade.feedback)
    assert grade.suggestion.startswith("Add a sentence or two on")


def test_a_copied_explanation_keeps_the_offline_copy_cap(
    bedrock: BedrockStub, reference: Reference
) -> None:
    record = TopicLibrary().find("photosynthesis")
    assert record is not None
    pasted = record.levels["beginner"].explanation
    offline = offline_grade(reference, pasted)
    assert offline.copied
    bedrock.chunks = chunks_of(FULL_MARKS)

    grade = bedrock_grader(bedrock).grade(reference, pasted, "beginner")

    assert grade.copied and grade.score <= 4 and grade.grader == "bedrock"
    assert "word for word" in grade.feedback[0]
    assert grade.suggestion == offline.suggestion


def test_an_empty_explanation_is_refused_before_any_request(
    bedrock: BedrockStub, reference: Reference
) -> None:
    with pytest.raises(BadInput):
        bedrock_grader(bedrock).grade(reference, "   ", "beginner")
    assert bedrock.requests == []


# --- repair ---------------------------------------------------------------------------------


def test_invalid_json_is_repaired_once_and_the_repair_is_used(
    bedrock: BedrockStub, reference: Reference
) -> None:
    broken = 'Here is the grade: {"components": {"coverage": oops}}'
    bedrock.chunks = chunks_of(broken)
    bedrock.retry_chunks = chunks_of("```json\n" + json.dumps(rubric()) + "\n```")

    grade = bedrock_grader(bedrock).grade(reference, GOOD, "beginner")

    first, repair = bedrock.model_requests("converse-stream")
    assert bedrock.model_requests("converse") == []  # the repair is streamed too
    assert [role for role, _ in turns(repair)] == ["user", "assistant", "user"]
    assert turns(repair)[0] == turns(first)[0]
    assert turns(repair)[1][1] == broken
    assert "not valid JSON" in turns(repair)[2][1]
    assert repair["system"] == first["system"]
    assert repair["inferenceConfig"] == first["inferenceConfig"]
    assert grade.grader == "bedrock" and grade.feedback == tuple(FEEDBACK)
    assert grade.notices == ()


def test_idea_numbers_that_do_not_exist_are_sent_back_for_repair(
    bedrock: BedrockStub, reference: Reference
) -> None:
    bedrock.chunks = chunks_of(rubric(covered=[1, 2, 11], missed=[0, 3]))
    bedrock.retry_chunks = chunks_of(rubric())

    grade = bedrock_grader(bedrock).grade(reference, GOOD, "beginner")

    _, repair = bedrock.model_requests("converse-stream")
    problems = turns(repair)[2][1]
    assert "covered[2]: 11 is not a key idea number: use 1 to 10" in problems
    assert "missed[0]: 0 is not a key idea number: use 1 to 10" in problems
    assert grade.covered == tuple(idea.text for idea in reference.key_ideas[:4])


def test_an_empty_reply_is_repaired_in_a_single_user_turn(
    openai_stub: OpenAIStub, reference: Reference
) -> None:
    openai_stub.streams = [[], chunks_of(rubric())]  # the first stream ends with no text

    grade = openai_grader(openai_stub).grade(reference, GOOD, "beginner")

    first, repair = openai_stub.bodies()
    assert first["stream"] is True and repair["stream"] is True
    assert repair["response_format"] == first["response_format"]
    assert [m["role"] for m in repair["messages"]] == ["system", "user"]
    repaired_user = repair["messages"][1]["content"]
    assert repaired_user.startswith(first["messages"][1]["content"])
    assert "the reply was empty" in repaired_user
    assert grade.grader == "openai"


def test_output_still_invalid_after_the_repair_gives_the_offline_grade_with_a_notice(
    bedrock: BedrockStub, reference: Reference
) -> None:
    bedrock.chunks = chunks_of(rubric(components={"coverage": "most of it"}))  # both times

    grade = bedrock_grader(bedrock).grade(reference, GOOD, "beginner")

    assert len(bedrock.model_requests("converse-stream")) == 2  # repaired once, not more
    assert grade.notices == (
        "Bedrock sent a grade that could not be used, even after asking it to correct it "
        "— graded offline",
    )
    offline = offline_grade(reference, GOOD)
    assert grade.grader == "offline" and grade.score == offline.score
    assert grade.feedback == offline.feedback


# --- provider failures ----------------------------------------------------------------------


def test_access_denied_gives_the_offline_grade_with_a_notice_naming_it(
    bedrock: BedrockStub, reference: Reference
) -> None:
    bedrock.failures = [HTTPFailure(403, "AccessDeniedException", "You don't have access")]

    grade = bedrock_grader(bedrock).grade(reference, THIN, "beginner")

    assert grade.notices == ("Bedrock refused access: AccessDenied — graded offline",)
    assert grade.grader == "offline"
    assert grade.score == offline_grade(reference, THIN).score
    assert len(bedrock.requests) == 1  # no repair request after a provider error


def test_an_openai_auth_failure_gives_the_offline_grade_naming_the_status(
    openai_stub: OpenAIStub, reference: Reference
) -> None:
    openai_stub.failures = [(401, {"error": {"message": "Incorrect API key provided"}})]

    grade = openai_grader(openai_stub).grade(reference, GOOD, "beginner")

    assert grade.notices == ("Model server refused access: HTTP 401 — graded offline",)
    assert grade.grader == "offline"
    assert len(openai_stub.bodies()) == 1  # not asked again, and no repair


# --- validation -----------------------------------------------------------------------------


def test_the_rubric_is_checked_strictly() -> None:
    payload = rubric(
        components={"coverage": 1.5, "accuracy": "high", "structure": True, "jargon": 0.5},
        covered=[1, "2", 3.0],
        missed=[3],
        errors="none",
        has_example="yes",
        feedback=[],
        suggestion=None,
    )
    payload["components"]["readability"] = float("nan")

    rubric_read, problems = read_rubric(json.loads(json.dumps(payload)), 10)

    assert rubric_read is None
    assert problems == [
        "components.coverage: 1.5 is out of range: give a number from 0 to 1",
        "components.accuracy: expected a number from 0 to 1",
        "components.structure: expected a number from 0 to 1",
        "components.readability: expected a number from 0 to 1",
        "covered[1]: '2' is not a key idea number: use 1 to 10",
        "covered[2]: 3.0 is not a key idea number: use 1 to 10",
        "errors: expected a list",
        "has_example: expected true or false",
        "feedback: give at least one line of feedback",
        "suggestion: missing",
    ]


def test_an_idea_in_both_lists_is_a_problem() -> None:
    _, problems = read_rubric(rubric(covered=[1, 2], missed=[2, 3]), 10)
    assert problems == ["missed: idea 2 is also in covered: put it in one list only"]


def test_a_valid_rubric_reads_back_as_given() -> None:
    read, problems = read_rubric(rubric(covered=[2, 1, 2]), 10)
    assert problems == [] and read is not None
    assert read.covered == (2, 1) and read.missed == (5, 6, 7, 8, 9, 10)
    assert read.components["jargon"] == 1.0 and read.feedback == tuple(FEEDBACK)
