"""A PDF page's lines: one visual line from the pieces PDFium reports, scripts joined in."""

from __future__ import annotations

from dataclasses import dataclass, replace

from .cleanup import squash

# A character is at least this share of its font size wide, on average: the estimate of where a
# piece of text ends, so that only pieces to its right join it.
_CHAR_WIDTH = 0.4
_SAME_BASELINE = 0.6  # baselines closer than this share of the size are one visual line
_SCRIPT = 0.85  # a piece this much smaller than its row is a sub/superscript or a limit
_SCRIPT_REACH = 1.4  # how far (in sizes) a script or a big operator sits from its row's baseline
_OPERATOR_CHARS = 2  # "X", "Z", "∑": a big operator PDFium reports as its own piece
_PUNCTUATION = ".,;:!?"
_STACKED = 0.25  # how far (in sizes) left of a script the one stacked under it may start


@dataclass(slots=True)
class Line:
    """One cleaned text line of a page; geometry is zero where the reader has none (pypdf)."""

    text: str
    x: float = 0.0
    y: float = 0.0  # baseline, in PDF units growing upwards
    size: float = 0.0
    bold: bool = False
    mono: bool = False  # set in a fixed-pitch font: code, kept line by line
    joins: int = 0  # physical lines PDFium merged into this one at line-end hyphens
    math: bool = False  # held private-use glyphs (math fonts) before cleaning

    def fields(self) -> tuple[str, float, float, float, bool, bool, int, bool]:
        """Its fields in order, ``Line(*line.fields())`` being a copy: cheap to send between
        processes."""
        return (self.text, self.x, self.y, self.size, self.bold, self.mono, self.joins, self.math)

    @property
    def end(self) -> float:
        """Estimated x where the text ends."""
        return self.x + len(self.text) * self.size * _CHAR_WIDTH


def merge_rows(lines: list[Line]) -> list[Line]:
    """Join the pieces of one visual line: PDFium reports a superscript, a subscript, a limit under
    a sum sign or text after an inline formula as a line of its own ("R" / "2" / "that acts").

    A piece joins the row before it when it starts to the right of where the previous piece ends
    and sits on the row's baseline, or near it as a smaller script, or next to a big operator.
    """
    if not lines or not lines[0].size:
        return lines
    rows: list[Line] = []
    row: Line | None = None
    previous: Line | None = None
    copied = False
    for line in lines:
        if row is not None and previous is not None and _joins(row, previous, line):
            if not copied:
                # Most rows are one piece, kept as read; a row that grows is a copy.
                row = rows[-1] = replace(row)
                copied = True
            # Punctuation PDFium reports apart (after a raised mark, a script) ends the word.
            gap = "" if line.text.startswith(tuple(_PUNCTUATION)) else " "
            row.text = squash(f"{row.text}{gap}{line.text}")
            row.math = row.math or line.math
            previous = line
            continue
        row, copied = line, False
        rows.append(row)
        previous = line
    return rows


def _joins(row: Line, previous: Line, line: Line) -> bool:
    if not (line.size and previous.size) or line.mono != row.mono:
        return False
    size = max(row.size, line.size)
    baseline = _SAME_BASELINE * size
    if abs(line.y - previous.y) < baseline or abs(line.y - row.y) < baseline:
        # On the row's baseline, or raised or lowered a little as a script ("(a, c" then a
        # prime): any piece that does not start left of the one before (a subscript stacked
        # under a superscript starts where it does). Where a piece ends is only estimated, and
        # the estimate runs long on narrow glyphs ("(a, c", ", z").
        return line.x > previous.x - _STACKED * size
    if line.x < previous.end - 0.5 * previous.size:
        return False
    near = abs(line.y - row.y) < _SCRIPT_REACH * row.size
    scripted = line.size < row.size * _SCRIPT or previous.size < row.size * _SCRIPT
    operator = _operator(line.text) or _operator(previous.text)
    return near and (scripted or operator)


def _operator(text: str) -> bool:
    """A piece that can be a big operator: one or two glyphs, none of them punctuation."""
    return len(text) <= _OPERATOR_CHARS and not any(char in _PUNCTUATION for char in text)
