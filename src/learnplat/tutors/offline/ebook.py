"""The ebook format: chapters with sections, key terms, a worked example and exercises."""

from __future__ import annotations

import re

from ...domain.model import Chapter, Exercise, KeyTerm, Section
from ..render import cite_marks
from .analysis import Analysis
from .exercises import MAX_EXERCISES, MIN_EXERCISES, document_exercises, term_exercise, word_cloze
from .headings import shown
from .plan import Item, Part, Plan, sentence_item
from .plans import topic_level
from .sections import PARAGRAPH_STATEMENTS, paragraphs
from .sentences import Sentence
from .text import EXAMPLE_CUE, content_stems, stands_alone

CHAPTER_TERMS = 5
# A sentence with quantities in it is the next best thing to a worked example.
_NUMBER = re.compile(
    r"\b(?:\d+(?:[.,]\d+)?|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|hundred|"
    r"thousand|million|billion|percent|half|twice)\b",
    re.IGNORECASE,
)
_APPLIED = re.compile(r"\b(?:like an?|this is why|that is why|because|so that|when)\b", re.I)


def chapters(plan: Plan) -> list[Chapter]:
    made: list[Chapter] = []
    if plan.record is not None:
        made += _topic_chapters(plan)
    if plan.analysis is not None and plan.analysis.sentences:
        made += _document_chapters(plan, plan.analysis)
    return made


def _document_chapters(plan: Plan, analysis: Analysis) -> list[Chapter]:
    """One chapter per top-level heading (or topic cluster) of the learner's document."""
    by_chapter: dict[int, list[Item]] = {}
    for item in plan.items:
        if item.sentence is not None:
            by_chapter.setdefault(analysis.chapter_of[item.sentence.index], []).append(item)
    made: list[Chapter] = []
    bodies: set[tuple[str, ...]] = set()
    for number, title in enumerate(analysis.chapter_titles):
        members = analysis.chapter_sentences(number)
        items = by_chapter.get(number) or [
            sentence_item(s, title) for s in _leading(members, analysis, plan.level == "beginner")
        ]
        sections = _sections(items, title)
        body = tuple(s.text for section in sections for p in section.paragraphs for s in p)
        if not body or body in bodies:
            continue  # nothing to teach, or what an earlier chapter teaches word for word
        bodies.add(body)
        made.append(
            Chapter(
                title=title,
                sections=tuple(sections),
                key_terms=tuple(_chapter_terms(members, analysis)),
                worked_example=_worked_example(members, {i.sentence for i in items}),
                exercises=tuple(document_exercises(members, analysis, plan.topic)),
            )
        )
    return made


def _leading(members: list[Sentence], analysis: Analysis, simplest: bool) -> list[Sentence]:
    """A chapter the level skipped still opens with its most central (or simplest) sentence
    that reads on its own; none when no sentence of it does."""
    alone = [s for s in members if stands_alone(s.text)]
    top = sorted(alone, key=lambda s: (-analysis.centrality[s.index], s.index))[:3]
    if not top:
        return []
    return [min(top, key=lambda s: (s.grade, s.index))] if simplest else top[:1]


def _sections(items: list[Item], title: str) -> list[Section]:
    """The chapter's items under their own sub-headings (none for text under the chapter's)."""
    runs: list[Part] = []
    for item in items:
        if not runs and not stands_alone(item.text):
            continue  # what it leans on belongs to the chapter before
        heading = shown(item.sentence.path) if item.sentence else ""
        heading = "" if heading == title else heading
        # A sentence leaning on the one before stays under that one's heading.
        if runs and (runs[-1].heading == heading or not stands_alone(item.text)):
            runs[-1] = Part(runs[-1].heading, (*runs[-1].items, item))
        else:
            runs.append(Part(heading, (item,)))
    return [Section(run.heading, paragraphs(run.items, PARAGRAPH_STATEMENTS)) for run in runs]


def _chapter_terms(members: list[Sentence], analysis: Analysis) -> list[KeyTerm]:
    """The key terms the chapter defines, each with the chapter's own definition."""
    inside = {s.index for s in members}
    found: list[KeyTerm] = []
    for term in analysis.terms:
        defined = next((d for d in term.definitions if d.sentence.index in inside), None)
        if defined is not None:
            found.append(KeyTerm(term.text, defined.sentence.text, defined.sentence.citation))
        if len(found) == CHAPTER_TERMS:
            break
    return found


def _worked_example(members: list[Sentence], taught: set[Sentence | None]) -> str:
    """A "for example" sentence, else one with quantities, else one that applies an idea
    ("like a tiny turbine", "this is why"); one the chapter does not already teach first."""
    for pattern in (EXAMPLE_CUE, _NUMBER, _APPLIED):
        matching = [s for s in members if pattern.search(s.text)]
        if matching:
            chosen = min(matching, key=lambda s: (s in taught, s.index))
            return chosen.text + cite_marks((chosen.citation,))
    return ""


def _topic_chapters(plan: Plan) -> list[Chapter]:
    """A chapter per paragraph of the topic's explanation, with the key terms and curated
    questions that match it, and the level's example in the chapter it fits best."""
    record = plan.record
    assert record is not None
    level = topic_level(record, plan.level)
    explanation = []
    for part in plan.parts:  # the topic's paragraphs come first, then its example, then notes
        if part.heading == "Example" or not part.items or part.items[0].sentence is not None:
            break
        explanation.append(part)
    texts = [" ".join(item.text for item in part.items) for part in explanation]
    example_home = _best_match(level.example, texts)
    homes = [_best_match(f"{q.question} {q.answer}", texts) for q in record.questions]
    made = []
    taken: set[str] = set()
    for number, (part, text) in enumerate(zip(explanation, texts, strict=True)):
        terms = [
            KeyTerm(t.term, t.definition, t.citation or record.citation)
            for t in level.key_terms
            if t.term.lower() in text.lower()
        ]
        exercises = [
            Exercise(q.question, q.answer, record.citation)
            for q, home in zip(record.questions, homes, strict=True)
            if home == number
        ]
        exercises += [term_exercise(term, record.citation) for term in terms]
        for item in part.items:
            if len(exercises) >= MIN_EXERCISES:
                break
            exercises += word_cloze(item.text, record.citation)
        made.append(
            Chapter(
                title=_topic_chapter_title(record.name, number, terms, taken),
                sections=(Section("", paragraphs(part.items, PARAGRAPH_STATEMENTS)),),
                key_terms=tuple(terms),
                worked_example=level.example if number == example_home else _example_in(part),
                exercises=tuple(exercises[:MAX_EXERCISES]),
            )
        )
    return made


def _topic_chapter_title(
    name: str, number: int, terms: list[KeyTerm], taken: set[str]
) -> str:
    """The topic's name, then each paragraph's first key term not already a title."""
    if number == 0:
        title = name
    else:
        fresh = [t.term for t in terms if t.term.lower() not in taken]
        title = fresh[0][:1].upper() + fresh[0][1:] if fresh else f"{name}, part {number + 1}"
    taken.add(title.lower())
    return title


def _example_in(part: Part) -> str:
    for pattern in (EXAMPLE_CUE, _NUMBER):
        for item in part.items:
            if pattern.search(item.text):
                return item.text + cite_marks(item.statement.citations)
    return ""


def _best_match(text: str, candidates: list[str]) -> int:
    """The candidate sharing the most content words with ``text`` (the first on a tie)."""
    words = set(content_stems(text))
    scores = [len(words & set(content_stems(candidate))) for candidate in candidates]
    return max(range(len(scores)), key=lambda i: (scores[i], -i)) if scores else 0
