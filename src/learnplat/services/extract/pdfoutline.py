"""A PDF's outline (bookmarks, or its printed contents) placed on the lines of its pages."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .cleanup import squash
from .mathtext import is_math

if TYPE_CHECKING:
    from .pdflines import Line

# A chapter's label set on its own line above its title: "Chapter 1", "CHAPTER XV", "Part II".
_LABEL = re.compile(
    r"^(?:(?:chapter|chap\.|part|lecture|unit|appendix|book|module|lesson)\s+[\w.]{1,8}"
    r"|[IVXLC]{1,6}\.?|\d{1,3})$",
    re.I,
)
_PREFIX = re.compile(
    r"^(?:(?:chapter|chap\.|part|section|lecture|unit|appendix)\s+)?"
    r"(?:\d{1,3}(?:\.\d{1,3})*\.?|[IVXLC]{1,6}[.:]?|[A-Z][.:])\s+",
    re.I,
)
_WORD = re.compile(r"\W+")
_CONTENTS = re.compile(r"^\s*(?:table of\s+)?contents\W*$", re.I)
_CONTAINED_SHARE = 0.5  # a title found inside a longer line must be at least half of it
_MIN_CONTAINED = 8
_SEARCH_AHEAD = 30  # pages searched after the last placed entry when an entry has no page
_MAX_TITLE_LINES = 3


@dataclass
class OutlineEntry:
    """One bookmark or contents entry: its title, depth (1 = outermost) and target page."""

    title: str
    level: int
    page: int | None = None  # 0-based page index; None: search after the previous entry
    top: float | None = None  # the destination's top on the page, when the bookmark gives it
    has_children: bool = False


@dataclass
class Mark:
    """A heading placed on a page: ``count`` lines from ``index`` (0: a heading inserted there)."""

    index: int
    count: int
    text: str
    level: int


def place_outline(pages: list[list[Line]], entries: list[OutlineEntry]) -> dict[int, list[Mark]]:
    """Find each entry's title among the lines of its page; return the marks per page index.

    A title found on its page (or at the top of the next) marks those lines, with a chapter
    label just above it ("Chapter 1") joined in front. A title not found is inserted as a
    heading where the bookmark points, unless its page has no text left (a boilerplate page) or
    the entry only groups others ("Main Matter"): then it is left out and its children move up
    a level. A "Contents" entry is left out: the contents pages are not content.
    """
    marks: dict[int, list[Mark]] = {}
    taken: set[tuple[int, int]] = set()
    cursor = 0
    groups: list[int] = []  # levels of left-out grouping entries above the current one
    for entry in entries:
        while groups and groups[-1] >= entry.level:
            groups.pop()
        level = entry.level - len(groups)
        forms = _forms(entry.title)
        if not forms or _CONTENTS.match(entry.title):
            continue
        if entry.page is not None:
            # A bookmark's anchor can sit at the foot of the page before its heading.
            candidates: Sequence[int] = (entry.page, entry.page + 1)
        else:
            candidates = range(cursor, min(len(pages), cursor + _SEARCH_AHEAD))
        mark = None
        for page in candidates:
            if 0 <= page < len(pages):
                mark = _find(pages[page], forms, entry, level, page, taken)
                if mark is not None:
                    marks.setdefault(page, []).append(mark)
                    taken.update((page, i) for i in range(mark.index, mark.index + mark.count))
                    cursor = page
                    break
        if mark is not None or entry.page is None or not 0 <= entry.page < len(pages):
            continue
        if entry.has_children:
            groups.append(entry.level)
        elif pages[entry.page]:
            index = _insertion_point(pages[entry.page], entry.top)
            marks.setdefault(entry.page, []).append(Mark(index, 0, entry.title, level))
            cursor = entry.page
    for page_marks in marks.values():
        page_marks.sort(key=lambda mark: (mark.index, mark.count))
    return marks


def title_forms(text: str) -> set[str]:
    """Comparable forms of a title: letters and digits only, with and without its numbering."""
    return _forms(text)


def _forms(text: str) -> set[str]:
    forms = {_norm(text), _norm(_PREFIX.sub("", text, count=1))}
    return {form for form in forms if len(form) >= 3}


def _norm(text: str) -> str:
    return _WORD.sub("", text).lower().replace("_", "")


def _find(
    lines: list[Line],
    forms: set[str],
    entry: OutlineEntry,
    level: int,
    page: int,
    taken: set[tuple[int, int]],
) -> Mark | None:
    start = 0
    if entry.top is not None:
        # The destination points just above the heading; lines above it belong to what precedes.
        start = next(
            (i for i, line in enumerate(lines) if line.y <= entry.top + 2 * (line.size or 10)), 0
        )
    for first in (start, 0) if start else (0,):
        for index in range(first, len(lines)):
            if (page, index) in taken or lines[index].math or is_math(lines[index].text):
                continue
            count = _matches(lines, index, forms)
            if count:
                return _with_label(lines, index, count, level, page, taken)
    return None


def _matches(lines: list[Line], index: int, forms: set[str]) -> int:
    """How many lines from ``index`` spell one of the title's forms (0: they do not)."""
    candidates: set[str] = set()
    for count in range(1, min(_MAX_TITLE_LINES, len(lines) - index) + 1):
        text = lines[index + count - 1].text
        if count == 1:
            candidates = _forms(text) or {_norm(text)}
        else:
            candidates = {candidate + _norm(text) for candidate in candidates}
        if any(_same(candidate, form) for candidate in candidates for form in forms):
            return count
        # A title wrapped over lines: go on only while the lines spell its beginning.
        candidates = {
            candidate
            for candidate in candidates
            if len(candidate) >= 4 and any(form.startswith(candidate) for form in forms)
        }
        if not candidates:
            return 0
    return 0


def _same(candidate: str, form: str) -> bool:
    return candidate == form or (
        len(form) >= _MIN_CONTAINED
        and form in candidate
        and len(form) >= len(candidate) * _CONTAINED_SHARE
    )


def _with_label(
    lines: list[Line], index: int, count: int, level: int, page: int, taken: set[tuple[int, int]]
) -> Mark:
    text = squash(" ".join(line.text for line in lines[index : index + count]))
    if index > 0 and (page, index - 1) not in taken:
        label = lines[index - 1].text
        if _LABEL.match(label):
            return Mark(index - 1, count + 1, f"{label}: {text}", level)
    return Mark(index, count, text, level)


def _insertion_point(lines: list[Line], top: float | None) -> int:
    if top is None:
        return 0
    return next((i for i, line in enumerate(lines) if line.y <= top), len(lines))
