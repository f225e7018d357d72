"""Project Gutenberg's header and licence: found by their markers, kept out of the content."""

from __future__ import annotations

import re
from collections.abc import Sequence

_START = re.compile(
    r"^\W*\*{3}\s*START\s+OF\s+(?:THE|THIS)\s+PROJECT\s+GUTENBERG"
    r"|^\W*\*END\*\s*THE SMALL PRINT",
    re.I,
)
_END = re.compile(
    r"^\W*\*{3}\s*END\s+OF\s+(?:THE|THIS)\s+PROJECT\s+GUTENBERG"
    r"|^\W*End\s+of\s+(?:the\s+|this\s+)?Project\s+Gutenberg",
    re.I,
)
_HEADER_LINES = 1500  # the old "small print" headers run to a few hundred lines


def gutenberg_span(lines: Sequence[str]) -> tuple[int, int]:
    """The (first, end) line indexes of the book between Project Gutenberg's header and its
    closing licence; (0, len(lines)) when the text carries neither marker."""
    start = 0
    for index, line in enumerate(lines[:_HEADER_LINES]):
        if "*" in line and _START.match(line):
            start = index + 1
            break
    end = len(lines)
    for index in range(start, len(lines)):
        line = lines[index]
        if ("nd" in line or "ND" in line) and _END.match(line):
            end = index
            break
    return start, end
