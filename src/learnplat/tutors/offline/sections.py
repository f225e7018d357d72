"""Turn a plan's parts into lesson sections: paragraphs of statements, short ones for chat."""

from __future__ import annotations

from ...domain.model import Section, Statement
from .plan import Item, Plan
from .text import stands_alone

PARAGRAPH_STATEMENTS = 4
CHAT_PARAGRAPH_STATEMENTS = 2


def paragraphs(items: tuple[Item, ...], size: int) -> tuple[tuple[Statement, ...], ...]:
    """Items in runs of at most ``size``; a new heading path in the source starts a new run."""
    runs: list[list[Item]] = []
    for item in items:
        previous = runs[-1][-1] if runs else None
        same_place = previous is not None and (
            previous.sentence.path if previous.sentence else None
        ) == (item.sentence.path if item.sentence else None)
        # A sentence that leans on the one before stays in its paragraph, however long.
        leans = previous is not None and not stands_alone(item.text)
        if runs and ((same_place and len(runs[-1]) < size) or leans):
            runs[-1].append(item)
        else:
            runs.append([item])
    return tuple(tuple(item.statement for item in run) for run in runs)


def sections_of(plan: Plan, size: int = PARAGRAPH_STATEMENTS) -> list[Section]:
    return [Section(part.heading, paragraphs(part.items, size)) for part in plan.parts]


def opening_line(plan: Plan) -> str:
    """The chat's first line; the same at every level so it never tips the grade order."""
    if plan.record is not None and plan.analysis is not None and plan.analysis.sentences:
        return f"Let's talk about {plan.topic}, then see what your notes add."
    if plan.record is not None:
        return f"Let's talk about {plan.topic}."
    return f"Let's go through {plan.topic}, using your notes."


def chat_sections(plan: Plan) -> list[Section]:
    """An opening line, then the explanation in short paragraphs."""
    opening = Section("", ((Statement(opening_line(plan)),),))
    return [opening, *sections_of(plan, CHAT_PARAGRAPH_STATEMENTS)]
