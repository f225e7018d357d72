"""Against a real OpenAI-compatible server with a real (small) model, when one is named.

Opt-in: set LEARNPLAT_TEST_MODEL_URL to the server's /v1 URL (and LEARNPLAT_TEST_MODEL to the
model name, default smollm2). ``bench/llama_server.py`` starts llama-cpp-python's server on
SmolLM2-135M (see its docstring for the one-time install); then for example
``LEARNPLAT_TEST_MODEL_URL=http://127.0.0.1:8089/v1 pytest -n 0 tests/test_real_model.py``.
Without it these tests skip; CI keeps the stub-server tests, which cover the same code paths.
"""

from __future__ import annotations

import os
import time

import pytest
from pydantic import ValidationError

from learnplat.clients.base import Message
from learnplat.clients.openai import OpenAIChat
from learnplat.domain.model import LessonRequest, Source
from learnplat.tutors.activity import ModelActivity, watching
from learnplat.tutors.llm import LLMTutor
from learnplat.tutors.llm.replies import parse_reply
from learnplat.tutors.llm.shapes import GradeReply, QuizReply, citing, shape
from learnplat.tutors.offline import OfflineTutor

URL = os.environ.get("LEARNPLAT_TEST_MODEL_URL", "")
MODEL = os.environ.get("LEARNPLAT_TEST_MODEL", "smollm2")
pytestmark = pytest.mark.skipif(not URL, reason="set LEARNPLAT_TEST_MODEL_URL to a model server")

SOURCES = (
    Source(
        "Photosynthesis is how plants turn light into sugar. It happens in the chloroplasts of "
        "the leaves, where chlorophyll absorbs red and blue light.",
        "Biology notes",
        doc_id=1,
        passage_id=1,
        page=3,
    ),
    Source(
        "The light reactions split water and release oxygen; the Calvin cycle then fixes carbon "
        "dioxide into sugar using the energy the light reactions stored in ATP and NADPH.",
        "Biology notes",
        doc_id=1,
        passage_id=2,
        page=4,
    ),
)


def test_structured_output_gives_json_of_the_shape_on_the_first_request() -> None:
    chat = OpenAIChat(base_url=URL, model=MODEL, timeout=120)
    prompt = (
        "Write one multiple-choice question about this passage as JSON.\n\n[S1] " + SOURCES[0].text
    )
    one_question = citing("quiz", ["S1"], questions=1)
    reply = "".join(chat.stream([Message("user", prompt)], max_tokens=600, shape=one_question))
    # As learnplat reads it (a raw line break in a string is taken); raises if the server let
    # the model stray from the schema.
    QuizReply.model_validate(parse_reply(reply).payload)
    grade = "".join(
        chat.stream(
            [Message("user", "Grade the explanation 'plants make sugar from light' as JSON.")],
            max_tokens=600,
            shape=shape("grade"),
        )
    )
    try:
        GradeReply.model_validate(parse_reply(grade).payload)
    except ValidationError as error:
        # Every key and type as the schema says; only number ranges may be off: the grammar
        # llama-cpp-python makes of a schema does not bound numbers (the reader asks again).
        kinds = {problem["type"] for problem in error.errors()}
        assert kinds <= {"less_than_equal", "greater_than_equal"}, error
    assert chat.structured_mode in ("json_schema", "json_object_schema")


def test_a_lesson_fits_the_servers_context_and_reports_while_it_is_written() -> None:
    chat = OpenAIChat(base_url=URL, model=MODEL, timeout=300)
    tutor = LLMTutor(chat, OfflineTutor(semantic=False), timeout=300)
    seen: list[ModelActivity] = []
    started = time.monotonic()
    with watching(seen.append):
        lesson = tutor.lesson(LessonRequest("photosynthesis", "beginner", "chat", sources=SOURCES))
    assert time.monotonic() - started < 300
    # Never refused for its size: the prompt was fitted to the window the server states (or
    # names when refusing, then fitted again).
    assert not any("context window" in notice and "refused" in notice for notice in lesson.notices)
    assert seen and seen[-1].phase == "done"
    assert any(activity.phase == "writing" and activity.tokens > 0 for activity in seen)
