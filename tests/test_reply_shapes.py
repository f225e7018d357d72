"""The reply shapes are defined once: the example each prompt shows the model is a valid instance of
the typed model whose JSON Schema goes to the server, the readers accept it, and offline use never
loads pydantic."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from learnplat.domain.model import LessonRequest, Source
from learnplat.tutors.llm import shapes
from learnplat.tutors.llm.answer_reader import read_answer
from learnplat.tutors.llm.grade_reader import read_rubric
from learnplat.tutors.llm.lesson_reader import read_lesson
from learnplat.tutors.llm.passages import SourceIndex
from learnplat.tutors.llm.prompting import template
from learnplat.tutors.llm.quiz_reader import read_quiz
from tests.stubs.openai import OpenAIStub

SOURCES = (
    Source("Photosynthesis turns light into sugar in the leaves.", "Notes", doc_id=1, page=1),
    Source("Chlorophyll is the green pigment that absorbs light.", "Notes", doc_id=1, page=2),
)


# A lesson written from SOURCES, as a model should (not the prompt's example copied back).
OWN_LESSON = {
    "title": "How leaves make sugar",
    "sections": [
        {
            "heading": "Light into sugar",
            "paragraphs": [
                [
                    {"sources": ["S1"], "text": "Leaves turn light into sugar."},
                    {"sources": ["S2"], "text": "Chlorophyll, a green pigment, absorbs light."},
                ]
            ],
        }
    ],
    "follow_ups": ["Why are leaves green?"],
}


def example(name: str) -> Any:
    """The JSON example in the prompt file ``name``: its first ``{`` to the matching ``}``."""
    text = template(name)
    start = text.index("{\n")
    payload, _ = json.JSONDecoder().raw_decode(text, start)
    return payload


@pytest.mark.parametrize("fmt", ["chat", "visual", "audio", "ebook"])
def test_each_lesson_example_is_its_shape_and_the_reader_keeps_it(fmt: str) -> None:
    payload = example(f"schema_{fmt}")
    shapes.LESSONS[fmt].model_validate(payload)
    request = LessonRequest("photosynthesis", "beginner", fmt, sources=SOURCES)  # type: ignore[arg-type]
    draft = read_lesson(payload, request, SourceIndex(SOURCES))
    assert draft.problems == [] and draft.lesson is not None


def test_the_answer_quiz_and_grade_examples_are_their_shapes() -> None:
    answer, quiz, grade = example("answer_user"), example("quiz_user"), example("grade_user")
    shapes.AnswerReply.model_validate(answer)
    shapes.QuizReply.model_validate(quiz)
    shapes.GradeReply.model_validate(grade)
    index = SourceIndex(SOURCES)
    assert read_answer(answer, "what is it?", index, "openai").problems == []
    assert read_quiz(quiz, index).problems == []
    assert read_rubric(grade, 3)[1] == []


def test_the_schema_sent_holds_what_a_reader_insists_on() -> None:
    quiz = shapes.shape("quiz").schema
    item = quiz["$defs"]["QuizItem"]
    assert (
        item["properties"]["distractors"]["minItems"]
        == 3
        == item["properties"]["distractors"]["maxItems"]
    )
    assert set(item["required"]) >= {"source", "question", "answer", "distractors"}
    grade = shapes.shape("grade").schema
    assert grade["$defs"]["Components"]["properties"]["accuracy"]["maximum"] == 1
    lesson = shapes.shape("lesson_visual").schema
    assert "concept_map" in lesson["required"]
    assert "title" not in lesson  # pydantic's titles are left out: they only cost tokens
    assert "title" in lesson["properties"]  # (a field called title stays)
    with pytest.raises(ValidationError):
        shapes.QuizReply.model_validate({"questions": [{"source": "S1", "question": "q"}]})
    # What the lesson reader insists on, the schema asks for: a chat lesson's follow-ups.
    chat = shapes.shape("lesson_chat").schema
    assert "follow_ups" in chat["required"] and chat["properties"]["follow_ups"]["minItems"] == 1
    no_follow_ups = {k: v for k, v in example("schema_chat").items() if k != "follow_ups"}
    request = LessonRequest("photosynthesis", "beginner", "chat", sources=SOURCES)
    assert read_lesson(no_follow_ups, request, SourceIndex(SOURCES)).problems
    with pytest.raises(ValidationError):
        shapes.ChatLesson.model_validate(no_follow_ups)
    with pytest.raises(ValidationError):  # and no empty paragraph, which teaches nothing
        shapes.ChatLesson.model_validate(
            {**example("schema_chat"), "sections": [{"heading": "h", "paragraphs": [[]]}]}
        )


def test_offline_lessons_never_load_pydantic(isolated_home: Path, tmp_path: Path) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("# Light\n\nPhotosynthesis turns light into sugar.\n", encoding="utf-8")
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from learnplat.cli import app\n"
        f"result = CliRunner().invoke(app, ['learn', '--file', {str(notes)!r}, '--json'])\n"
        "assert result.exit_code == 0, result.output\n"
        "print('pydantic' in sys.modules)\n"
    )
    env = {**os.environ, "LEARNPLAT_HOME": str(isolated_home)}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == "False"


def test_a_requests_schema_lets_the_model_cite_only_the_passages_it_was_given() -> None:
    narrowed = shapes.citing("lesson_chat", ["S1", "S2"]).schema
    claim = narrowed["$defs"]["Claim"]["properties"]["sources"]["items"]
    assert claim == {"type": "string", "enum": ["S1", "S2"]}
    term_source = narrowed["$defs"]["KeyTerm"]["properties"]["source"]["anyOf"]
    assert {"type": "string", "enum": ["S1", "S2"]} in term_source  # optional, but only these
    quiz = shapes.citing("quiz", ["S1"]).schema
    assert quiz["$defs"]["QuizItem"]["properties"]["source"]["enum"] == ["S1"]
    assert shapes.citing("answer", []) == shapes.shape("answer")  # nothing given: any id


def test_the_tutor_sends_the_passage_ids_of_the_prompt_it_planned(openai_stub: OpenAIStub) -> None:
    from learnplat.clients.openai import OpenAIChat
    from learnplat.tutors.llm import LLMTutor
    from learnplat.tutors.offline import OfflineTutor

    openai_stub.chunks = [json.dumps(OWN_LESSON)]
    tutor = LLMTutor(OpenAIChat(base_url=openai_stub.base_url), OfflineTutor(semantic=False))
    request = LessonRequest("photosynthesis", "beginner", "chat", sources=SOURCES)
    assert tutor.lesson(request).provider == "openai"
    sent = openai_stub.bodies()[0]["response_format"]["json_schema"]["schema"]
    assert sent["$defs"]["Claim"]["properties"]["sources"]["items"]["enum"] == ["S1", "S2"]


def test_lists_are_bounded_and_a_claim_must_cite_when_passages_were_given() -> None:
    lesson = shapes.citing("lesson_chat", ["S1"]).schema
    paragraphs = lesson["$defs"]["Section"]["properties"]["paragraphs"]
    assert paragraphs["maxItems"] == 6 and paragraphs["items"]["maxItems"] == 6
    assert lesson["properties"]["sections"]["maxItems"] == 8
    assert lesson["$defs"]["Claim"]["properties"]["sources"]["minItems"] == 1
    free = shapes.shape("lesson_chat").schema  # no passages: a claim may cite nothing
    assert "minItems" not in free["$defs"]["Claim"]["properties"]["sources"]


def test_a_quiz_under_a_small_window_asks_for_the_questions_that_fit(
    openai_stub: OpenAIStub,
) -> None:
    from learnplat.clients.openai import OpenAIChat
    from learnplat.tutors.llm import LLMTutor
    from learnplat.tutors.offline import OfflineTutor

    openai_stub.n_ctx = 2400
    openai_stub.chunks = [json.dumps(example("quiz_user"))]
    tutor = LLMTutor(OpenAIChat(base_url=openai_stub.base_url), OfflineTutor(semantic=False))
    tutor.quiz(SOURCES, 40)
    body = openai_stub.bodies()[0]
    schema = body["response_format"]["json_schema"]["schema"]
    asked = schema["properties"]["questions"]["maxItems"]
    assert 1 <= asked < 40
    assert f"Write up to {asked} questions" in body["messages"][-1]["content"]
    assert (asked + 1) * 160 + 100 > body["max_tokens"]  # as many as the reply has room for


def test_a_reply_that_copies_the_prompts_example_is_sent_back_then_not_used(
    openai_stub: OpenAIStub,
) -> None:
    """A small model hands the example back ("A short title for the lesson"): each copied text
    is named in the repair request, and a second copy falls back to the offline lesson."""
    from learnplat.clients.openai import OpenAIChat
    from learnplat.tutors.llm import LLMTutor
    from learnplat.tutors.offline import OfflineTutor

    openai_stub.chunks = [json.dumps(example("schema_chat"))]
    tutor = LLMTutor(OpenAIChat(base_url=openai_stub.base_url), OfflineTutor(semantic=False))
    request = LessonRequest("photosynthesis", "beginner", "chat", sources=SOURCES)
    lesson = tutor.lesson(request)
    assert lesson.provider != "openai"
    assert "could not be used" in lesson.notices[0]
    repair = openai_stub.bodies()[1]["messages"][-1]["content"]
    assert "title: this is the example's placeholder text" in repair

    # A reply of its own words with one copied sentence: that sentence is left out and said.
    own = json.loads(json.dumps(OWN_LESSON))
    own["sections"][0]["paragraphs"][0].append(
        {"sources": ["S1"], "text": "The next sentence of the same paragraph."}
    )
    openai_stub.streams = [[json.dumps(own)]]
    kept = tutor.lesson(request)
    assert kept.provider == "openai"
    shown = [s.text for section in kept.sections for p in section.paragraphs for s in p]
    assert shown == [
        "Leaves turn light into sugar.",
        "Chlorophyll, a green pigment, absorbs light.",
    ]
    assert any("repeated the prompt's example" in notice for notice in kept.notices)

    openai_stub.streams = [[json.dumps(example("schema_chat"))], [json.dumps(OWN_LESSON)]]
    assert tutor.lesson(request).title == "How leaves make sugar"  # a repair in its own words


def test_a_raw_line_break_inside_a_string_is_read_not_refused() -> None:
    from learnplat.tutors.llm.replies import parse_reply

    parsed = parse_reply('{"title": "Working\nmemory", "sections": []}')
    assert parsed.problem is None and parsed.payload["title"] == "Working\nmemory"


def test_a_copied_heading_is_blanked_and_its_own_sentences_kept() -> None:
    from learnplat.tutors.llm.checks import Problems
    from learnplat.tutors.llm.placeholders import strip_copied

    own = json.loads(json.dumps(OWN_LESSON))
    own["sections"][0]["heading"] = "A short heading"
    own["key_terms"] = [
        {"term": "a key term", "definition": "what it means, in one sentence", "source": "S2"},
        {"term": "Chlorophyll", "definition": "The green pigment.", "source": "S2"},
    ]
    problems = Problems()
    cleaned, left_out = strip_copied(own, problems)
    assert not problems and left_out == 1  # the example key term, not the section
    assert cleaned["sections"][0]["heading"] == ""
    assert cleaned["sections"][0]["paragraphs"] == OWN_LESSON["sections"][0]["paragraphs"]
    assert [term["term"] for term in cleaned["key_terms"]] == ["Chlorophyll"]
    own["title"] = "A short title for the lesson"
    strip_copied(own, problems)
    assert problems.messages == [
        "title: this is the example's placeholder text: write your own, from the passages"
    ]
