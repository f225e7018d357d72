"""Removing what repeats at the top and bottom of PDF pages: page numbers, running heads, feet."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING

from .cleanup import ends_sentence, is_page_number

if TYPE_CHECKING:
    from .pdflayout import Line

_EDGE_NUMBER = re.compile(r"^(\d{1,4})\b|\b(\d{1,4})$")
_MAX_WORDS = 12


def drop_running_lines(
    pages: list[list[Line]], is_display: Callable[[Line], bool]
) -> list[list[Line]]:
    """Drop edge lines that are page furniture, not content.

    Three signs: a line that is only a page number; a line whose shape (digits aside) recurs at
    the edge of many pages; a line carrying the printed page number, which runs in step with
    the page index ("Chapter 2: Naming 4" on the seventh page). Lines in a display (heading)
    font are kept, and so is a page's last remaining line.
    """
    shapes: Counter[str] = Counter()
    offsets: Counter[int] = Counter()
    for number, lines in enumerate(pages, start=1):
        if len(lines) < 2:
            continue
        edges = [line for line in (lines[0], lines[-1]) if not is_display(line)]
        shapes.update({_shape(line.text) for line in edges})
        found = {_offset(line.text, number) for line in edges}
        offsets.update(offset for offset in found if offset is not None)
    repeated = {
        shape
        for shape, count in shapes.items()
        if count >= max(3, len(pages) * 0.2)
        and len(shape.split()) <= _MAX_WORDS
        and not ends_sentence(shape)
    }
    page_offset = next((o for o, count in offsets.most_common(1) if count >= 3), None)
    kept_pages = []
    for number, lines in enumerate(pages, start=1):
        kept = list(lines)
        for index in (-1, 0):
            if not kept:
                break
            text = kept[index].text
            running = len(kept) > 1 and (
                _shape(text) in repeated
                or (page_offset is not None and _offset(text, number) == page_offset)
            )
            if running or is_page_number(text):
                del kept[index]
        kept_pages.append(kept)
    return kept_pages


def _shape(text: str) -> str:
    return re.sub(r"\d+", "#", text.lower())


def _offset(text: str, page_number: int) -> int | None:
    """Printed number minus page index, for a short line that starts or ends with a number."""
    if len(text.split()) > _MAX_WORDS:
        return None
    match = _EDGE_NUMBER.search(text)
    if match is None:
        return None
    return int(match.group(1) or match.group(2)) - page_number
