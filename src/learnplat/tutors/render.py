"""Render lessons and answers as Markdown (with citation marks) and concept maps as Mermaid."""

from __future__ import annotations

import re

from ..domain.model import (
    Answer,
    Chapter,
    Citation,
    ConceptNode,
    Lesson,
    NarrationSegment,
    Section,
    Statement,
)


def cite_marks(citations: tuple[Citation, ...]) -> str:
    """Inline citation marks: " [Notes, p. 3; Notes, p. 4]" (empty for uncited glue text)."""
    labels = list(dict.fromkeys(citation.label for citation in citations))
    return f" [{'; '.join(labels)}]" if labels else ""


# A text that stops without its full stop: a list's point quoted in running text ("make sure
# it is an <svg> type", "(range)"); a closing quote after the stop ('sleepy.’') ends it already.
_OPEN_END = re.compile(r"[\w)\]”’\"']\Z")
_CLOSED_QUOTE = re.compile(r"[.!?…][”’\"')\]]+\Z")


def ended(text: str) -> str:
    """``text`` with a full stop where a point of a list left it open, so that points read as
    sentences when quoted one after another; code and tables (several lines) as they are."""
    if "\n" in text or not _OPEN_END.search(text) or _CLOSED_QUOTE.search(text):
        return text
    return text + "."


def statements_markdown(statements: tuple[Statement, ...]) -> str:
    """Sentences with their citation marks; a run of sentences citing the same places carries
    one mark, after its last sentence."""
    marks = [cite_marks(statement.citations) for statement in statements]
    return " ".join(
        ended(statement.text) + ("" if marks[index + 1 : index + 2] == [mark] else mark)
        for index, (statement, mark) in enumerate(zip(statements, marks, strict=True))
    )


def section_markdown(section: Section, depth: int = 2) -> str:
    body = "\n\n".join(statements_markdown(p) for p in section.paragraphs)
    return f"{'#' * depth} {section.heading}\n\n{body}" if section.heading else body


def timestamp(seconds: float) -> str:
    whole = int(seconds)
    return f"[{whole // 60:02d}:{whole % 60:02d}]"


def narration_markdown(segments: list[NarrationSegment]) -> str:
    return "\n\n".join(f"{timestamp(segment.start_s)} {segment.text}" for segment in segments)


def concept_markdown(node: ConceptNode, depth: int = 0) -> str:
    mark = cite_marks((node.citation,)) if node.citation else ""
    lines = [f"{'  ' * depth}- {node.label}{mark}"]
    lines += [concept_markdown(child, depth + 1) for child in node.children]
    return "\n".join(lines)


def chapter_markdown(number: int, chapter: Chapter) -> str:
    parts = [f"## Chapter {number}: {chapter.title}"]
    parts += [section_markdown(section, depth=3) for section in chapter.sections]
    if chapter.key_terms:
        terms = "\n".join(
            f"- **{t.term}**: {t.definition}{cite_marks((t.citation,)) if t.citation else ''}"
            for t in chapter.key_terms
        )
        parts.append(f"### Key terms\n\n{terms}")
    if chapter.worked_example:
        parts.append(f"### Worked example\n\n{chapter.worked_example}")
    if chapter.exercises:
        questions = "\n".join(f"{i}. {e.question}" for i, e in enumerate(chapter.exercises, 1))
        answers = "\n".join(
            f"{i}. {e.answer}{cite_marks((e.citation,)) if e.citation else ''}"
            for i, e in enumerate(chapter.exercises, 1)
        )
        parts.append(f"### Exercises\n\n{questions}\n\n#### Answers\n\n{answers}")
    return "\n\n".join(parts)


def lesson_markdown(lesson: Lesson) -> str:
    """The whole lesson as Markdown, in the shape of its format."""
    parts = [f"# {lesson.title}"]
    parts += [f"> {notice}" for notice in lesson.notices]
    if lesson.format == "audio" and lesson.narration:
        parts.append(narration_markdown(lesson.narration))
    elif lesson.format == "ebook" and lesson.chapters:
        parts += [chapter_markdown(i, c) for i, c in enumerate(lesson.chapters, 1)]
    else:
        parts += [section_markdown(section) for section in lesson.sections]
    if lesson.format == "visual" and lesson.concept_map is not None:
        parts.append("## Concept map\n\n" + concept_markdown(lesson.concept_map))
    if lesson.key_terms and lesson.format != "ebook":
        terms = "\n".join(f"- **{t.term}**: {t.definition}" for t in lesson.key_terms)
        parts.append(f"## Key terms\n\n{terms}")
    if lesson.follow_ups:
        parts.append("## You could ask next\n\n" + "\n".join(f"- {q}" for q in lesson.follow_ups))
    sources = lesson.citations
    if sources:
        listed = "\n".join(f"- {label}" for label in dict.fromkeys(c.label for c in sources))
        parts.append(f"## Sources\n\n{listed}")
    return "\n\n".join(parts) + "\n"


def answer_markdown(answer: Answer) -> str:
    notices = "".join(f"> {notice}\n\n" for notice in answer.notices)
    if not answer.found:
        return notices + answer.text + "\n"
    return notices + statements_markdown(answer.statements) + "\n"


_MERMAID_UNSAFE = re.compile(r"[()\[\]{}\"`<>]")


def mermaid_mindmap(root: ConceptNode) -> str:
    """A Mermaid ``mindmap`` of the concept map (labels stripped of Mermaid's shape brackets)."""
    lines = ["mindmap", f"  root(({_MERMAID_UNSAFE.sub('', root.label)}))"]

    def walk(node: ConceptNode, depth: int) -> None:
        for child in node.children:
            lines.append(f"{'  ' * depth}{_MERMAID_UNSAFE.sub('', child.label)}")
            walk(child, depth + 1)

    walk(root, 2)
    return "\n".join(lines) + "\n"
