"""Footnote marks glued to a word in a PDF page's text ("spaceb", "observable19"): where to look.

PDFium gives a raised footnote mark as the next characters of the word it follows. Asking PDFium
the size and baseline of every character would cost more than reading the page, so the text
alone first names the few places worth asking about: a page whose footnotes start with a mark
("19Meaning that …", "aSee …") can have that mark glued to an ordinary word of its text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .mathtext import PRIVATE_USE

# A line that may start a footnote, with its mark: "19Meaning …", "6" then "δij is …", "aSee …",
# "*Note …". A lowercase letter counts only glued to a capitalised word, as formulas start lines
# with letters.
_FOOTNOTE_LINE = re.compile(r"\n(?:(\d{1,3})(?!\d)|([a-z])(?=[A-Z][a-z])|([*†‡]{1,3}))")
_MARK_CHARS = "*†‡"
_CLOSING = frozenset(".,;:!?)")
# TeX sets these operator names upright, like words, and they take exponents: sin²θ.
_OPERATORS = frozenset(
    "sin cos tan cot sec csc sinh cosh tanh coth arcsin arccos arctan log exp lim sup inf max "
    "min det dim ker deg arg gcd lcm hom".split()
)
_STEM = 3  # the word before a mark has at least this many letters
_SMALLER = 0.85  # a mark's type is at most this share of its word's
_RAISED = 0.2  # a mark's baseline is at least this share of its word's size above the word's


@dataclass(slots=True)
class MarkState:
    """What one document has shown so far: a box's footnote ("a…") may sit on the next page."""

    letters: set[str] = field(default_factory=set)


def glued_marks(text: str, state: MarkState) -> list[tuple[int, int]]:
    """The (start, end) spans of ``text`` that may be a footnote mark glued to the word before:
    a mark the page's footnotes use (or, for a letter, one the document's footnotes used), right
    after an ordinary word of 3+ letters and before a space, punctuation or the end."""
    if "\n" not in text:
        return []
    marks: set[str] = set()
    for number, letter, symbol in _FOOTNOTE_LINE.findall(text):
        if letter:
            state.letters.add(letter)
        else:
            marks.add(number or symbol)
    marks |= state.letters
    spans: list[tuple[int, int]] = []
    for mark in marks:
        start = text.find(mark)
        while start != -1:
            end = start + len(mark)
            if _glued(text, start, end):
                spans.append((start, end))
            start = text.find(mark, end)
    spans.sort()
    return spans


def _glued(text: str, start: int, end: int) -> bool:
    after = text[end : end + 1]
    if after and (after.isalnum() or after in _MARK_CHARS):
        return False
    word_start = start
    while word_start > 0 and "a" <= text[word_start - 1] <= "z":
        word_start -= 1
    if word_start > 0 and "A" <= text[word_start - 1] <= "Z":
        word_start -= 1
    if start - word_start < _STEM:
        return False
    before = text[word_start - 1 : word_start]
    if before and (before.isalnum() or before in "_\\"):
        return False
    if text[word_start:start].lower() in _OPERATORS:
        return False
    # Inside a formula (math fonts' private-use glyphs on the line) a raised figure is math.
    line = text[text.rfind("\n", 0, start) + 1 : text.find("\r", end) % (len(text) + 1)]
    return PRIVATE_USE.search(line) is None


def raised(
    size: Callable[[int], float], baseline: Callable[[int], float | None], start: int, end: int
) -> bool:
    """Whether characters ``start`` to ``end`` are set smaller than the one before them and
    above its baseline: a mark, not letters of the word (``baseline`` is None when unknown)."""
    word_size, word_y = size(start - 1), baseline(start - 1)
    if word_size <= 0 or word_y is None:
        return False
    for index in range(start, end):
        mark_y = baseline(index)
        if size(index) > word_size * _SMALLER or mark_y is None:
            return False
        if mark_y < word_y + word_size * _RAISED:
            return False
    return True


def without_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` without the given (start, end) spans, which are sorted and do not overlap, nor
    the space PDFium set between a mark and the punctuation after it ("orthogonala ." reads
    "orthogonal.")."""
    pieces, position = [], 0
    for start, end in spans:
        pieces.append(text[position:start])
        position = end
        if text[end : end + 1] == " " and text[end + 1 : end + 2] in _CLOSING:
            position = end + 1
    pieces.append(text[position:])
    return "".join(pieces)
