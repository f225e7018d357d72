"""Build a lesson plan from the learner's documents, a curated topic, or both."""

from __future__ import annotations

import re

from learnplat.tutors import readability

from ...domain.model import KeyTerm, Level, TopicLevel, TopicRecord
from .analysis import Analysis
from .headings import readable, shown
from .levels import example_sentence, key_terms, select_levels
from .plan import Item, Part, Plan, cited_item, sentence_item
from .text import content_stems, stands_alone

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
OUTLINE_SEPARATOR = " › "
# A heading with the one above it is shown only while it stays this short.
BREADCRUMB_WORDS = 12
# A note sentence this close (shared words) to the topic's own text adds nothing new.
DUPLICATE_OVERLAP = 0.6


def document_plan(
    analysis: Analysis, topic: str, level: Level, focus: str | None = None
) -> Plan:
    """Beginner: the simplest central sentences (those naming ``focus``, the topic the learner
    asked for, first); intermediate: the central sentences under their headings; advanced: every
    heading of the outline with its supporting detail."""
    selection = select_levels(analysis, focus)
    chosen = selection.of(level)
    items = [
        sentence_item(analysis.sentences[i], analysis.chapter_title(analysis.sentences[i]))
        for i in chosen
    ]
    if level == "beginner":
        # The main idea, then one example from the notes (the key terms come with the lesson).
        parts = [Part("The main ideas", tuple(items))]
        example = example_sentence(analysis, chosen, below=selection.intermediate)
        if example is not None:
            sentence = analysis.sentences[example]
            parts.append(Part("An example", (sentence_item(sentence, "An example"),)))
    elif level == "intermediate":
        parts = _runs(items, analysis)
    else:
        parts = _outline(items, analysis)
    return Plan(topic, level, tuple(parts), tuple(key_terms(analysis, level)), analysis=analysis)


def _heading(path: tuple[str, ...], analysis: Analysis, full: bool = False) -> str:
    """The deepest heading of ``path`` that reads as a title; a title above every heading (the
    document's "# Photosynthesis") only when nothing under it does. ``full`` (the advanced
    outline) puts the readable heading above it first: "Enzymes › Further detail"."""
    shared = _shared_prefix(analysis)
    below = path[shared:]
    leaf = shown(below) or shown(path) or "Introduction"
    if not full:
        return leaf
    titles = [title for title in map(readable, below) if title]
    if len(titles) >= 2 and titles[-1] == leaf and titles[-2] != leaf:
        both = f"{titles[-2]}{OUTLINE_SEPARATOR}{leaf}"
        return both if len(both.split()) <= BREADCRUMB_WORDS else leaf
    return leaf


def _shared_prefix(analysis: Analysis) -> int:
    paths = [p for p in analysis.outline if p]
    if len(paths) < 2:
        return 0
    shared = 0
    while all(len(p) > shared and p[shared] == paths[0][shared] for p in paths):
        shared += 1
    return shared


def _runs(items: list[Item], analysis: Analysis) -> list[Part]:
    """Consecutive items under the same heading form one part."""
    runs: list[tuple[tuple[str, ...], list[Item]]] = []
    for item in items:
        path = item.sentence.path if item.sentence else ()
        # A sentence leaning on the one before stays under that one's heading.
        if runs and (runs[-1][0] == path or not stands_alone(item.text)):
            runs[-1][1].append(item)
        else:
            runs.append((path, [item]))
    return _merged([Part(_heading(path, analysis), tuple(run)) for path, run in runs])


def _outline(items: list[Item], analysis: Analysis) -> list[Part]:
    """One part per heading path of the document that has something to teach, in its order."""
    by_path: dict[tuple[str, ...], list[Item]] = {}
    last: tuple[str, ...] | None = None
    for item in items:
        if item.sentence is not None:
            # A sentence leaning on the one before stays under that one's heading.
            path = last if last is not None and not stands_alone(item.text) else item.sentence.path
            by_path.setdefault(path, []).append(item)
            last = path
    paths = [path for path in analysis.outline if path in by_path]
    if () in by_path:
        paths.insert(0, ())
    paths += [path for path in by_path if path not in paths]
    return _merged([Part(_heading(path, analysis, True), tuple(by_path[path])) for path in paths])


def _merged(parts: list[Part]) -> list[Part]:
    """Neighbouring parts shown under the same heading become one."""
    merged: list[Part] = []
    for part in parts:
        if merged and merged[-1].heading == part.heading:
            merged[-1] = Part(part.heading, merged[-1].items + part.items)
        else:
            merged.append(part)
    return merged


def topic_level(record: TopicRecord, level: Level) -> TopicLevel:
    """The record's text for ``level``, or the nearest level it has."""
    order = ["beginner", "intermediate", "advanced"]
    start = order.index(level)
    for distance in range(len(order)):
        for candidate in (start - distance, start + distance):
            if 0 <= candidate < len(order) and order[candidate] in record.levels:
                return record.levels[order[candidate]]
    raise ValueError(f"topic {record.id!r} has no levels")


def topic_parts(record: TopicRecord, level: Level) -> list[Part]:
    """The level's explanation, a part per paragraph, then its example; all cite the library."""
    text = topic_level(record, level)
    citation = record.citation
    parts = []
    for number, paragraph in enumerate(_PARAGRAPH_BREAK.split(text.explanation.strip())):
        items = tuple(
            cited_item(sentence, citation, record.name)
            for sentence in readability.sentences(paragraph)
        )
        if items:
            parts.append(Part(record.name if number == 0 else "", items))
    if text.example.strip():
        parts.append(Part("Example", (cited_item(text.example.strip(), citation, record.name),)))
    return parts


def topic_terms(record: TopicRecord, level: Level) -> list[KeyTerm]:
    citation = record.citation
    return [
        KeyTerm(term.term, term.definition, term.citation or citation)
        for term in topic_level(record, level).key_terms
    ]


def topic_plan(record: TopicRecord, level: Level, analysis: Analysis | None = None) -> Plan:
    """The topic's explanation first; then, when there are notes, what they add (cited)."""
    parts = topic_parts(record, level)
    terms = topic_terms(record, level)
    if analysis is not None and analysis.sentences:
        notes = document_plan(analysis, record.name, level)
        known = [set(content_stems(item.text)) for part in parts for item in part.items]
        for part in notes.parts:
            new = tuple(item for item in part.items if not _repeats(item.text, known))
            if new:
                parts.append(Part(f"From your notes: {part.heading}", new))
        have = {term.term.lower() for term in terms}
        terms += [term for term in notes.key_terms if term.term.lower() not in have]
    return Plan(record.name, level, tuple(parts), tuple(terms), analysis=analysis, record=record)


def _repeats(text: str, known: list[set[str]]) -> bool:
    stems = set(content_stems(text))
    if not stems:
        return True
    return any(len(stems & other) / len(stems | other) >= DUPLICATE_OVERLAP for other in known)
