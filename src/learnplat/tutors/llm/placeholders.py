"""The example texts of the prompts, which a small model copies instead of writing its own.

Each prompt shows the reply's shape with an example ("A short title for the lesson", "One
sentence, supported by passage S1."). A reply that hands such a text back as its own is not
used: each copied text is named as a problem, so the model is asked to write it from the
passages, and the offline engine answers if it copies again.
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


def copied_examples(payload: Any, problems: Problems, path: Path = ()) -> None:
    """Name as a problem each text of ``payload`` that is one of the prompts' examples."""
    if isinstance(payload, dict):
        for key, value in payload.items():
            if key not in _VALUES:
                copied_examples(value, problems, (*path, key))
    elif isinstance(payload, list):
        for number, value in enumerate(payload):
            copied_examples(value, problems, (*path, number))
    elif isinstance(payload, str) and _normal(payload) in placeholders():
        problems.add(
            path, "this is the example's placeholder text: write your own, from the passages"
        )
