"""Turn a model's lesson JSON into a Lesson: check its shape per format, keep only cited claims.

The shape (see ``prompts/schema_<format>.txt``)::

    {title, sections: [{heading, paragraphs: [[{sources: [id], text}]]}],
     key_terms: [{term, definition, source?}],
     follow_ups: [str]                                      (chat)
     concept_map: {label, source?, children: [...]}         (visual)
     narration: [{sources: [id], text}]                     (audio)
     chapters: [{title, sections, key_terms, worked_example,
                 exercises: [{question, answer, source?}]}] (ebook, instead of sections)}

Shape errors are Problems (the tutor asks the model to repair them). A claim that cites an
unknown id, or cites nothing when passages were given, is dropped and counted instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...domain.model import (
    Chapter,
    Citation,
    ConceptNode,
    Exercise,
    KeyTerm,
    Lesson,
    LessonRequest,
    NarrationSegment,
    Section,
    Statement,
)
from .checks import Problems, read_list, read_object, read_text
from .jsonscan import Path
from .passages import SourceIndex

WORDS_PER_MINUTE = 150
MAX_MAP_DEPTH = 5


@dataclass
class LessonDraft:
    """What came of one reply: a lesson if its shape was right, the problems, the drop count."""

    lesson: Lesson | None
    problems: list[str]
    dropped: int = 0


class _Reader:
    def __init__(self, index: SourceIndex) -> None:
        self.index = index
        self.problems = Problems()
        self.dropped = 0

    def statement(self, value: Any, path: Path) -> Statement | None:
        item = read_object(value, path, self.problems)
        if item is None:
            return None
        raw_text = read_text(item.get("text"), (*path, "text"), self.problems, required=False)
        if not raw_text:
            return None  # an empty statement says nothing: nothing to keep or report
        text, citations = self.index.cite_text(item.get("sources"), raw_text)
        if citations is None or not text:
            self.dropped += 1
            return None
        return Statement(text, citations)

    def sections(self, value: Any, path: Path) -> list[Section]:
        sections = []
        for number, raw in enumerate(read_list(value, path, self.problems)):
            section = self.section(raw, (*path, number))
            if section is not None:
                sections.append(section)
        return sections

    def section(self, value: Any, path: Path) -> Section | None:
        item = read_object(value, path, self.problems)
        if item is None:
            return None
        heading = read_text(item.get("heading"), (*path, "heading"), self.problems, required=False)
        paragraphs = []
        raw_paragraphs = read_list(item.get("paragraphs"), (*path, "paragraphs"), self.problems)
        for number, raw in enumerate(raw_paragraphs):
            where = (*path, "paragraphs", number)
            if isinstance(raw, dict):
                raw = [raw]  # a paragraph of one statement, written without its list
            statements = [
                self.statement(one, (*where, index))
                for index, one in enumerate(read_list(raw, where, self.problems))
            ]
            kept = tuple(statement for statement in statements if statement is not None)
            if kept:
                paragraphs.append(kept)
        return Section(heading, tuple(paragraphs)) if paragraphs else None

    def key_terms(self, value: Any, path: Path) -> list[KeyTerm]:
        raw_terms = read_list(value, path, self.problems, required=False)
        pairs = [
            self.cited_pair(raw, (*path, n), "term", "definition")
            for n, raw in enumerate(raw_terms)
        ]
        return [KeyTerm(*pair) for pair in pairs if pair is not None]

    def cited_pair(
        self, value: Any, path: Path, head_field: str, body_field: str
    ) -> tuple[str, str, Citation | None] | None:
        """A term and its definition, or a question and its answer, with the body's optional
        "source"; None when incomplete or when it must be dropped for its citation."""
        item = read_object(value, path, self.problems)
        if item is None:
            return None
        head = read_text(item.get(head_field), (*path, head_field), self.problems)
        raw_body = read_text(item.get(body_field), (*path, body_field), self.problems)
        body, citations = self.index.cite_text(item.get("source"), raw_body)
        if not (head and body):
            return None
        if citations is None:
            self.dropped += 1
            return None
        return head, body, citations[0] if citations else None

    def follow_ups(self, value: Any, path: Path) -> list[str]:
        raw = read_list(value, path, self.problems)
        questions = [read_text(one, (*path, n), self.problems) for n, one in enumerate(raw)]
        kept = [question for question in questions if question]
        if isinstance(value, list) and not kept:
            self.problems.add(path, "give at least one follow-up question")
        return kept

    def concept(self, value: Any, path: Path, depth: int = 0) -> ConceptNode | None:
        item = read_object(value, path, self.problems)
        if item is None:
            return None
        if depth >= MAX_MAP_DEPTH:
            self.problems.add(path, f"the concept map is deeper than {MAX_MAP_DEPTH} levels")
            return None
        label = read_text(item.get("label"), (*path, "label"), self.problems)
        raw_children = read_list(
            item.get("children"), (*path, "children"), self.problems, required=False
        )
        children = [
            self.concept(child, (*path, "children", n), depth + 1)
            for n, child in enumerate(raw_children)
        ]
        # A node is a label, not a claim: an unknown source loses its citation, not the node.
        _, citations = self.index.cite_text(item.get("source"), label)
        citation = citations[0] if citations else None
        if not label:
            return None
        return ConceptNode(label, tuple(c for c in children if c is not None), citation)

    def narration(self, value: Any, path: Path) -> list[NarrationSegment]:
        segments: list[NarrationSegment] = []
        words_before = 0
        for number, raw in enumerate(read_list(value, path, self.problems)):
            statement = self.statement(raw, (*path, number))
            if statement is None:
                continue
            start_s = round(words_before * 60 / WORDS_PER_MINUTE, 1)
            segments.append(NarrationSegment(start_s, statement.text))
            words_before += len(statement.text.split())
        return segments

    def chapters(self, value: Any, path: Path) -> list[Chapter]:
        chapters = []
        for number, raw in enumerate(read_list(value, path, self.problems)):
            where = (*path, number)
            item = read_object(raw, where, self.problems)
            if item is None:
                continue
            title = read_text(item.get("title"), (*where, "title"), self.problems)
            sections = self.sections(item.get("sections"), (*where, "sections"))
            terms = self.key_terms(item.get("key_terms"), (*where, "key_terms"))
            example = read_text(
                item.get("worked_example"),
                (*where, "worked_example"),
                self.problems,
                required=False,
            )
            exercises = self.exercises(item.get("exercises"), (*where, "exercises"))
            if sections:
                chapters.append(Chapter(title, tuple(sections), tuple(terms), example, exercises))
        return chapters

    def exercises(self, value: Any, path: Path) -> tuple[Exercise, ...]:
        raw_exercises = read_list(value, path, self.problems, required=False)
        pairs = [
            self.cited_pair(raw, (*path, n), "question", "answer")
            for n, raw in enumerate(raw_exercises)
        ]
        return tuple(Exercise(*pair) for pair in pairs if pair is not None)


def read_lesson(payload: Any, request: LessonRequest, index: SourceIndex) -> LessonDraft:
    """Check ``payload`` against the shape of ``request.format`` and build the Lesson."""
    reader = _Reader(index)
    problems = reader.problems
    root = read_object(payload, (), problems)
    if root is None:
        return LessonDraft(None, problems.messages)
    title = read_text(root.get("title"), ("title",), problems)
    lesson = Lesson(
        topic=request.topic,
        level=request.level,
        format=request.format,
        title=title,
        sections=[],
        key_terms=[],
    )
    if request.format == "ebook":
        lesson.chapters = reader.chapters(root.get("chapters"), ("chapters",))
        glossary: dict[str, KeyTerm] = {}
        for chapter in lesson.chapters:
            for term in chapter.key_terms:
                glossary.setdefault(term.term.lower(), term)
        lesson.key_terms = list(glossary.values())
    else:
        lesson.sections = reader.sections(root.get("sections"), ("sections",))
        lesson.key_terms = reader.key_terms(root.get("key_terms"), ("key_terms",))
    if request.format == "chat":
        lesson.follow_ups = reader.follow_ups(root.get("follow_ups"), ("follow_ups",))
    elif request.format == "visual":
        lesson.concept_map = reader.concept(root.get("concept_map"), ("concept_map",))
    elif request.format == "audio":
        lesson.narration = reader.narration(root.get("narration"), ("narration",))
        if not lesson.narration and not problems:
            problems.add(("narration",), "no narration segment cites a passage id")
    if not lesson.all_sections() and not problems:
        problems.add(
            ("sections",),
            'no statement can be kept: every statement must list in "sources" the ids of '
            'passages that support it (such as "S1"), and only ids that exist',
        )
    return LessonDraft(None if problems else lesson, problems.messages, reader.dropped)
