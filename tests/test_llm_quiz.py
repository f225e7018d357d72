"""Questions a model writes from the learner's notes, through the real OpenAI-compatible client
against a local stub server: checked like the offline ones, with the offline engine to fall
back on."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from learnplat.core import Session
from learnplat.settings import load_settings
from tests.stubs.openai import OpenAIStub
from tests.test_game import ingest_notes


@pytest.fixture
def model_platform(openai_stub: OpenAIStub, monkeypatch: pytest.MonkeyPatch) -> Iterator[Session]:
    monkeypatch.setenv("LEARNPLAT_BASE_URL", openai_stub.base_url)
    with Session.open(load_settings({"user": "ana", "provider": "openai"})) as built:
        yield built


@pytest.fixture
def doc_id(model_platform: Session, docs_dir: Path) -> int:
    return ingest_notes(model_platform, docs_dir)


def passage_ids(platform: Session, doc_id: int, word: str) -> str:
    """The prompt id ("S2") of the first passage of the document containing ``word``."""
    for number, passage in enumerate(platform.library.passages(doc_id), 1):
        if word in passage.text:
            return f"S{number}"
    raise AssertionError(word)


def question(source: str, text: str, answer: str, *distractors: str) -> dict[str, object]:
    return {
        "source": source,
        "question": text,
        "answer": answer,
        "distractors": list(distractors),
        "explanation": f"The notes say so about {answer}.",
        "difficulty": "intermediate",
    }


def test_a_models_questions_are_checked_and_the_bad_ones_dropped_and_counted(
    model_platform: Session, openai_stub: OpenAIStub, doc_id: int
) -> None:
    shell = passage_ids(model_platform, doc_id, "rigid outer shell")
    fault = passage_ids(model_platform, doc_id, "San Andreas")
    replies = [
        question(
            shell,
            "What is the rigid outer shell of the Earth called?",
            "lithosphere",
            "hydrosphere",
            "biosphere",
            "exosphere",
        ),
        question(
            fault,
            "Which Californian fault is a transform boundary?",
            "San Andreas Fault",
            "Hayward Ridge",
            "Alpine Fault",
            "Great Glen Fault",
        ),
        # The answer is not in the cited passage: made up.
        question(
            shell,
            "Who first mapped the ocean floor?",
            "Marie Tharp",
            "Alfred Wegener",
            "Harry Hess",
            "Arthur Holmes",
        ),
        # A distractor the cited passage itself states.
        question(
            shell,
            "What layer do the plates float on?",
            "asthenosphere",
            "mantle",
            "exosphere",
            "core",
        ),
        # Cites a passage that was never given.
        question("S99", "What is magma?", "molten rock", "ice", "sand", "gas"),
    ]
    openai_stub.chunks = [json.dumps({"questions": replies})]

    made = model_platform.game.question_set(doc_id)

    assert made.generator == "openai" and made.kept == 2
    assert made.candidates == 5
    assert made.dropped == {
        "answer not in the cited passage": 1,
        "a distractor is in the cited passage": 1,
        "cites no given passage or lacks three distractors": 1,
    }
    assert made.drop_rate == pytest.approx(3 / 5)
    served = model_platform.game.next(doc_id=doc_id)
    assert served.question in {str(q["question"]) for q in replies[:2]}
    assert served.source is not None and served.source.doc_id == doc_id
    prompt = openai_stub.bodies()[0]["messages"][-1]["content"]
    assert "rigid outer shell" in prompt and "Write up to 40 questions" in prompt


def test_a_provider_that_fails_leaves_the_offline_questions_with_a_notice(
    model_platform: Session, openai_stub: OpenAIStub, doc_id: int
) -> None:
    # Busy through the client's two retries (Retry-After: 0 keeps them quick).
    overloaded: Any = (503, {"error": {"message": "overloaded"}}, {"Retry-After": "0"})
    openai_stub.failures = [overloaded] * 3

    made = model_platform.game.question_set(doc_id)

    assert made.generator == "offline" and made.kept >= 5
    assert made.notices and "showing the offline quiz" in made.notices[0]
    assert made.notices[0].startswith("Model server unavailable: ")
    assert len(openai_stub.bodies()) == 3  # asked, asked again twice, then given up
