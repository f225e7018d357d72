"""Feedback a learner can act on: ideas covered and missed, level, jargon, examples, next step."""

from __future__ import annotations

from dataclasses import dataclass

from ...domain.model import KeyIdea, Level
from ..offline.definitions import term_key
from .contradiction import Contradiction
from .coverage import Coverage
from .relevance import Relevance
from .style import Reading, Structure

MIN_LINES = 3
MAX_LINES = 6
SHOWN_IDEAS = 3
SHOWN_MISSED = 2
SHOWN_CONTRADICTIONS = 2
LABEL_WORDS = 12
SHORT_RATIO = 0.5


@dataclass(frozen=True)
class Findings:
    """Everything the rubric found about one explanation."""

    topic: str
    level: Level
    coverage: Coverage
    relevance: Relevance
    reading: Reading
    structure: Structure
    jargon: tuple[str, ...]
    copied_share: float
    copied: bool
    off_topic: bool
    words: int


def topic_name(topic: str) -> str:
    """A slug reads as words: "supply-and-demand" as "supply and demand"."""
    return topic.replace("-", " ") if "-" in topic and " " not in topic else topic


def label(idea: KeyIdea) -> str:
    """A key term's name ("Stroma: ..." gives Stroma), else the idea's first words, quoted."""
    head, colon, _ = idea.text.partition(":")
    if colon and len(idea.terms) == 1 and term_key(head) == idea.terms[0]:
        return head.strip()
    words = idea.text.rstrip(".").split()
    return '"' + " ".join(words[:LABEL_WORDS]) + ("…" if len(words) > LABEL_WORDS else "") + '"'


def where(idea: KeyIdea) -> str:
    return f" (explained in {idea.citation.label})" if idea.citation else ""


def _listed(labels: list[str], extra: int) -> str:
    text = "; ".join(labels)
    return f"{text} and {extra} more" if extra > 0 else text


def feedback(found: Findings) -> tuple[str, ...]:
    """3-6 lines, most important first."""
    topic = topic_name(found.topic)
    lines: list[str] = []
    if found.off_topic:
        lines.append(f"This does not seem to be about {topic}: little of it matches the topic.")
    if found.copied:
        lines.append(
            f"About {found.copied_share:.0%} of this repeats the reference word for word: "
            "explain it in your own words."
        )
    covered, missed = found.coverage.covered, found.coverage.missed
    total = len(covered) + len(missed)
    if covered:
        shown = [label(idea) for idea in covered[:SHOWN_IDEAS]]
        other = len(found.coverage.by_meaning)
        how = f" ({other} said in other words, matched by meaning)" if other else ""
        lines.append(
            f"You covered {len(covered)} of {total} key ideas{how}: "
            f"{_listed(shown, len(covered) - SHOWN_IDEAS)}."
        )
    elif not found.off_topic:
        lines.append(f"You have not covered the key ideas of {topic} yet.")
    if missed:
        shown = [f"{label(idea)}{where(idea)}" for idea in missed[:SHOWN_MISSED]]
        lines.append(f"You missed: {_listed(shown, len(missed) - SHOWN_MISSED)}.")
    for contradiction in found.relevance.contradictions[:SHOWN_CONTRADICTIONS]:
        lines.append(f"Check {_versus(contradiction)}")
    lines.append(_reading_line(found))
    if found.jargon and found.level != "advanced":
        lines.append(
            f"Jargon without explanation: {', '.join(found.jargon[:4])}. "
            "Say what each means the first time you use it."
        )
    if found.structure.wants_example and not found.structure.has_example:
        lines.append(
            'Add an example: a real case, an everyday comparison ("it\'s like ...") or '
            "numbers worked through."
        )
    if found.structure.length_ratio < SHORT_RATIO and not found.off_topic:
        lines.append(
            f'It is short ({found.words} words): add how the ideas connect, with "because" '
            'and "so".'
        )
    for praise in _praise(found):
        if len(lines) >= MIN_LINES:
            break
        lines.append(praise)
    return tuple(lines[:MAX_LINES])


def _versus(contradiction: Contradiction) -> str:
    """'"the learner's sentence": the reference says "its sentence" (p. 4)'."""
    reference = " ".join(contradiction.reference.split())
    where = f" ({contradiction.where})" if contradiction.where else ""
    return f'"{contradiction.sentence}": the reference says "{reference}"{where}'


def _praise(found: Findings) -> list[str]:
    """What went well, to round out the feedback of a strong explanation."""
    lines = []
    if not found.coverage.missed and found.coverage.covered:
        lines.append("Nothing important is missing.")
    if found.structure.has_example:
        lines.append("Your example makes the idea concrete.")
    if found.structure.connectives:
        lines.append('You link the ideas ("because", "so"), which shows how they fit together.')
    lines.append("Keep the same plain, step-by-step style.")
    return lines


def _reading_line(found: Findings) -> str:
    reading = found.reading
    verdict = {"high": "high", "low": "low", "fits": "right"}[reading.verdict]
    caveat = "" if reading.reliable else " (too short to judge well)"
    article = "an" if found.level[0] in "aeiou" else "a"
    return (
        f"Reading level: grade {reading.grade:.1f}, {verdict} for {article} {found.level} "
        f"explanation{caveat}."
    )


def suggestion(found: Findings) -> str:
    """The one thing to do next, the most useful first."""
    topic = topic_name(found.topic)
    missed = found.coverage.missed
    if found.off_topic:
        return f"Start again on {topic}: say in a sentence or two what it is, then how it works."
    if found.copied:
        return (
            f"Close the notes and explain {topic} in your own words, as if to a friend who "
            "has never heard of it."
        )
    if found.relevance.contradictions:
        return f"Fix {_versus(found.relevance.contradictions[0])}"
    if missed and found.coverage.score < 0.8:
        return f"Add a sentence or two on {label(missed[0])}{where(missed[0])}."
    if found.jargon and found.level != "advanced":
        return f'Explain "{found.jargon[0]}" in plain words the first time you use it.'
    if found.structure.wants_example and not found.structure.has_example:
        return f"Add one concrete example of {topic}, such as a case from everyday life."
    if found.reading.verdict == "high":
        return "Use shorter sentences and everyday words so a newcomer can follow."
    if found.reading.verdict == "low":
        return "Use the precise terms of the topic and link each step to the next."
    if missed:
        return f"Add a sentence on {label(missed[0])}{where(missed[0])}."
    return f"Try explaining {topic} at the next level up."
