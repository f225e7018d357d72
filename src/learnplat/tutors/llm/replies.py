"""Find and parse the JSON object in a model's reply, saying what is wrong when there is none."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .jsonscan import Container, JsonScanner, Path


@dataclass(frozen=True)
class ParsedReply:
    """The reply's first JSON object, or the problem to report and whether it was cut off."""

    payload: Any = None
    problem: str | None = None
    cut_off: bool = False


class _Silent:
    """A listener that ignores everything: the scanner is only asked whether the object closed."""

    def opened(self, path: Path, kind: Container) -> None:
        pass

    def closed(self, path: Path, kind: Container) -> None:
        pass

    def string_started(self, path: Path) -> None:
        pass

    def string_text(self, path: Path, text: str) -> None:
        pass

    def string_ended(self, path: Path) -> None:
        pass

    def scalar(self, path: Path, raw: str) -> None:
        pass


def parse_reply(text: str) -> ParsedReply:
    """The first ``{...}`` of ``text``; code fences and words around it are ignored."""
    start = text.find("{")
    if start < 0:
        what = "the reply was empty" if not text.strip() else "the reply contains no JSON object"
        return ParsedReply(problem=what)
    try:
        # strict=False: a raw line break inside a string (small models write them) is kept.
        payload, _ = json.JSONDecoder(strict=False).raw_decode(text, start)
    except json.JSONDecodeError as error:
        scanner = JsonScanner(_Silent())
        scanner.feed(text[start:])
        if not scanner.finished:
            return ParsedReply(
                problem="the JSON ends before the object is complete (the reply was cut off)",
                cut_off=True,
            )
        return ParsedReply(
            problem=f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        )
    return ParsedReply(payload=payload)
