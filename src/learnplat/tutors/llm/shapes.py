"""The replies asked of a chat model, defined once as typed models.

Each model's JSON Schema goes to servers that take structured output (``response_format`` with a
``json_schema``: llama.cpp, Ollama, vLLM, OpenAI), which then produce JSON of this shape even from
small models. The example in each prompt (``prompts/schema_*.txt``, ``quiz_user.txt``, …) is
checked against these models by the tests, so the prompt and the schema cannot drift apart. The
readers (``lesson_reader`` and the others) still check every reply: a server may ignore the schema,
and they also check what a schema cannot say (that a cited passage exists).

Imported only when a provider is configured: pydantic costs ~100 ms to load.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ...clients.base import ReplyShape

PASSAGE_ID = "the id of a given passage, such as S1"
PassageId = Annotated[str, Field(description=PASSAGE_ID)]


class _Shape(BaseModel):
    model_config = ConfigDict(extra="ignore")


# Lists a reader would take empty but a learner could not use are asked for non-empty: under a
# schema a small model otherwise closes them at once ("paragraphs": []). Lists are bounded too:
# unbounded, a small model under a grammar may repeat items until its tokens run out.
Text = Annotated[str, Field(min_length=1)]


class Claim(_Shape):
    """One sentence and the passages (``S1``…) it rests on."""

    sources: list[PassageId] = Field(max_length=4)
    text: Text


class Section(_Shape):
    heading: str
    paragraphs: list[Annotated[list[Claim], Field(min_length=1, max_length=6)]] = Field(
        min_length=1, max_length=6
    )


class KeyTerm(_Shape):
    term: str
    definition: str
    source: PassageId | None = None


class ConceptNode(_Shape):
    label: str
    source: PassageId | None = None
    children: list[ConceptNode] = Field(default_factory=list, max_length=8)


class Exercise(_Shape):
    question: str
    answer: str
    source: PassageId | None = None


class Chapter(_Shape):
    title: Text
    sections: list[Section] = Field(min_length=1, max_length=8)
    key_terms: list[KeyTerm] = Field(default_factory=list, max_length=10)
    worked_example: str | None = None
    exercises: list[Exercise] = Field(default_factory=list, max_length=6)


class _Lesson(_Shape):
    title: Text
    sections: list[Section] = Field(min_length=1, max_length=8)
    key_terms: list[KeyTerm] = Field(default_factory=list, max_length=10)


class ChatLesson(_Lesson):
    follow_ups: list[Text] = Field(min_length=1, max_length=5)


class VisualLesson(_Lesson):
    concept_map: ConceptNode


class AudioLesson(_Lesson):
    narration: list[Claim] = Field(min_length=1, max_length=16)


class EbookLesson(_Shape):
    title: Text
    chapters: list[Chapter] = Field(min_length=1, max_length=8)


class AnswerReply(_Shape):
    found: bool
    sentences: list[Claim] = Field(max_length=6)


class QuizItem(_Shape):
    source: PassageId
    question: Text
    answer: Text
    distractors: list[Text] = Field(min_length=3, max_length=3)
    explanation: str | None = None
    difficulty: Literal["beginner", "intermediate", "advanced"] = "intermediate"


class QuizReply(_Shape):
    questions: list[QuizItem] = Field(min_length=1, max_length=40)


class Components(_Shape):
    coverage: float = Field(ge=0, le=1)
    accuracy: float = Field(ge=0, le=1)
    structure: float = Field(ge=0, le=1)
    readability: float = Field(ge=0, le=1)
    jargon: float = Field(ge=0, le=1)


class GradeReply(_Shape):
    components: Components
    covered: list[int]
    missed: list[int]
    errors: list[str] = Field(max_length=10)
    jargon: list[str] = Field(max_length=10)
    has_example: bool
    feedback: list[str] = Field(min_length=1, max_length=6)
    suggestion: str


LESSONS: dict[str, type[_Shape]] = {
    "chat": ChatLesson,
    "visual": VisualLesson,
    "audio": AudioLesson,
    "ebook": EbookLesson,
}


def _without_titles(node: Any) -> Any:
    """The schema without pydantic's ``title`` keys: they change nothing and cost prompt tokens."""
    if isinstance(node, dict):
        return {
            key: _without_titles(value)
            for key, value in node.items()
            if not (key == "title" and isinstance(value, str))
        }
    if isinstance(node, list):
        return [_without_titles(value) for value in node]
    return node


@cache
def shape(name: str) -> ReplyShape:
    """The ReplyShape called ``name``: ``lesson_<format>``, ``answer``, ``quiz`` or ``grade``."""
    models: dict[str, type[_Shape]] = {
        **{f"lesson_{fmt}": model for fmt, model in LESSONS.items()},
        "answer": AnswerReply,
        "quiz": QuizReply,
        "grade": GradeReply,
    }
    schema = _without_titles(models[name].model_json_schema())
    return ReplyShape(name, schema)


def citing(name: str, ids: Sequence[str], *, questions: int | None = None) -> ReplyShape:
    """``shape(name)`` whose passage ids can only be ``ids``, and a claim must cite one: a server
    taking the schema then cannot let the model cite a passage it was not given (small models
    invent "S7" otherwise). ``questions`` caps a quiz's question count."""
    base = shape(name)

    def narrow(node: Any) -> Any:
        if isinstance(node, dict):
            if node.get("description") == PASSAGE_ID:
                return {"type": "string", "enum": list(ids)}
            items = node.get("items")
            if isinstance(items, dict) and items.get("description") == PASSAGE_ID:
                return {**node, "items": narrow(items), "minItems": 1}
            return {key: narrow(value) for key, value in node.items()}
        if isinstance(node, list):
            return [narrow(value) for value in node]
        return node

    schema = narrow(base.schema) if ids else base.schema
    if questions is not None and "questions" in schema.get("properties", {}):
        asked = {**schema["properties"]["questions"], "maxItems": max(1, questions)}
        schema = {**schema, "properties": {**schema["properties"], "questions": asked}}
    return ReplyShape(name, schema)
