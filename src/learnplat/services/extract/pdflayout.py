"""PDF page lines to blocks: paragraphs from line gaps and shapes, headings from size and shape."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise

from .cleanup import (
    HeadingStack,
    ends_sentence,
    heading_level,
    join_lines,
    looks_like_heading,
    squash,
)
from .model import HEADING, Block, Unit
from .pdfedges import drop_running_lines


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


_BIGGER = 1.12  # a heading font is at least this much larger than body text
_GAP = 1.35  # a baseline step this many times the usual one separates paragraphs
_SHORT = 0.7  # a line shorter than this share of a full line ends a paragraph
_CAPTION = re.compile(r"^(?:fig(?:ure)?|table|source|note)\b", re.I)
_BULLETS = "-*+•◦▪‣–—·"


@dataclass
class _Style:
    body_size: float
    body_bold: bool
    heading_sizes: list[int]

    def is_display(self, line: Line) -> bool:
        """True for a line set in a heading-sized font."""
        return bool(self.body_size and line.size >= self.body_size * _BIGGER)

    def level_for(self, size: float) -> int:
        """Bigger fonts are outer levels; a heading in the body font nests under all of them."""
        rounded = round(size)
        if rounded in self.heading_sizes:
            return self.heading_sizes.index(rounded) + 1
        return len(self.heading_sizes) + 1


def build_pages(pages: list[list[Line]]) -> tuple[list[Unit], list[int]]:
    """Turn each page's lines into a Unit; return the units and the numbers of empty pages."""
    style = _measure(pages)
    pages = drop_running_lines(pages, style.is_display)
    headings = HeadingStack()
    units: list[Unit] = []
    empty: list[int] = []
    for number, lines in enumerate(pages, start=1):
        blocks = _PageReader(lines, style, headings).blocks()
        if blocks:
            units.append(Unit(number, blocks))
        else:
            empty.append(number)
    return units, empty


def _measure(pages: list[list[Line]]) -> _Style:
    sizes: Counter[float] = Counter()
    bold_chars = all_chars = 0
    for lines in pages:
        for line in lines:
            if line.size:
                sizes[round(line.size * 2) / 2] += len(line.text)
                all_chars += len(line.text)
                bold_chars += len(line.text) if line.bold else 0
    body = sizes.most_common(1)[0][0] if sizes else 0.0
    heading_sizes = sorted(
        {
            round(line.size)
            for lines in pages
            for line in lines
            if body and line.size >= body * _BIGGER and looks_like_heading(line.text, 12)
        },
        reverse=True,
    )
    return _Style(body, bold_chars > all_chars / 2, heading_sizes)


class _PageReader:
    """Walks one page's lines, closing paragraphs at gaps and emitting heading blocks."""

    def __init__(self, lines: list[Line], style: _Style, headings: HeadingStack) -> None:
        self.lines = [line for line in lines if line.text]
        self.style = style
        self.headings = headings
        body = [line for line in self.lines if abs(line.size - style.body_size) < 1]
        lengths = sorted(len(line.text) for line in body) or [0]
        self.full_length = lengths[int(len(lengths) * 0.8)]
        # The usual line pitch is the most common baseline step; on a tie the smaller wins, as a
        # short page may have as many paragraph gaps as plain line steps.
        steps = Counter(
            round((a.y - b.y) / (a.joins + 1) * 2) / 2
            for a, b in pairwise(body)
            if a.size and a.y > b.y
        )
        ranked = sorted(steps.items(), key=lambda item: (-item[1], item[0]))
        self.step = ranked[0][0] if ranked else style.body_size * 1.2
        self.output: list[Block] = []
        self.paragraph: list[Line] = []
        self.heading: list[Line] = []

    def blocks(self) -> list[Block]:
        lines = self.lines
        for index, line in enumerate(lines):
            previous = lines[index - 1] if index else None
            following = lines[index + 1] if index + 1 < len(lines) else None
            starts = self._starts_paragraph(previous, line)
            if self._is_heading(line, previous, following, starts):
                self._flush_paragraph()
                if self.heading and not self._continues_heading(self.heading[-1], line):
                    self._flush_heading()
                self.heading.append(line)
                continue
            self._flush_heading()
            if starts:
                self._flush_paragraph()
            self.paragraph.append(line)
        self._flush_heading()
        self._flush_paragraph()
        return self.output

    def _starts_paragraph(self, previous: Line | None, line: Line) -> bool:
        if previous is None:
            return True
        if ends_sentence(previous.text) and len(previous.text) < self.full_length * _SHORT:
            return True
        if not (line.size and previous.size):
            return False
        if abs(line.size - previous.size) >= 1 or line.mono != previous.mono:
            return True
        return self._gap_between(previous, line)

    def _gap_between(self, previous: Line, line: Line) -> bool:
        """True when the baseline step between two lines is wider than a paragraph's."""
        if not (line.size and previous.size):
            return False
        step = (previous.y - line.y) / (previous.joins + 1)
        # A jump upwards is a new column or text box; a tiny one is the same visual line.
        return step < -line.size or step > self.step * _GAP + 0.5

    def _is_heading(
        self, line: Line, previous: Line | None, following: Line | None, starts: bool
    ) -> bool:
        text = line.text
        big = self.style.is_display(line)
        # Cheap exits first: most lines are body text in the middle of a paragraph.
        if not big and (not starts or following is None or len(text) > self.full_length * 0.6):
            return False
        if line.mono or text[0] in _BULLETS or _CAPTION.match(text):
            return False
        if not looks_like_heading(text, 12):
            return False
        if big or following is None:
            return big
        if line.bold and not self.style.body_bold and not following.bold:
            return True
        if not line.size:
            return True  # text only (pypdf): shape and position are all there is
        # Body font: a numbered title after a gap, or any title standing alone between gaps.
        gap_before = previous is None or self._gap_between(previous, line)
        if heading_level(text) is not None:
            return gap_before
        return gap_before and self._gap_between(line, following) and len(text.split()) <= 8

    def _continues_heading(self, last: Line, line: Line) -> bool:
        if not (last.size and line.size) or abs(last.size - line.size) >= 0.5:
            return False
        if heading_level(line.text) is not None:
            return False
        return 0 < last.y - line.y < line.size * 1.6

    def _flush_heading(self) -> None:
        if not self.heading:
            return
        text = squash(" ".join(line.text for line in self.heading))
        first = self.heading[0]
        level = heading_level(text) or (self.style.level_for(first.size) if first.size else 1)
        self.output.append(Block(text, self.headings.push(text, level), HEADING))
        self.heading = []

    def _flush_paragraph(self) -> None:
        if not self.paragraph:
            return
        if all(line.mono for line in self.paragraph):
            text = "\n".join(line.text for line in self.paragraph)
        else:
            text = join_lines([line.text for line in self.paragraph])
        if text:
            self.output.append(Block(text, self.headings.path))
        self.paragraph = []
