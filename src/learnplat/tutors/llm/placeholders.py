"""The example texts of the prompts, which a small model copies instead of writing its own.

Each prompt shows the reply's shape with an example ("A short title for the lesson", "One
sentence, supported by passage S1."). Copied text never reaches the learner: an item of a list
that holds it (a sentence, a key term, a follow-up, a question, a feedback line) is left out and
counted, like a sentence that cites nothing; a heading is left blank; any other field (a title, a
suggestion) is a problem, so the model is asked to write it from the passages, and the offline
engine answers if it copies again.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

from .checks import Problems
from .jsonscan import Path
from .prompting import template

# The prompt files that hold an example reply.
EXAMPLES = (
    "schema_chat",
    "schema_visual",
    "schema_audio",
    "schema_ebook",
    "answer_user",
    "quiz_user",
    "grade_user",
)
# Fields whose example values are real values a reply may well repeat ("S1", "beginner").
_VALUES = frozenset({"sources", "source", "difficulty"})
_WORD = re.compile(r"[^\W_]+")
# Fields that may stay empty: a copied one is blanked rather than sent back.
_BLANKABLE = frozenset({"heading", "explanation", "worked_example"})


def _normal(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def _strings(node: Any, key: str | None = None) -> list[str]:
    if isinstance(node, dict):
        return [text for k, value in node.items() for text in _strings(value, k)]
    if isinstance(node, list):
        return [text for value in node for text in _strings(value, key)]
    if isinstance(node, str) and key not in _VALUES:
        return [node]
    return []


@cache
def placeholders() -> frozenset[str]:
    """Every example text of two words or more, normalised (lower case, words only)."""
    found: set[str] = set()
    for name in EXAMPLES:
        text = template(name)
        payload, _ = json.JSONDecoder().raw_decode(text, text.index("{\n"))
        found.update(_normal(value) for value in _strings(payload))
    return frozenset(text for text in found if len(text.split()) >= 2)


def _leaf(value: dict[str, Any]) -> bool:
    """An item made of text only (a sentence, a key term, a question), not a container (a
    section, a chapter, a concept with children)."""
    return not any(
        isinstance(item, dict)
        or (isinstance(item, list) and any(isinstance(inner, dict | list) for inner in item))
        for item in value.values()
    )


def _copied(value: Any) -> bool:
    """Whether a list item is, or holds, an example text: then it is left out whole."""
    if isinstance(value, str):
        return _normal(value) in placeholders()
    if isinstance(value, dict) and _leaf(value):
        return any(
            isinstance(item, str) and _copied(item)
            for key, item in value.items()
            if key not in _VALUES and key not in _BLANKABLE
        )
    return False


def strip_copied(payload: Any, problems: Problems, path: Path = ()) -> tuple[Any, int]:
    """``payload`` without the prompts' example texts, and how many list items were left out;
    a copied field that cannot be left out is named in ``problems``."""
    if isinstance(payload, list):
        kept, removed = [], 0
        for number, item in enumerate(payload):
            if _copied(item):
                removed += 1
                continue
            cleaned, inner = strip_copied(item, problems, (*path, number))
            kept.append(cleaned)
            removed += inner
        return kept, removed
    if isinstance(payload, dict):
        out: dict[str, Any] = {}
        removed = 0
        for key, value in payload.items():
            if key in _VALUES:
                out[key] = value
            elif isinstance(value, str) and _copied(value):
                if key not in _BLANKABLE:
                    problems.add(
                        (*path, key),
                        "this is the example's placeholder text: write your own, from the passages",
                    )
                out[key] = ""
            else:
                out[key], inner = strip_copied(value, problems, (*path, key))
                removed += inner
        return out, removed
    return payload, 0
