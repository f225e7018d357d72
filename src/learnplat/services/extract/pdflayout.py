"""One PDF page's lines to blocks: paragraphs from gaps and shapes, headings, lists, code, math."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from itertools import pairwise

from .cleanup import (
    HeadingStack,
    ends_sentence,
    heading_level,
    is_caption,
    is_figure_label,
    is_list_item,
    join_lines,
    looks_like_heading,
    squash,
)
from .markup import code_blocks, list_blocks, math_block
from .mathtext import is_math
from .model import CAPTION, CODE, HEADING, LIST, MATH, PARAGRAPH, Block
from .pdflines import Line
from .pdfoutline import Mark

_BIGGER = 1.12  # a heading font is at least this much larger than body text
_GAP = 1.35  # a baseline step this many times the usual one separates paragraphs
_SHORT = 0.7  # a line shorter than this share of a full line ends a paragraph
_CAPTION = re.compile(r"^(?:fig(?:ure)?|table|source|note)\b", re.I)
_BULLETS = "-*+•◦▪‣–—·"
_TAIL_CHARS = 6
_WRAPPED = 0.6  # a line this long (as a share of a full one) may have wrapped onto the next
_FOOTNOTE_MARK = re.compile(r"(?<=[^\W\d])(\d{1,2}|[*†‡])$")
# A footnote's own mark, set before its first word in the small type: "aNotice that …", "12Here".
_LEADING_MARK = re.compile(r"^(?:[a-h]|\d{1,2}|[*†‡])(?=[A-Z][a-z]+\b)")
_FOOTNOTE_SIZE = 0.9  # a line this much smaller than the body text may be a footnote
_FLUSH = 2.0
_OPEN_ENDINGS = frozenset(
    "a an the and or but of to in on at by for with from as is are was then than that which".split()
)  # lines starting this close (in points) share a left edge
# Display mathematics worth keeping has an operator or a Greek letter; a row of bare numbers or
# single letters is the labels of a diagram.
_FORMULA = re.compile(r"[=<>≤≥≠≈≡∈∉⊂⊆→←↔⇒⇔∀∃∑∏∫√±×÷∂∇∞⟨⟩+−^|α-ωΑ-Ω]")


@dataclass
class Style:
    """The document's type sizes: body text, and the larger sizes its headings use."""

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


def measure(pages: list[list[Line]]) -> Style:
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
            if body
            and line.size >= body * _BIGGER
            and looks_like_heading(line.text, 12)
            and not is_math(line.text)
        },
        reverse=True,
    )
    return Style(body, bold_chars > all_chars / 2, heading_sizes)


@dataclass
class Headings:
    """How a page finds its headings: placed marks, and whether (and how deep) to guess more."""

    stack: HeadingStack
    guess: bool = True  # look for headings by size and shape
    # With an outline, a heading found by its shape nests below all of the outline's levels.
    guessed_level: int | None = None


class PageReader:
    """Walks one page's lines, closing paragraphs at gaps and emitting typed blocks."""

    def __init__(
        self, lines: list[Line], style: Style, headings: Headings, marks: list[Mark] | None = None
    ) -> None:
        self.lines = _without_leading_marks([line for line in lines if line.text], style)
        self.style = style
        self.headings = headings
        self.marks = {mark.index: mark for mark in marks or []}
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
        self.formula: list[str] = []

    def blocks(self) -> list[Block]:
        lines = self.lines
        skip = 0
        for index, line in enumerate(lines):
            mark = self.marks.get(index)
            if mark is not None:
                self._flush()
                self._push_heading(mark.text, mark.level)
                skip = max(skip, mark.count)
            if skip:
                skip -= 1
                continue
            if (
                not line.mono
                and (line.math or is_math(line.text))
                and line.text[0] not in _BULLETS
                and not is_list_item(line.text)
                and not self._tail(line)
            ):
                self._flush_paragraph()
                self._flush_heading()
                self.formula.append(line.text)
                continue
            if self.formula:
                self._flush_formula()
            previous = lines[index - 1] if index else None
            following = lines[index + 1] if index + 1 < len(lines) else None
            starts = self._starts_paragraph(previous, line)
            if self._is_heading(line, previous, following, starts):
                self._flush_paragraph()
                if self.heading and not self._continues_heading(self.heading[-1], line):
                    self._flush_heading()
                self.heading.append(line)
                continue
            if self.heading:
                self._flush_heading()
            if starts:
                self._flush_paragraph()
            self.paragraph.append(line)
        trailing = self.marks.get(len(lines))
        self._flush()
        if trailing is not None:
            self._push_heading(trailing.text, trailing.level)
        return _around_figures(self.output)

    def _tail(self, line: Line) -> bool:
        """True for a line of symbols that goes on with the sentence before it: a short scrap
        that wrapped ("in H."), or inline math set flush with the paragraph's lines. Display
        math stands apart: after a gap, or indented, or after a finished sentence."""
        if not self.paragraph or line.math:
            return False
        previous = self.paragraph[-1]
        if ends_sentence(previous.text) or self._gap_between(previous, line):
            return False
        if len(previous.text) < self.full_length * _WRAPPED:
            return False  # the line before did not run to the margin: nothing wrapped
        if line.size and previous.size and abs(line.size - previous.size) >= 1:
            return False
        flush = not line.size or abs(line.x - previous.x) < _FLUSH
        return len(line.text) <= _TAIL_CHARS or flush

    def _flush(self) -> None:
        self._flush_heading()
        self._flush_paragraph()
        self._flush_formula()

    def _starts_paragraph(self, previous: Line | None, line: Line) -> bool:
        if previous is None:
            return True
        if len(previous.text) < self.full_length * _SHORT and ends_sentence(previous.text):
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
        if not self.headings.guess:
            return False
        text = line.text
        big = self.style.is_display(line)
        # Cheap exits first: most lines are body text in the middle of a paragraph.
        if not big and (not starts or following is None or len(text) > self.full_length * 0.6):
            return False
        if line.mono or text[0] in _BULLETS or _CAPTION.match(text):
            return False
        if not looks_like_heading(text, 12) or not _ends_like_title(text) or is_math(text):
            return False
        if self.headings.guessed_level is not None and not (
            line.bold or heading_level(text) is not None
        ):
            # Below an outline, only bold or numbered titles: a larger font alone is as often
            # the label of a figure.
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

    def _push_heading(self, text: str, level: int, placed: bool = True) -> None:
        if placed and self.headings.guessed_level is not None:
            # Front matter (a title page, a preface) comes before the outline's first entry:
            # headings are guessed only from there on.
            self.headings.guess = True
        self.output.append(Block(text, self.headings.stack.push(text, level), HEADING))

    def _flush_heading(self) -> None:
        if not self.heading:
            return
        first = self.heading[0]
        text = squash(" ".join(line.text for line in self.heading))
        text = without_footnote_mark(text, first.size, self.lines)
        level = self.headings.guessed_level or heading_level(text)
        if level is None:
            level = self.style.level_for(first.size) if first.size else 1
        self._push_heading(text, level, placed=False)
        self.heading = []

    def _flush_formula(self) -> None:
        if not self.formula:
            return
        text = squash(" ".join(self.formula))
        self.formula = []
        if _FORMULA.search(text):
            self.output.append(Block(math_block(text), self.headings.stack.path, MATH))

    def _flush_paragraph(self) -> None:
        if not self.paragraph:
            return
        lines = self.paragraph
        self.paragraph = []
        path = self.headings.stack.path
        if all(line.mono and not self.style.is_display(line) for line in lines):
            self.output.extend(
                Block(text, path, CODE) for text in code_blocks([line.text for line in lines])
            )
            return
        text = join_lines([line.text for line in lines])
        if not text:
            return
        items = text.split("\n")
        if not (is_list_item(text) or text[0] in _BULLETS):
            # Prose first, then the list items that followed it without a gap.
            lead = items.pop(0)
            self.output.append(Block(lead, path, CAPTION if is_caption(lead) else PARAGRAPH))
        if items:
            # Items a gap apart are one list all the same.
            if (
                self.output
                and self.output[-1].kind == LIST
                and self.output[-1].heading_path == path
            ):
                items = self.output.pop().text.split("\n") + items
            self.output.extend(Block(item, path, LIST) for item in list_blocks(items))


def _around_figures(blocks: list[Block]) -> list[Block]:
    """A sentence a figure's label or caption cut in two ("... a magnitude and" / "Fig. 6." /
    "a direction is called a vector.") is one paragraph again, the figure after it."""
    out: list[Block] = []
    index = 0
    while index < len(blocks):
        block = blocks[index]
        label, rest = blocks[index + 1 : index + 2], blocks[index + 2 : index + 3]
        if (
            label
            and rest
            and block.kind == PARAGRAPH
            and rest[0].kind == PARAGRAPH
            and rest[0].heading_path == block.heading_path
            and not ends_sentence(block.text)
            and rest[0].text[:1].islower()
            and (label[0].kind == CAPTION or is_figure_label(label[0].text))
        ):
            joined = join_lines([block.text, rest[0].text])
            out += [Block(joined, block.heading_path, PARAGRAPH), label[0]]
            index += 3
            continue
        out.append(block)
        index += 1
    return out


def _without_leading_marks(lines: list[Line], style: Style) -> list[Line]:
    """Footnotes without the mark glued to their first word ("aNotice that …" -> "Notice that
    …"): a footnote starts in a type smaller than the body's, where the type turns smaller or
    after a finished sentence."""
    kept: list[Line] = []
    for line in lines:
        footnote = line.size and line.size < style.body_size * _FOOTNOTE_SIZE
        before = kept[-1] if kept else None
        if footnote and (
            before is None or abs(before.size - line.size) >= 1 or ends_sentence(before.text)
        ):
            text = _LEADING_MARK.sub("", line.text, count=1)
            line = replace(line, text=text) if text != line.text else line
        kept.append(line)
    return kept


def without_footnote_mark(title: str, size: float, lines: list[Line]) -> str:
    """ "Advanced Quantum Mechanics1" -> "Advanced Quantum Mechanics", when the page has the
    footnote "1Based on …" in a smaller type."""
    match = _FOOTNOTE_MARK.search(title)
    if match is None:
        return title
    mark = match.group(1)
    for line in lines:
        if line.size < size * 0.9 and line.text.startswith(mark) and line.text != mark:
            rest = line.text[len(mark) :].lstrip()
            if rest[:1].isalpha():
                return title[: match.start()].rstrip()
    return title


def _ends_like_title(text: str) -> bool:
    """A title does not end inside a sentence: no final comma, quoted full stop or "then"."""
    bare = text.rstrip("\"'”’)")
    if bare.endswith((",", ";")) or (bare != text and bare.endswith(".")):
        return False
    return text.split()[-1].lower() not in _OPEN_ENDINGS
