"""Check a model's rubric JSON strictly: the five components as numbers from 0 to 1, idea
numbers that exist, lists of strings, a boolean and the feedback; say what is wrong, and where."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from .checks import Problems, read_list, read_object, read_text
from .jsonscan import Path

COMPONENTS = ("coverage", "accuracy", "structure", "readability", "jargon")
# A model's feedback beyond this many lines is cut, not rejected.
MAX_FEEDBACK = 6


@dataclass(frozen=True)
class Rubric:
    """A model's grade as it gave it: idea numbers are 1-based, as in the prompt."""

    components: dict[str, float]
    covered: tuple[int, ...]
    missed: tuple[int, ...]
    errors: tuple[str, ...]
    jargon: tuple[str, ...]
    has_example: bool
    feedback: tuple[str, ...]
    suggestion: str


def read_rubric(payload: Any, idea_count: int) -> tuple[Rubric | None, list[str]]:
    """The rubric in ``payload`` for a reference of ``idea_count`` key ideas, or the problems."""
    problems = Problems()
    root = read_object(payload, (), problems)
    if root is None:
        return None, problems.messages
    components = _components(root.get("components"), problems)
    covered = _ideas(root.get("covered"), "covered", idea_count, problems)
    missed = _ideas(root.get("missed"), "missed", idea_count, problems)
    for number in sorted(set(covered) & set(missed)):
        problems.add(("missed",), f"idea {number} is also in covered: put it in one list only")
    errors = _texts(root.get("errors"), "errors", problems)
    jargon = _texts(root.get("jargon"), "jargon", problems)
    has_example = root.get("has_example")
    if not isinstance(has_example, bool):
        problems.add(("has_example",), "expected true or false")
    feedback = _texts(root.get("feedback"), "feedback", problems)
    if not feedback and isinstance(root.get("feedback"), list):
        problems.add(("feedback",), "give at least one line of feedback")
    suggestion = read_text(root.get("suggestion"), ("suggestion",), problems)
    if problems:
        return None, problems.messages
    rubric = Rubric(
        components=components,
        covered=covered,
        missed=missed,
        errors=errors,
        jargon=jargon,
        has_example=bool(has_example),
        feedback=feedback[:MAX_FEEDBACK],
        suggestion=suggestion,
    )
    return rubric, []


def _components(value: Any, problems: Problems) -> dict[str, float]:
    scores: dict[str, float] = {}
    found = read_object(value, ("components",), problems)
    if found is None:
        return scores
    for name in COMPONENTS:
        path: Path = ("components", name)
        raw = found.get(name)
        if raw is None:
            problems.add(path, "missing")
        elif not _is_number(raw):
            problems.add(path, "expected a number from 0 to 1")
        elif not 0.0 <= float(raw) <= 1.0:
            problems.add(path, f"{raw} is out of range: give a number from 0 to 1")
        else:
            scores[name] = float(raw)
    return scores


def _is_number(value: Any) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


def _ideas(value: Any, field: str, idea_count: int, problems: Problems) -> tuple[int, ...]:
    """The distinct idea numbers in the list ``field``, in the order given."""
    numbers: list[int] = []
    for index, raw in enumerate(read_list(value, (field,), problems)):
        if isinstance(raw, int) and not isinstance(raw, bool) and 1 <= raw <= idea_count:
            if raw not in numbers:
                numbers.append(raw)
        elif idea_count:
            problems.add((field, index), f"{raw!r} is not a key idea number: use 1 to {idea_count}")
        else:
            problems.add((field, index), "there are no numbered key ideas: leave this list empty")
    return tuple(numbers)


def _texts(value: Any, field: str, problems: Problems) -> tuple[str, ...]:
    """A list of strings; empty strings are skipped, anything else is a problem."""
    texts = []
    for index, raw in enumerate(read_list(value, (field,), problems)):
        if not isinstance(raw, str):
            problems.add((field, index), "expected a string")
            continue
        text = " ".join(raw.split())
        if text:
            texts.append(text)
    return tuple(texts)
