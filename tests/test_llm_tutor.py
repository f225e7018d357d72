"""The LLM tutor through the real chat clients, against local Bedrock and OpenAI stub servers."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Sequence
from typing import Any

import pytest

from learnplat.clients import BedrockChat, OpenAIChat
from learnplat.domain.model import (
    Answer,
    KeyTerm,
    Lesson,
    LessonRequest,
    Source,
    Statement,
    TopicLevel,
    TopicRecord,
)
from learnplat.tutors.activity import ModelActivity, watching
from learnplat.tutors.base import TextSink
from learnplat.tutors.llm import LLMTutor
from learnplat.tutors.llm.jsonscan import Container, JsonScanner
from learnplat.tutors.llm.jsonscan import Path as JsonPath
from learnplat.tutors.llm.prompting import fill
from learnplat.tutors.render import lesson_markdown
from tests.stubs.bedrock import BedrockStub, HTTPFailure
from tests.stubs.openai import OpenAIStub

MODEL = "amazon.nova-pro-v1:0"
SOURCES = (
    Source(
        "Photosynthesis is how plants turn light into sugar. It happens in the leaves.",
        "Biology notes",
        doc_id=7,
        passage_id=31,
        page=3,
    ),
    Source(
        "Chlorophyll is the green pigment that absorbs light. Without it there is no sugar.",
        "Biology notes",
        doc_id=7,
        passage_id=32,
        page=4,
    ),
)
CITED = "Plants turn light into sugar in their leaves."
CITED_TOO = "Chlorophyll is a green pigment that absorbs the light."


def statement(text: str, *sources: str) -> dict[str, Any]:
    return {"sources": list(sources), "text": text}


def lesson_payload(*extra: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A chat lesson reply citing S1 and S2, plus ``extra`` statements in the first paragraph."""
    payload: dict[str, Any] = {
        "title": "Photosynthesis",
        "sections": [
            {
                "heading": "Light becomes sugar",
                "paragraphs": [[statement(CITED, "S1"), *extra], [statement(CITED_TOO, "S2")]],
            }
        ],
        "key_terms": [{"term": "Chlorophyll", "definition": "A green pigment.", "source": "S2"}],
        "follow_ups": ["Why are leaves green?"],
    }
    payload.update(fields)
    return payload


def chunks_of(payload: dict[str, Any] | str, size: int = 40) -> list[str]:
    text = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
    return [text[start : start + size] for start in range(0, len(text), size)]


def request(fmt: str = "chat", level: str = "beginner", **fields: Any) -> LessonRequest:
    values: dict[str, Any] = {"sources": SOURCES, **fields}
    return LessonRequest("photosynthesis", level, fmt, **values)  # type: ignore[arg-type]


class StandInOfflineTutor:
    """A stand-in for OfflineTutor (being written elsewhere): same interface, canned results."""

    name = "offline"

    def __init__(self) -> None:
        self.calls: list[str] = []

    def lesson(self, request: LessonRequest, on_text: TextSink | None = None) -> Lesson:
        self.calls.append("lesson")
        if on_text is not None:
            on_text("# Offline lesson\n")
        return Lesson(
            request.topic, request.level, request.format, "Offline lesson", [], [], notices=[]
        )

    def answer(
        self, question: str, sources: Sequence[Source], on_text: TextSink | None = None
    ) -> Answer:
        self.calls.append("answer")
        return Answer(question, "Offline answer.", (), found=False)


class Collector:
    """An ``on_text`` sink that keeps every delta."""

    def __init__(self) -> None:
        self.deltas: list[str] = []

    def __call__(self, text: str) -> None:
        assert text, "on_text must only get non-empty deltas"
        self.deltas.append(text)

    @property
    def text(self) -> str:
        return "".join(self.deltas)


# --- fixtures -------------------------------------------------------------------------------


# The stub servers and AWS environment of the clients' own tests, shared rather than copied.


@pytest.fixture
def fallback() -> StandInOfflineTutor:
    return StandInOfflineTutor()


def bedrock_tutor(
    stub: BedrockStub, fallback: StandInOfflineTutor, *, max_attempts: int = 1
) -> LLMTutor:
    chat = BedrockChat(endpoint_url=stub.url, max_attempts=max_attempts, read_timeout=10)
    chat.mid_stream_backoff_s = 0.0
    return LLMTutor(chat, fallback, temperature=0.2, max_tokens=4000)


def openai_tutor(stub: OpenAIStub, fallback: StandInOfflineTutor) -> LLMTutor:
    return LLMTutor(OpenAIChat(base_url=stub.base_url, model="llama3.1", timeout=10), fallback)


def sent_prompt(stub: BedrockStub) -> tuple[str, str]:
    """The system prompt and the user message of the first ConverseStream request."""
    body = stub.model_requests("converse-stream")[0]
    return body["system"][0]["text"], body["messages"][0]["content"][0]["text"]


# --- lessons over Bedrock -------------------------------------------------------------------


def test_lesson_prose_streams_before_the_reply_ends_and_statements_cite_their_pages(
    bedrock: BedrockStub, fallback: StandInOfflineTutor
) -> None:
    bedrock.chunks = chunks_of(lesson_payload())
    bedrock.hold_after_first = threading.Event()
    released_before_first_text: list[bool] = []
    received = Collector()

    def on_text(text: str) -> None:
        if not released_before_first_text:
            # The stub holds back everything after its first chunk until this event is set.
            released_before_first_text.append(bedrock.rest_released.is_set())
            assert bedrock.hold_after_first is not None
            bedrock.hold_after_first.set()
        received(text)

    lesson = bedrock_tutor(bedrock, fallback).lesson(request(), on_text)

    assert released_before_first_text == [False]
    assert received.deltas[:2] == ["# Photosynthesis", "\n\n"]
    assert len(received.deltas) > 10  # prose arrived piece by piece, not in one block
    assert CITED in received.text and "## Light becomes sugar" in received.text
    assert "{" not in received.text and '"sources"' not in received.text  # no JSON syntax
    assert received.text == lesson_markdown(lesson)  # the preview was the lesson, as it came

    (first, second) = lesson.sections[0].paragraphs
    assert first[0].text == CITED and second[0].text == CITED_TOO
    (citation,) = first[0].citations
    assert (citation.doc_id, citation.page, citation.passage_id) == (7, 3, 31)
    assert citation.quote == "Photosynthesis is how plants turn light into sugar."
    assert second[0].citations[0].page == 4
    assert lesson.key_terms[0].citation is not None and lesson.key_terms[0].citation.page == 4
    assert lesson.follow_ups == ["Why are leaves green?"]
    assert (lesson.provider, lesson.model, lesson.notices) == ("bedrock", MODEL, [])
    assert fallback.calls == []

    system, user = sent_prompt(bedrock)
    assert "JSON" in system
    assert "[S1] (Biology notes, p. 3) Photosynthesis is how plants" in user
    assert "[S2] (Biology notes, p. 4) Chlorophyll" in user
    assert '"follow_ups"' in user
    config = bedrock.model_requests("converse-stream")[0]["inferenceConfig"]
    assert config == {"maxTokens": 4000, "temperature": 0.2}


def test_statements_citing_a_missing_source_or_nothing_are_dropped_and_never_shown(
    bedrock: BedrockStub, fallback: StandInOfflineTutor
) -> None:
    invented = statement("The moon helps plants grow.", "S9")
    uncited = statement("Plants prefer jazz.")
    half_invented = statement("Leaves are sometimes red.", "S1", "S3")
    bedrock.chunks = chunks_of(lesson_payload(invented, uncited, half_invented), size=7)
    received = Collector()

    lesson = bedrock_tutor(bedrock, fallback).lesson(request(), received)

    texts = [s.text for section in lesson.sections for p in section.paragraphs for s in p]
    assert texts == [CITED, CITED_TOO]
    for dropped in ("moon", "jazz", "red"):
        assert dropped not in received.text
    assert lesson.notices == [
        "Left out 3 generated statements that did not cite the given sources "
        "or repeated the prompt's example."
    ]


def test_text_written_before_its_sources_is_shown_once_the_statement_is_complete(
    bedrock: BedrockStub, fallback: StandInOfflineTutor
) -> None:
    late = {"text": "Leaves hold [S2] chlorophyll.", "sources": []}  # inline mark, empty list
    bedrock.chunks = chunks_of(lesson_payload(late), size=5)
    received = Collector()

    lesson = bedrock_tutor(bedrock, fallback).lesson(request(), received)

    kept = lesson.sections[0].paragraphs[0][1]
    assert kept.text == "Leaves hold chlorophyll." and kept.citations[0].page == 4
    assert "Leaves hold chlorophyll. [Biology notes, p. 4]" in received.text


def test_invalid_json_is_repaired_once_in_a_second_stream_and_the_repair_is_used(
    bedrock: BedrockStub, fallback: StandInOfflineTutor
) -> None:
    broken = '{"title": "Photosynthesis", "sections": [{"heading": "Light", "paragraphs": oops}]}'
    bedrock.chunks = chunks_of(broken)
    bedrock.retry_chunks = chunks_of("```json\n" + json.dumps(lesson_payload()) + "\n```")
    received = Collector()

    lesson = bedrock_tutor(bedrock, fallback).lesson(request(), received)

    first, repair = bedrock.model_requests("converse-stream")
    assert bedrock.model_requests("converse") == []  # the repair is streamed too
    turns = [(m["role"], m["content"][0]["text"]) for m in repair["messages"]]
    assert [role for role, _ in turns] == ["user", "assistant", "user"]
    assert turns[0][1] == sent_prompt(bedrock)[1]
    assert turns[1][1] == broken
    assert "not valid JSON" in turns[2][1] and "line 1, column" in turns[2][1]
    assert repair["system"] == first["system"]
    assert repair["inferenceConfig"] == first["inferenceConfig"]
    assert lesson.sections[0].paragraphs[0][0].text == CITED
    assert (lesson.provider, lesson.notices, fallback.calls) == ("bedrock", [], [])
    # The broken draft was previewed; the corrected lesson follows it, marked as a replacement.
    draft, _, corrected = received.text.partition("this is the corrected version.")
    assert draft.startswith("# Photosynthesis") and "discarded" in draft
    assert corrected.strip() == lesson_markdown(lesson).strip()


def test_a_reply_in_the_wrong_shape_is_repaired_with_the_problems_named(
    bedrock: BedrockStub, fallback: StandInOfflineTutor
) -> None:
    bedrock.chunks = chunks_of({"title": "Photosynthesis", "sections": "none", "follow_ups": []})
    bedrock.retry_chunks = chunks_of(lesson_payload())

    lesson = bedrock_tutor(bedrock, fallback).lesson(request())

    _, repair = bedrock.model_requests("converse-stream")
    problems = repair["messages"][2]["content"][0]["text"]
    assert "sections: expected a list" in problems
    assert "follow_ups: give at least one follow-up question" in problems
    assert lesson.title == "Photosynthesis" and lesson.notices == []


def test_a_reply_cut_off_at_the_token_limit_is_repaired_asking_for_less(
    bedrock: BedrockStub, fallback: StandInOfflineTutor
) -> None:
    bedrock.chunks = chunks_of(json.dumps(lesson_payload())[:150])
    bedrock.retry_chunks = chunks_of(lesson_payload())

    lesson = bedrock_tutor(bedrock, fallback).lesson(request())

    _, repair = bedrock.model_requests("converse-stream")
    problems = repair["messages"][2]["content"][0]["text"]
    assert "cut off" in problems and "shorter" in problems
    assert lesson.title == "Photosynthesis" and lesson.notices == []


def test_output_still_invalid_after_the_repair_falls_back_with_a_notice(
    bedrock: BedrockStub, fallback: StandInOfflineTutor
) -> None:
    bedrock.chunks = chunks_of('{"title": "Photosynthesis", "sections": [')
    bedrock.retry_chunks = ["Sorry, I can only answer in prose."]
    received = Collector()

    lesson = bedrock_tutor(bedrock, fallback).lesson(request(), received)

    assert fallback.calls == ["lesson"]
    assert lesson.title == "Offline lesson" and lesson.provider == "offline"
    assert lesson.notices == [
        "Bedrock sent a lesson that could not be used, even after asking it to correct it — "
        "the text generated so far was discarded; showing the offline lesson"
    ]
    assert received.text.startswith("# Photosynthesis")  # the draft preview...
    assert received.text.endswith("# Offline lesson\n")  # ...then the fallback's own stream
    assert len(bedrock.model_requests("converse-stream")) == 2  # repaired once, not more
    assert bedrock.model_requests("converse") == []


def test_access_denied_falls_back_with_a_notice_naming_it(
    bedrock: BedrockStub, fallback: StandInOfflineTutor
) -> None:
    bedrock.failures = [HTTPFailure(403, "AccessDeniedException", "You don't have access")]
    received = Collector()

    lesson = bedrock_tutor(bedrock, fallback).lesson(request(), received)

    assert lesson.notices == ["Bedrock refused access: AccessDenied — showing the offline lesson"]
    assert received.text == "# Offline lesson\n"
    assert len(bedrock.requests) == 1  # no repair request after a provider error


def test_throttling_that_outlasts_the_retries_falls_back(
    bedrock: BedrockStub, fallback: StandInOfflineTutor
) -> None:
    throttled = HTTPFailure(429, "ThrottlingException", "Too many requests")
    bedrock.failures = [throttled, throttled]

    lesson = bedrock_tutor(bedrock, fallback, max_attempts=2).lesson(request())

    assert len(bedrock.requests) == 2  # botocore retried once, then gave up
    assert lesson.notices == ["Bedrock unavailable: Throttling — showing the offline lesson"]


def test_a_stream_that_breaks_mid_lesson_falls_back_and_says_the_text_was_discarded(
    bedrock: BedrockStub, fallback: StandInOfflineTutor
) -> None:
    bedrock.chunks = chunks_of(lesson_payload())
    bedrock.stream_exception = ("modelStreamErrorException", 3)
    bedrock.stream_exception_calls = 99  # the client's own mid-stream retries fail too
    received = Collector()

    lesson = bedrock_tutor(bedrock, fallback).lesson(request(), received)

    assert bedrock.stream_calls == 3
    assert received.text.startswith("# Photosynthesis\n\n## Light becomes sugar")
    assert lesson.notices == [
        "Bedrock unavailable: ModelStreamError — the text generated so far was discarded; "
        "showing the offline lesson"
    ]


# --- prompts and formats --------------------------------------------------------------------


def test_the_level_shapes_the_prompt(bedrock: BedrockStub, fallback: StandInOfflineTutor) -> None:
    bedrock.chunks = chunks_of(lesson_payload())
    tutor = bedrock_tutor(bedrock, fallback)
    for level in ("beginner", "intermediate", "advanced"):
        tutor.lesson(request(level=level))
    prompts = [
        body["messages"][0]["content"][0]["text"]
        for body in bedrock.model_requests("converse-stream")
    ]
    assert "12-year-old" in prompts[0]
    assert "Level (intermediate)" in prompts[1] and "12-year-old" not in prompts[1]
    assert "precise technical language" in prompts[2]


def test_audio_narration_gets_timestamps_at_150_words_a_minute(
    bedrock: BedrockStub, fallback: StandInOfflineTutor
) -> None:
    ten_words = "Plants use light to make sugar in their green leaves."
    narration = [statement(ten_words, "S1"), statement("Made up.", "S5"), statement("Next.", "S2")]
    bedrock.chunks = chunks_of(lesson_payload(narration=narration, follow_ups=None))
    received = Collector()

    lesson = bedrock_tutor(bedrock, fallback).lesson(request("audio"), received)

    assert [(s.start_s, s.text) for s in lesson.narration] == [(0.0, ten_words), (4.0, "Next.")]
    assert f"[00:00] {ten_words}\n\n[00:04] Next." in received.text
    assert '"narration"' in sent_prompt(bedrock)[1]


def test_visual_lesson_has_a_concept_map_with_cited_nodes(
    bedrock: BedrockStub, fallback: StandInOfflineTutor
) -> None:
    concept_map = {
        "label": "Photosynthesis",
        "children": [
            {
                "label": "Light",
                "source": "S1",
                "children": [{"label": "Chlorophyll", "source": "S2"}],
            },
            {"label": "Invented", "source": "S8"},
        ],
    }
    bedrock.chunks = chunks_of(lesson_payload(concept_map=concept_map))
    received = Collector()

    lesson = bedrock_tutor(bedrock, fallback).lesson(request("visual"), received)

    root = lesson.concept_map
    assert root is not None and [child.label for child in root.children] == ["Light", "Invented"]
    light, invented = root.children
    assert light.citation is not None and light.citation.page == 3
    assert light.children[0].citation is not None and light.children[0].citation.page == 4
    assert invented.citation is None  # a node is a label: it loses the bad citation, not itself
    assert "## Concept map\n\n- Photosynthesis\n  - Light\n    - Chlorophyll\n" in received.text


def test_ebook_chapters_keep_cited_exercises_and_collect_key_terms(
    openai_stub: OpenAIStub, fallback: StandInOfflineTutor
) -> None:
    chapter = {
        "title": "Light",
        "sections": lesson_payload()["sections"],
        "key_terms": [{"term": "Chlorophyll", "definition": "A green pigment.", "source": "S2"}],
        "worked_example": "A leaf in sunlight makes sugar.",
        "exercises": [
            {"question": "What absorbs light?", "answer": "Chlorophyll.", "source": "S2"},
            {"question": "What colour is the sun?", "answer": "Purple.", "source": "S4"},
        ],
    }
    openai_stub.chunks = chunks_of({"title": "Plants", "chapters": [chapter]})
    received = Collector()

    lesson = openai_tutor(openai_stub, fallback).lesson(request("ebook"), received)

    (built,) = lesson.chapters
    assert [e.question for e in built.exercises] == ["What absorbs light?"]
    assert built.exercises[0].citation is not None and built.exercises[0].citation.page == 4
    assert built.worked_example == "A leaf in sunlight makes sugar."
    assert [term.term for term in lesson.key_terms] == ["Chlorophyll"]
    assert lesson.sections == [] and lesson.all_sections() == list(built.sections)
    assert "## Chapter 1: Light" in received.text and "Purple" not in received.text


def test_a_topic_record_alone_is_cited_for_every_statement(
    bedrock: BedrockStub, fallback: StandInOfflineTutor
) -> None:
    level = TopicLevel(
        "Plants make sugar.\n\nThey need light.", (KeyTerm("Leaf", "An organ."),), ""
    )
    record = TopicRecord(
        "photosynthesis",
        "Photosynthesis",
        "biology",
        "beginner",
        "Sugar from light.",
        {"beginner": level},
    )
    bedrock.chunks = chunks_of(lesson_payload(statement("Plants need light.")))

    lesson = bedrock_tutor(bedrock, fallback).lesson(request(sources=(), topic_record=record))

    cited = [s.citations for section in lesson.sections for p in section.paragraphs for s in p]
    assert len(cited) == 3  # S1, S2 and the uncited one, credited to the topic
    assert all(c[0].title == "Topic library: Photosynthesis" and c[0].doc_id is None for c in cited)
    user = sent_prompt(bedrock)[1]
    assert "[S1] (Topic library: Photosynthesis) Plants make sugar." in user
    assert "[S3] (Topic library: Photosynthesis) Key terms. Leaf: An organ." in user
    assert lesson.notices == []


def test_with_nothing_to_cite_the_lesson_says_it_is_ungrounded(
    bedrock: BedrockStub, fallback: StandInOfflineTutor
) -> None:
    payload = lesson_payload()
    payload["sections"][0]["paragraphs"] = [[statement("Plants need light.")]]
    bedrock.chunks = chunks_of(payload)

    lesson = bedrock_tutor(bedrock, fallback).lesson(request(sources=()))

    assert "No passages were given" in sent_prompt(bedrock)[1]
    assert lesson.sections[0].paragraphs == ((Statement("Plants need light."),),)
    assert lesson.notices == [
        "Bedrock wrote this without sources to cite (no notes or library topic matched): "
        "check it against a reference.",
        "Left out 1 generated statement that did not cite the given sources "
        "or repeated the prompt's example.",  # the "S2" term
    ]


# --- the OpenAI-compatible path -------------------------------------------------------------


def test_openai_lesson_streams_through_sse_and_cites_pages(
    openai_stub: OpenAIStub, fallback: StandInOfflineTutor
) -> None:
    payload = lesson_payload(statement("Leaves make énergie — \U0001f331 sugar.", "S1"))
    openai_stub.chunks = chunks_of(json.dumps(payload))  # \u escapes, split across chunks
    openai_stub.hold_after_first = threading.Event()
    first_text_while_held: list[bool] = []

    def on_text(text: str) -> None:
        if not first_text_while_held:
            first_text_while_held.append(not openai_stub.rest_released.is_set())
            assert openai_stub.hold_after_first is not None
            openai_stub.hold_after_first.set()
        received(text)

    received = Collector()
    lesson = openai_tutor(openai_stub, fallback).lesson(request(), on_text)

    assert first_text_while_held == [True]
    assert "Leaves make énergie — \U0001f331 sugar. [Biology notes, p. 3]" in received.text
    assert lesson.sections[0].paragraphs[0][1].citations[0].page == 3
    assert (lesson.provider, lesson.model) == ("openai", "llama3.1")
    body = openai_stub.bodies()[0]
    assert body["stream"] is True and body["max_tokens"] == 4000


def test_openai_lesson_and_its_repair_are_streamed_with_the_lessons_json_schema(
    openai_stub: OpenAIStub, fallback: StandInOfflineTutor
) -> None:
    openai_stub.streams = [["Here is your lesson: {", '"title": '], chunks_of(lesson_payload())]

    lesson = openai_tutor(openai_stub, fallback).lesson(request())

    stream_body, repair_body = openai_stub.bodies()
    for body in (stream_body, repair_body):
        assert body["stream"] is True
        structured = body["response_format"]
        assert structured["type"] == "json_schema"
        assert structured["json_schema"]["name"] == "lesson_chat"
        schema = structured["json_schema"]["schema"]
        assert {"title", "sections", "key_terms", "follow_ups"} <= set(schema["properties"])
        assert {"title", "sections"} <= set(schema["required"])
    assert [m["role"] for m in stream_body["messages"]] == ["system", "user"]
    assert [m["role"] for m in repair_body["messages"]] == ["system", "user", "assistant", "user"]
    assert repair_body["messages"][:2] == stream_body["messages"]
    assert repair_body["messages"][2]["content"] == 'Here is your lesson: {"title": '
    assert lesson.provider == "openai" and lesson.notices == []


def test_openai_error_mid_stream_falls_back_with_a_discarded_notice(
    openai_stub: OpenAIStub, fallback: StandInOfflineTutor
) -> None:
    openai_stub.chunks = chunks_of(lesson_payload())
    openai_stub.stream_error_after = 3
    received = Collector()

    lesson = openai_tutor(openai_stub, fallback).lesson(request(), received)

    assert received.text.startswith("# Photosynthesis")
    assert lesson.notices[0].startswith("Model server unavailable: The model server at ")
    assert "out of memory" in lesson.notices[0]
    assert lesson.notices[0].endswith(
        "the text generated so far was discarded; showing the offline lesson"
    )


def test_openai_auth_failure_falls_back_naming_the_status(
    openai_stub: OpenAIStub, fallback: StandInOfflineTutor
) -> None:
    openai_stub.failures = [(401, {"error": {"message": "Incorrect API key provided"}})]
    lesson = openai_tutor(openai_stub, fallback).lesson(request())
    assert lesson.notices == ["Model server refused access: HTTP 401 — showing the offline lesson"]
    assert len(openai_stub.bodies()) == 1  # not asked again, and no repair


# --- structured output, context windows, time limits, cancelling -----------------------------


def long_sources(count: int) -> tuple[Source, ...]:
    """``count`` passages of about 600 characters each, on pages 1, 2, …"""
    sentence = "Plants turn light, water and carbon dioxide into sugar and oxygen in their leaves. "
    return tuple(
        Source(
            f"Passage {number}. " + sentence * 7,
            "Long notes",
            doc_id=8,
            passage_id=100 + number,
            page=number,
        )
        for number in range(1, count + 1)
    )


def context_used(body: dict[str, Any]) -> int:
    """What a chat request takes of a llama.cpp-like context, as the stub counts it: its
    messages at 3 characters a token, plus the reply it asks for."""
    text = "".join(message["content"] for message in body["messages"])
    return len(text) // 3 + body["max_tokens"]


class Cancelled(Exception):
    """The learner gave up waiting."""


def test_a_server_that_refuses_json_schema_is_asked_with_the_schema_in_a_json_object(
    openai_stub: OpenAIStub, fallback: StandInOfflineTutor
) -> None:
    openai_stub.refused_formats = {"json_schema"}
    openai_stub.chunks = chunks_of(lesson_payload())
    chat = OpenAIChat(base_url=openai_stub.base_url, model="llama3.1", timeout=10)

    lesson = LLMTutor(chat, fallback).lesson(request())

    refused, accepted = openai_stub.bodies()
    schema = refused["response_format"]["json_schema"]["schema"]
    assert refused["response_format"]["type"] == "json_schema"
    assert accepted["response_format"] == {"type": "json_object", "schema": schema}
    assert accepted["messages"] == refused["messages"]  # the same request, one step down
    assert (lesson.provider, lesson.notices, fallback.calls) == ("openai", [], [])
    assert chat.structured_mode == "json_object_schema"

    # The client remembers the step: the next task over it starts there.
    again = LLMTutor(chat, fallback).lesson(request())

    third = openai_stub.bodies()[2:]
    assert [body["response_format"] for body in third] == [
        {"type": "json_object", "schema": schema}
    ]
    assert again.notices == [] and fallback.calls == []


def test_a_lesson_is_planned_for_the_context_window_the_server_reports(
    openai_stub: OpenAIStub, fallback: StandInOfflineTutor
) -> None:
    openai_stub.n_ctx = 2400
    openai_stub.chunks = chunks_of(lesson_payload())
    tutor = openai_tutor(openai_stub, fallback)

    whole = tutor.lesson(request())
    cut = tutor.lesson(request(sources=long_sources(12)))

    first, second = openai_stub.bodies()  # neither refused: both fit
    assert context_used(first) <= 2400 and first["max_tokens"] < 4000
    assert whole.notices == [] and whole.provider == "openai"
    assert context_used(second) <= 2400 and second["max_tokens"] >= 700  # a lesson's worth
    prompt = second["messages"][-1]["content"]
    kept = prompt.count("(Long notes, p. ")
    assert 2 <= kept < 12 and f"[S{kept}]" in prompt and f"[S{kept + 1}]" not in prompt
    assert cut.notices == [
        f"Only {kept} of 12 passages fit the model's context window; the rest were left out."
    ]
    assert cut.provider == "openai" and fallback.calls == []
    asked = [r.path for r in openai_stub.requests if not r.path.endswith("/chat/completions")]
    assert asked.count("/props") == 1  # the window is asked once per tutor


def test_a_window_too_small_for_any_lesson_falls_back_without_asking(
    openai_stub: OpenAIStub, fallback: StandInOfflineTutor
) -> None:
    openai_stub.n_ctx = 1200  # ~1,000 tokens of prompt and a 700-token lesson do not fit

    lesson = openai_tutor(openai_stub, fallback).lesson(request())

    assert openai_stub.bodies() == []
    assert lesson.notices == [
        "Model server refused the request: the notes and the reply do not fit its context "
        "window of 1200 tokens — showing the offline lesson"
    ]


def test_a_prompt_refused_as_too_long_is_planned_again_for_the_window_the_refusal_names(
    openai_stub: OpenAIStub, fallback: StandInOfflineTutor
) -> None:
    openai_stub.props = False  # llama-cpp-python: the window is known only from a refusal
    openai_stub.n_ctx = 2000
    openai_stub.chunks = chunks_of(lesson_payload())

    lesson = openai_tutor(openai_stub, fallback).lesson(request())

    refused, fitted = openai_stub.bodies()
    assert refused["max_tokens"] == 4000 and context_used(refused) > 2000
    assert context_used(fitted) <= 2000 and fitted["max_tokens"] >= 700
    assert fitted["messages"] == refused["messages"]  # both passages still fit
    assert (lesson.provider, lesson.notices, fallback.calls) == ("openai", [], [])
    assert lesson.sections[0].paragraphs[1][0].citations[0].page == 4


def test_a_lesson_not_finished_in_time_falls_back_and_the_connection_is_closed(
    openai_stub: OpenAIStub, fallback: StandInOfflineTutor
) -> None:
    openai_stub.chunks = chunks_of(lesson_payload(), size=10)  # 40 chunks: 12 s at this pace
    openai_stub.chunk_delay_s = 0.3
    chat = OpenAIChat(base_url=openai_stub.base_url, model="llama3.1", timeout=10)

    started = time.monotonic()
    lesson = LLMTutor(chat, fallback, timeout=1.0).lesson(request())

    assert time.monotonic() - started < 3
    assert fallback.calls == ["lesson"] and lesson.title == "Offline lesson"
    (notice,) = lesson.notices
    assert notice.startswith("Model server did not finish in time: stopped after ")
    assert notice.endswith(" — showing the offline lesson")
    # The client hung up, so the server's next write failed: it stopped generating.
    assert openai_stub.disconnected.wait(timeout=5)
    assert len(openai_stub.bodies()) == 1  # no repair once the time is up


def test_a_watcher_that_cancels_stops_the_lesson_and_closes_the_connection(
    openai_stub: OpenAIStub, fallback: StandInOfflineTutor
) -> None:
    openai_stub.chunks = chunks_of(lesson_payload(), size=10)
    openai_stub.chunk_delay_s = 0.05
    seen: list[ModelActivity] = []

    def cancel_after_two_tokens(activity: ModelActivity) -> None:
        seen.append(activity)
        if activity.tokens >= 2:
            raise Cancelled

    with watching(cancel_after_two_tokens), pytest.raises(Cancelled):
        openai_tutor(openai_stub, fallback).lesson(request(), Collector())

    assert fallback.calls == []  # a cancel is not a provider failure: no fallback lesson
    # The status line is cleared ("done") however the request ended.
    phases = [(a.phase, a.tokens) for a in seen]
    assert phases == [("waiting", 0), ("writing", 1), ("writing", 2), ("done", 2)]
    assert {(a.task, a.model, a.provider) for a in seen} == {("lesson", "llama3.1", "openai")}
    assert openai_stub.disconnected.wait(timeout=5)
    assert len(openai_stub.bodies()) == 1


# --- answers --------------------------------------------------------------------------------


def test_answer_keeps_only_sentences_that_cite_the_passages(
    bedrock: BedrockStub, fallback: StandInOfflineTutor
) -> None:
    payload = {
        "found": True,
        "sentences": [
            statement("Chlorophyll absorbs light.", "S2"),
            statement("It also tastes sweet."),
            statement("It was discovered in 1817.", "S7"),
        ],
    }
    bedrock.chunks = chunks_of(payload, size=9)
    received = Collector()

    answer = bedrock_tutor(bedrock, fallback).answer("What absorbs light?", SOURCES, received)

    assert answer.found and answer.text == "Chlorophyll absorbs light."
    (kept,) = answer.statements
    assert kept.citations[0].page == 4 and kept.citations[0].passage_id == 32
    assert kept.citations[0].quote == "Chlorophyll is the green pigment that absorbs light."
    assert received.text.startswith("Chlorophyll absorbs light. [Biology notes, p. 4]")
    assert "sweet" not in received.text and "1817" not in received.text
    assert answer.notices == (
        "Left out 2 generated statements that did not cite the given sources "
        "or repeated the prompt's example.",
    )
    assert answer.provider == "bedrock"
    user = sent_prompt(bedrock)[1]
    assert "Question: What absorbs light?" in user and "[S2] (Biology notes, p. 4)" in user


def test_answer_not_found_in_the_notes(bedrock: BedrockStub, fallback: StandInOfflineTutor) -> None:
    # Sentences under "found": false are neither shown nor reported as left out.
    bedrock.chunks = chunks_of({"found": False, "sentences": [statement("England won.", "S1")]})
    received = Collector()

    answer = bedrock_tutor(bedrock, fallback).answer("Who won in 1966?", SOURCES, received)

    assert (answer.found, answer.text, answer.statements) == (
        False,
        "Your notes don't cover this.",
        (),
    )
    assert received.text == "Your notes don't cover this.\n" and answer.notices == ()


def test_answer_whose_every_sentence_is_uncited_is_not_found(
    bedrock: BedrockStub, fallback: StandInOfflineTutor
) -> None:
    bedrock.chunks = chunks_of({"found": True, "sentences": [statement("England won.")]})
    answer = bedrock_tutor(bedrock, fallback).answer("Who won in 1966?", SOURCES)
    assert not answer.found and answer.text == "Your notes don't cover this."


def test_answer_falls_back_when_the_provider_fails(
    bedrock: BedrockStub, fallback: StandInOfflineTutor
) -> None:
    bedrock.failures = [HTTPFailure(403, "AccessDeniedException", "No access")]
    answer = bedrock_tutor(bedrock, fallback).answer("What absorbs light?", SOURCES)
    assert answer.text == "Offline answer."
    assert answer.notices == ("Bedrock refused access: AccessDenied — showing the offline answer",)


def test_answer_is_repaired_once_then_falls_back(
    bedrock: BedrockStub, fallback: StandInOfflineTutor
) -> None:
    bedrock.chunks = ['{"found": "maybe"}']
    bedrock.retry_chunks = ['{"found": "still maybe"}']
    answer = bedrock_tutor(bedrock, fallback).answer("What absorbs light?", SOURCES)
    first, repair = bedrock.model_requests("converse-stream")
    assert "found: expected true or false" in repair["messages"][2]["content"][0]["text"]
    assert repair["system"] == first["system"]
    assert fallback.calls == ["answer"]
    assert "could not be used" in answer.notices[0]


def test_answer_without_passages_asks_no_model(
    bedrock: BedrockStub, fallback: StandInOfflineTutor
) -> None:
    answer = bedrock_tutor(bedrock, fallback).answer("Anything?", [])
    assert not answer.found and bedrock.requests == []


# --- the streaming scanner ------------------------------------------------------------------


class Recorder:
    """A JsonListener that writes down the string values it hears, by path."""

    def __init__(self) -> None:
        self.strings: dict[JsonPath, str] = {}
        self.scalars: dict[JsonPath, str] = {}
        self.events: list[tuple[str, JsonPath]] = []

    def opened(self, path: JsonPath, kind: Container) -> None:
        self.events.append(("open " + kind, path))

    def closed(self, path: JsonPath, kind: Container) -> None:
        self.events.append(("close " + kind, path))

    def string_started(self, path: JsonPath) -> None:
        self.strings[path] = ""

    def string_text(self, path: JsonPath, text: str) -> None:
        self.strings[path] += text

    def string_ended(self, path: JsonPath) -> None:
        self.events.append(("string", path))

    def scalar(self, path: JsonPath, raw: str) -> None:
        self.scalars[path] = raw


def test_scanner_decodes_strings_fed_one_character_at_a_time() -> None:
    payload = {
        "title": 'Quotes " and \\ slashes / tabs\t, \u00e9 and \U0001f331',
        "items": [{"n": 1.5, "ok": True, "none": None}, ["nested", {"deep": "x"}]],
        "after": "end",
    }
    text = "```json\n" + json.dumps(payload) + "\n```\ntrailing {words}"
    recorder = Recorder()
    scanner = JsonScanner(recorder)
    for char in text:
        scanner.feed(char)

    assert scanner.finished
    assert recorder.strings == {
        ("title",): payload["title"],
        ("items", 1, 0): "nested",
        ("items", 1, 1, "deep"): "x",
        ("after",): "end",
    }
    assert recorder.scalars == {
        ("items", 0, "n"): "1.5",
        ("items", 0, "ok"): "true",
        ("items", 0, "none"): "null",
    }
    assert ("close array", ("items",)) in recorder.events
    assert recorder.events[-1] == ("close object", ())


def test_fill_leaves_json_braces_and_inserted_values_alone() -> None:
    template = 'Teach {topic}: {"title": "..."} in {format}'
    filled = fill(template, {"topic": "sets {format}", "format": "chat"})
    assert filled == 'Teach sets {format}: {"title": "..."} in chat'
    with pytest.raises(KeyError):
        fill("{missing}", {})


def test_the_notice_for_an_unusable_answer_reads_as_english() -> None:
    from learnplat.tutors.llm import notices

    said = notices.unusable_output("openai", what="answer", fallback="offline", discarded=False)
    assert " sent an answer that could not be used" in said
    said = notices.unusable_output("bedrock", what="quiz", fallback="offline", discarded=False)
    assert "Bedrock sent a quiz that could not be used" in said
