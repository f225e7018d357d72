"""The JSON shapes of the services' results, one place for every adapter: the CLI's ``--json``
and (with its issue) the web API give the same contract. A served question's shape never
carries its answer. No UI library is imported here.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .services.game_model import QuestionSet, ServedQuestion
    from .services.library import IngestResult
    from .services.speech import SpeechResult
    from .services.teachback import TeachResult
    from .tutors.model import Answer, Citation, Grade, Lesson

# JSON keeps these inside strings unless asked: C1 controls (8-bit CSI/OSC), DEL, bidi
# overrides, line separators and lone surrogates, which a terminal or `print` would act on.
_JSON_RAW = re.compile(r"[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def plain(value: Any) -> Any:
    """``value`` as JSON-ready data: dataclasses as objects of their fields, tuples as lists,
    paths as strings."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value


def json_text(value: Any, indent: int | None = None) -> str:
    """``value`` as JSON that carries every character of its strings, with the ones a terminal
    would act on written as \\u escapes (JSON itself escapes the C0 controls)."""
    text = json.dumps(plain(value), indent=indent, ensure_ascii=False)
    return _JSON_RAW.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


# Library -----------------------------------------------------------------------------------
def ingest_json(result: IngestResult, hint: str | None = None) -> dict[str, Any]:
    """One file's ingest; ``hint`` replaces the error's own (an adapter's way to give it)."""
    error = None
    if result.error is not None:
        error = {"message": result.error.message, "hint": hint or result.error.hint}
    return {
        "path": str(result.path),
        "status": result.status,
        "document": result.document,
        "error": error,
        "warnings": list(result.warnings),
    }


# Learn -------------------------------------------------------------------------------------
def citation_json(citation: Citation) -> dict[str, Any]:
    return {
        "doc_id": citation.doc_id,
        "title": citation.title,
        "page": citation.page,
        "page_label": citation.page_label,
        "unit": citation.unit_name,
        "passage_id": citation.passage_id,
        "quote": citation.quote,
    }


def lesson_json(lesson: Lesson) -> dict[str, Any]:
    from .tutors.render import lesson_markdown, section_markdown

    return {
        "topic": lesson.topic,
        "title": lesson.title,
        "level": lesson.level,
        "format": lesson.format,
        "content": lesson_markdown(lesson),
        "sections": [
            {"heading": s.heading, "content": section_markdown(s)} for s in lesson.sections
        ],
        "key_terms": [{"term": t.term, "definition": t.definition} for t in lesson.key_terms],
        "citations": [citation_json(c) for c in lesson.citations],
        "follow_ups": lesson.follow_ups,
        "concept_map": plain(lesson.concept_map),
        "narration": [{"start_s": s.start_s, "text": s.text} for s in lesson.narration],
        "chapters": [{"title": c.title} for c in lesson.chapters],
        "provider": lesson.provider,
        "model": lesson.model,
        "from_cache": lesson.from_cache,
        "notices": lesson.notices,
    }


def answer_json(answer: Answer) -> dict[str, Any]:
    from .tutors.render import answer_markdown

    return {
        "question": answer.question,
        "answer": answer_markdown(answer).strip(),
        "found": answer.found,
        "citations": [citation_json(c) for c in answer.citations],
        "provider": answer.provider,
        "notices": list(answer.notices),
    }


def audio_json(result: SpeechResult) -> dict[str, Any]:
    return {
        "path": str(result.path) if result.path else None,
        "format": result.format,
        "duration_s": round(result.duration_s, 2),
        "engine": result.engine_name,
        "voice": result.voice_name,
        "segments": [{"start_s": round(s.start_s, 2), "text": s.text} for s in result.segments],
        "notices": list(result.notices),
    }


# Teach Back --------------------------------------------------------------------------------
def grade_json(grade: Grade) -> dict[str, Any]:
    return {
        "score": grade.score,
        "components": [
            {"name": c.name, "score": round(c.score, 3), "weight": c.weight, "detail": c.detail}
            for c in grade.components
        ],
        "feedback": list(grade.feedback),
        "suggestion": grade.suggestion,
        "covered": list(grade.covered),
        "missed": [
            {"idea": idea.text, "where": idea.citation.label if idea.citation else None}
            for idea in grade.missed
        ],
        "reading_grade": grade.reading_grade,
        "jargon": list(grade.jargon),
        "has_example": grade.has_example,
        "copied": grade.copied,
        "off_topic": grade.off_topic,
        "grader": grade.grader,
        "notices": list(grade.notices),
    }


def teach_json(result: TeachResult) -> dict[str, Any]:
    submission = result.submission
    data = {
        "id": submission.id,
        "topic": submission.topic,
        "level": submission.level,
        "status": submission.status,
        "points": submission.points,
        "points_reason": submission.points_reason,
        "shared": submission.shared,
    }
    if result.grade is not None:
        data.update(grade_json(result.grade))
    if result.error is not None:
        data["error"] = {"message": result.error.message, "hint": result.error.hint}
    return data


# Challenges --------------------------------------------------------------------------------
def question_set_json(made: QuestionSet) -> dict[str, Any]:
    return {**plain(made), "drop_rate": round(made.drop_rate, 3)}


def served_json(served: ServedQuestion) -> dict[str, Any]:
    """What a player may see of a question: never its answer (named field by field, so a
    field added to ServedQuestion is not shown until it is added here)."""
    return {
        "token": served.token,
        "title": served.title,
        "question": served.question,
        "options": list(served.options),
        "time_limit": served.time_limit,
        "category": served.category,
        "difficulty": served.difficulty,
        "points": served.points,
        "mode": served.mode,
        "served_at": served.served_at,
        "source": plain(served.source),
        "notice": served.notice,
    }
