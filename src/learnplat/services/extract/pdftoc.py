"""Tables of contents printed on PDF pages: found, taken out of the content, read as an outline."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING

from .cleanup import heading_level, squash
from .pdfoutline import OutlineEntry

if TYPE_CHECKING:
    from .pdflines import Line

_PAGE = r"(?P<page>\d{1,4}|[ivxlcdm]{1,7})"
# "1.2 Sentences . . . . . 6", "X CONIC SECTIONS. . . .103"
_LEADER_ENTRY = re.compile(r"^(?P<title>.*?\S)\s*(?:\.\s?){3,}\s*" + _PAGE + r"$", re.I)
_LEADER_CHARACTERS = re.compile(r"\s*(?:[.·…_]\s?){3,}\s*")
# "1 What is logic? 5", "I THE ABSTRACT NATURE OF MATHEMATICS 1"
_PLAIN_ENTRY = re.compile(r"^(?P<title>.*[^\d\s.,;])\s+" + _PAGE + r"$", re.I)
# A plain entry's page number is its last word: checked first, as most lines end in a word.
_PAGE_WORD = re.compile(_PAGE, re.I)
_TITLE = re.compile(
    r"^(?:\S+\s+)?(?:table of )?(?:contents|content|toc|inhalt|table des matières|índice)\.?$",
    re.I,
)
_CHAPTER_COLUMN = re.compile(
    r"^(?:chap(?:ter)?\.?|page|section)(?:\s+(?:chap(?:ter)?\.?|page))*$", re.I
)
_ROMAN_NUMBERED = re.compile(r"^[IVXLC]{1,6}[.:]?\s+\S")
_ROMAN_DIGITS = frozenset("ivxlcdmIVXLCDM")
_INDENT = 5.0
_ENTRY_SHARE = 0.5
_LEADERS_NEEDED = 5
_ORDERED_SHARE = 0.7


@dataclass
class TocEntry:
    title: str
    level: int | None  # from its numbering ("2.1" -> 2); None when it has none
    printed_page: str
    x: float


@dataclass
class TocPage:
    """A page holding (part of) a table of contents: the span of its lines that is the table."""

    first: int
    last: int  # inclusive
    entries: list[TocEntry]


def find_toc_pages(pages: list[list[Line]]) -> dict[int, TocPage]:
    """Pages (0-based) whose lines are mostly contents entries ending in page numbers.

    A page counts when it has a "Contents" title and three entries, or when half its lines are
    entries with five dot leaders among them, or when it follows such a page and half its lines
    are entries. The printed numbers must mostly rise, which math ellipses ("1, 2, . . . , n")
    and an index ("Abel, 127 / Abscissa, 74") do not.
    """
    found: dict[int, TocPage] = {}
    for index, lines in enumerate(pages):
        page = _toc_page(lines, continues=index - 1 in found)
        if page is not None:
            found[index] = page
    return found


def _toc_page(lines: list[Line], continues: bool) -> TocPage | None:
    if not lines:
        return None
    entries: list[tuple[int, TocEntry, bool]] = []
    titled = None
    for position, line in enumerate(lines):
        text = line.text
        if position < 3 and titled is None and _TITLE.match(text):
            titled = position
            continue
        entry, leader = _entry(text, line.x)
        if entry is not None:
            entries.append((position, entry, leader))
    if not entries:
        return None
    leaders = sum(1 for _, _, leader in entries if leader)
    share = len(entries) / len(lines)
    accepted = (
        (titled is not None and len(entries) >= 3)
        or (leaders >= _LEADERS_NEEDED and share >= _ENTRY_SHARE)
        or (continues and share >= _ENTRY_SHARE)
    )
    if not accepted or not _mostly_rising([entry.printed_page for _, entry, _ in entries]):
        return None
    first = titled if titled is not None else entries[0][0]
    return TocPage(first, entries[-1][0], [entry for _, entry, _ in entries])


def _entry(text: str, x: float) -> tuple[TocEntry | None, bool]:
    if not text[-1].isdigit() and text[-1] not in _ROMAN_DIGITS:
        return None, False  # the cheap test first: an entry ends with its page number
    match = _LEADER_ENTRY.match(text) if ". ." in text or "..." in text else None
    leader = match is not None
    if match is None and _PAGE_WORD.fullmatch(text.rsplit(None, 1)[-1]):
        match = _PLAIN_ENTRY.match(text)
    if match is None or _CHAPTER_COLUMN.match(text):
        return None, False
    title = squash(_LEADER_CHARACTERS.sub(" ", match.group("title"))).strip(" .")
    if not any(char.isalpha() for char in title):
        return None, False
    level = heading_level(title) or (1 if _ROMAN_NUMBERED.match(title) else None)
    return TocEntry(title, level, match.group("page"), x), leader


def _mostly_rising(pages: list[str]) -> bool:
    numbers = [int(page) for page in pages if page.isdigit()]
    if len(numbers) < 2:
        return True
    rising = sum(1 for a, b in pairwise(numbers) if b >= a)
    return rising >= (len(numbers) - 1) * _ORDERED_SHARE


def toc_outline(pages: list[TocPage], page_of: dict[str, int]) -> list[OutlineEntry]:
    """The entries of a printed table of contents as an outline.

    ``page_of`` maps a printed page number (lower case) to its page index; an entry whose page
    it does not know is searched for after the entry before it. An entry without a number is
    nested when it is indented past the last outermost entry ("Practice Exercises").
    """
    outline: list[OutlineEntry] = []
    outer_x: float | None = None
    for page in pages:
        for entry in page.entries:
            level = entry.level
            if level is None:
                level = 2 if outer_x is not None and entry.x > outer_x + _INDENT else 1
            if level == 1:
                outer_x = entry.x
            page_index = page_of.get(entry.printed_page.lower())
            outline.append(OutlineEntry(entry.title, level, page_index))
    return outline
