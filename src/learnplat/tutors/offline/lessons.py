"""Assemble an offline lesson: plan the content for the level, then shape it for the format."""

from __future__ import annotations

from ...domain.model import Lesson, LessonRequest
from .analysis import analyse
from .concepts import concept_map
from .ebook import chapters
from .followups import follow_ups
from .narration import narration
from .plan import Part, Plan, glue_item
from .plans import document_plan, topic_plan
from .sections import chat_sections, sections_of

NOTHING_TO_TEACH = "Your notes have no sentences I can teach from; add notes with more text."


def plan_for(request: LessonRequest) -> Plan:
    """The lesson's content: from the topic (and notes), from the notes alone, or a notice."""
    analysis = analyse(tuple(request.sources)) if request.sources else None
    if request.topic_record is not None:
        return topic_plan(request.topic_record, request.level, analysis)
    if analysis is not None and analysis.sentences:
        return document_plan(analysis, request.topic, request.level, request.focus)
    return Plan(request.topic, request.level, (Part("", (glue_item(NOTHING_TO_TEACH),)),), ())


def build_lesson(request: LessonRequest) -> Lesson:
    plan = plan_for(request)
    format = request.format
    lesson = Lesson(
        topic=request.topic,
        level=request.level,
        format=format,
        title=f"{request.topic} ({request.level})",
        sections=chat_sections(plan) if format == "chat" else sections_of(plan),
        key_terms=list(plan.key_terms),
        provider="offline",
    )
    if not plan.key_terms and plan.analysis is None and plan.record is None:
        lesson.notices.append(NOTHING_TO_TEACH)
    if format == "chat":
        lesson.follow_ups = follow_ups(plan)
    elif format == "visual":
        lesson.concept_map = concept_map(plan)
    elif format == "audio":
        lesson.narration = narration(plan)
    elif format == "ebook":
        lesson.chapters = chapters(plan)
    return lesson
