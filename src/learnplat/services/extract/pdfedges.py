"""Removing what repeats at the top and bottom of PDF pages: page numbers, running heads, feet."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .cleanup import ends_sentence, is_page_number

if TYPE_CHECKING:
    from .pdflines import Line

_EDGE_NUMBER = re.compile(r"^(\d{1,4})\b|\b(\d{1,4})$")
_DIGITS = re.compile(r"\d+")
_MAX_WORDS = 12
_EDGE_LINES = 2  # lines looked at on each edge: a navigation bar can sit above a running head
_REPEATED_SHARE = 0.2
_SENTENCE_SHARE = 0.5  # a line ending like a sentence must repeat on half the pages


@dataclass
class Edges:
    """The pages without their furniture, and what the printed page numbers told."""

    pages: list[list[Line]]
    # Printed number minus page index where running heads or feet carry the page number, and
    # the first page that showed it; None when the numbers were not found on three pages.
    offset: int | None = None
    first_numbered: int = 0


def drop_running_lines(pages: list[list[Line]], is_display: Callable[[Line], bool]) -> Edges:
    """Drop edge lines that are page furniture, not content.

    Three signs: a line that is only a page number; a line whose shape (digits aside) recurs at
    the edge of many pages (a running head, alternating verso/recto heads, a slide deck's
    navigation bar); a line carrying the printed page number, which runs in step with the page
    index ("Chapter 2: Naming 4" on the seventh page). Lines in a display (heading) font are
    kept, and so is a page's last remaining line.
    """
    shapes: Counter[str] = Counter()
    offsets: Counter[int] = Counter()
    first_seen: dict[int, int] = {}
    for number, lines in enumerate(pages, start=1):
        if len(lines) < 2:
            continue
        edges = [line for line in _edge_lines(lines) if not is_display(line)]
        shapes.update({_shape(line.text) for line in edges})
        for offset in {_offset(line.text, number) for line in edges}:
            if offset is not None:
                offsets[offset] += 1
                first_seen.setdefault(offset, number)
    least = max(3, len(pages) * _REPEATED_SHARE)
    repeated = {
        shape
        for shape, count in shapes.items()
        if count >= least
        and len(shape.split()) <= _MAX_WORDS
        and (not ends_sentence(shape) or count >= max(3, len(pages) * _SENTENCE_SHARE))
    }
    page_offset = next((o for o, count in offsets.most_common(1) if count >= 3), None)
    kept_pages = [
        _trim(lines, number, repeated, page_offset, is_display)
        for number, lines in enumerate(pages, start=1)
    ]
    first = first_seen.get(page_offset, 0) if page_offset is not None else 0
    return Edges(kept_pages, page_offset, first)


def _edge_lines(lines: list[Line]) -> list[Line]:
    if len(lines) <= 2 * _EDGE_LINES:
        return lines
    return lines[:_EDGE_LINES] + lines[-_EDGE_LINES:]


def _trim(
    lines: list[Line],
    number: int,
    repeated: set[str],
    page_offset: int | None,
    is_display: Callable[[Line], bool],
) -> list[Line]:
    kept = list(lines)
    for index in (-1, 0):
        for depth in range(_EDGE_LINES):
            if not kept:
                break
            line = kept[index]
            running = (
                len(kept) > 1
                and not is_display(line)
                and (
                    _shape(line.text) in repeated
                    or (page_offset is not None and _offset(line.text, number) == page_offset)
                )
            )
            if running or (depth == 0 and is_page_number(line.text)):
                del kept[index]
            else:
                break
    return kept


def _shape(text: str) -> str:
    return _DIGITS.sub("#", text.lower())


def _offset(text: str, page_number: int) -> int | None:
    """Printed number minus page index, for a short line that starts or ends with a number."""
    if len(text.split()) > _MAX_WORDS:
        return None
    match = _EDGE_NUMBER.search(text)
    if match is None:
        return None
    return int(match.group(1) or match.group(2)) - page_number
