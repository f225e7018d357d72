"""A whole PDF to units: boilerplate, page furniture, contents pages, outline, slides, labels."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .boilerplate import gutenberg_span
from .cleanup import HeadingStack, heading_level, squash
from .mathtext import is_math
from .model import HEADING, Unit
from .pdfedges import Edges, drop_running_lines
from .pdflayout import Headings, PageReader, Style, measure, without_footnote_mark
from .pdflines import Line, merge_rows
from .pdfoutline import Mark, OutlineEntry, place_outline, title_forms
from .pdftoc import find_toc_pages, toc_outline

_DECK_SHARE = 0.6  # landscape pages, as a share of all, that make a slide deck
_DECK_WORDS = 120  # ... when they hold fewer words than this on average
_CONTENTS_SLIDE = re.compile(
    r"^(?:plan|outline|contents|table of contents|agenda|overview|roadmap)$", re.I
)
_SLIDE_CONTENTS_SHARE = 0.7
_TITLE_LINES = 3  # a slide's title is among its first lines
_GENERIC_TITLES = frozenset(
    "contents|table of contents|abstract|preface|introduction|foreword|acknowledgements|"
    "acknowledgments|index|references|bibliography|appendix|summary|overview".split("|")
)
_MAX_TITLE_WORDS = 15
_GLUED_NUMBER = re.compile(r"^\d{1,3}(?=[A-Z][a-z])")


@dataclass
class PdfSource:
    """What the PDF reader found: each page's lines and the document's own structure."""

    pages: list[list[Line]]
    title: str = ""
    outline: list[OutlineEntry] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)  # printed page labels, "" where none
    landscape: int = 0  # pages wider than tall
    pictures: set[int] = field(default_factory=set)  # textless pages (1-based) showing images
    deck: bool = False  # the producer makes slides (Beamer, Keynote, PowerPoint)


@dataclass
class PdfDocument:
    units: list[Unit]
    pictures: list[int]  # pages with pictures but no text: scans, as far as anyone can tell
    title: str


def build_document(source: PdfSource) -> PdfDocument:
    """Turn the pages' lines into units of blocks, the document's structure recovered."""
    raw = [merge_rows(lines) for lines in source.pages]
    style = measure(raw)
    edges = drop_running_lines(_without_gutenberg(raw), style.is_display)
    tocs = find_toc_pages(edges.pages)
    pages = [
        lines[: tocs[index].first] + lines[tocs[index].last + 1 :] if index in tocs else lines
        for index, lines in enumerate(edges.pages)
    ]
    labels = _labels(source.labels, edges, len(pages))
    outline = source.outline or toc_outline(
        list(tocs.values()), _page_finder(source.labels, edges, len(pages))
    )
    marks = place_outline(pages, outline) if outline else {}
    depth = max((entry.level for entry in outline), default=0)
    deck = source.deck or _looks_like_slides(source, pages)
    skipped: set[int] = set()
    if deck:
        skipped = _contents_slides(pages, outline)
        _mark_slide_titles(pages, marks, style, depth + 1)
    headings = Headings(HeadingStack(), not deck and not outline, depth + 1 if outline else None)
    if deck:
        headings.guessed_level = None
    units = []
    for index, lines in enumerate(pages):
        if index in skipped:
            continue
        blocks = PageReader(lines, style, headings, marks.get(index)).blocks()
        # A page of headings alone (a part title, a section-divider slide) teaches nothing;
        # its headings still head the pages after it.
        if any(not block.is_heading for block in blocks):
            units.append(Unit(index + 1, blocks, labels[index]))
    if deck:
        units = _without_build_steps(units)
    title = source.title or guess_title(raw, style)
    return PdfDocument(units, sorted(source.pictures), title)


def _without_gutenberg(pages: list[list[Line]]) -> list[list[Line]]:
    """Drop Project Gutenberg's header page and closing licence, when the PDF carries them."""
    opening = " ".join(line.text for lines in pages[:3] for line in lines)
    if "gutenberg" not in opening.lower():
        return pages
    places = [(page, index) for page, lines in enumerate(pages) for index in range(len(lines))]
    start, end = gutenberg_span([pages[page][index].text for page, index in places])
    kept: list[list[Line]] = [[] for _ in pages]
    for page, index in places[start:end]:
        kept[page].append(pages[page][index])
    return kept


def _labels(printed: list[str], edges: Edges, count: int) -> list[str | None]:
    """Each page's printed number where it differs from its place in the file (None: same)."""
    if any(printed):
        return [
            label if label and label != str(number) else None
            for number, label in enumerate(printed[:count] + [""] * (count - len(printed)), 1)
        ]
    labels: list[str | None] = [None] * count
    if edges.offset:
        for number in range(max(1, edges.first_numbered), count + 1):
            if number + edges.offset >= 1:
                labels[number - 1] = str(number + edges.offset)
    return labels


def _page_finder(printed: list[str], edges: Edges, count: int) -> dict[str, int]:
    """Printed page number (lower case) -> page index, for reading a printed table of contents;
    empty when neither page labels nor running page numbers tell."""
    pages: dict[str, int] = {}
    if any(printed):
        for index, label in enumerate(printed):
            if label:
                pages.setdefault(label.lower(), index)
    elif edges.offset is not None:
        for index in range(count):
            pages[str(index + 1 + edges.offset)] = index
    return pages


def _looks_like_slides(source: PdfSource, pages: list[list[Line]]) -> bool:
    if not pages or source.landscape < len(pages) * _DECK_SHARE:
        return False
    words = sum(len(line.text.split()) for lines in pages for line in lines)
    return words / len(pages) < _DECK_WORDS


def _contents_slides(pages: list[list[Line]], outline: list[OutlineEntry]) -> set[int]:
    """Slides that list the deck's sections (a "Plan" slide): an outline, not content."""
    sections: set[str] = set()
    for entry in outline:
        sections |= title_forms(entry.title)
    skipped = set()
    for index, lines in enumerate(pages):
        if len(lines) < 3:
            continue
        body = lines[1:]
        listed = sum(1 for line in body if title_forms(line.text) & sections)
        titled = _CONTENTS_SLIDE.match(lines[0].text) is not None
        if (listed >= 3 and listed >= len(body) * _SLIDE_CONTENTS_SHARE) or (
            titled and all(len(line.text.split()) <= 8 for line in body)
        ):
            skipped.add(index)
    return skipped


def _mark_slide_titles(
    pages: list[list[Line]], marks: dict[int, list[Mark]], style: Style, level: int
) -> None:
    """A slide's title is its first large line (the navigation bar is gone by now)."""
    for index, lines in enumerate(pages):
        page_marks = marks.setdefault(index, [])
        if any(mark.index < _TITLE_LINES for mark in page_marks):
            continue
        for position, line in enumerate(lines[:_TITLE_LINES]):
            if style.is_display(line) and _title_like(line.text):
                count = 1
                while position + count < len(lines) and _continues(
                    lines[position + count - 1], lines[position + count]
                ):
                    count += 1
                text = squash(" ".join(item.text for item in lines[position : position + count]))
                page_marks.append(Mark(position, count, text, level))
                page_marks.sort(key=lambda mark: (mark.index, mark.count))
                break


def _continues(above: Line, line: Line) -> bool:
    """True when ``line`` goes on with the title set in ``above``: the same size, just below."""
    same = abs(above.size - line.size) <= max(0.5, above.size * 0.05)
    return same and 0 < above.y - line.y < line.size * 1.6


def _title_like(text: str) -> bool:
    words = text.split()
    return (
        0 < len(words) <= _MAX_TITLE_WORDS
        and any(char.isalpha() for char in text)
        and not text.endswith((".", ",", ";"))
        and not is_math(text)
    )


def _without_build_steps(units: list[Unit]) -> list[Unit]:
    """Drop a slide whose words all appear again on the next slide: one step of a build."""
    kept = []
    for unit, following in zip(units, [*units[1:], None], strict=True):
        if following is not None and following.number == unit.number + 1:
            words = Counter(_body_words(unit))
            later = Counter(_body_words(following))
            if words and all(later[word] >= count for word, count in words.items()):
                continue
        kept.append(unit)
    return kept


def _body_words(unit: Unit) -> list[str]:
    return [
        word
        for block in unit.blocks
        if block.kind != HEADING
        for word in block.text.lower().split()
    ]


def guess_title(pages: list[list[Line]], style: Style) -> str:
    """The largest title-like line near the start (with the lines that continue it), for a PDF
    whose metadata has no title; a footnote mark glued to it is dropped. Empty when none."""
    for lines in pages[:3]:
        candidates = [
            line
            for line in lines
            if style.is_display(line)
            and _title_like(line.text)
            and heading_level(line.text) is None
            and line.text.lower().strip(" .:") not in _GENERIC_TITLES
        ]
        if not candidates:
            continue
        biggest = max(line.size for line in candidates)
        first = next(line for line in candidates if line.size >= biggest - 0.5)
        parts = [first]
        position = lines.index(first)
        while position + len(parts) < len(lines) and _continues(
            parts[-1], lines[position + len(parts)]
        ):
            parts.append(lines[position + len(parts)])
        title = squash(" ".join(line.text for line in parts))
        # A number glued to the front is a lecture or slide number: "7Covering maps".
        title = _GLUED_NUMBER.sub("", title)
        return without_footnote_mark(title, first.size, lines)
    return ""
