"""Plain-text reader: paragraphs between blank lines, sections at headings and form feeds."""

from __future__ import annotations

import re
from typing import NamedTuple

from .boilerplate import gutenberg_span
from .cleanup import (
    clean_text,
    heading_level,
    join_lines,
    looks_like_heading,
    normalise_newlines,
    squash,
)
from .model import Unit
from .sections import SectionBuilder
from .transcript import from_captions, without_turn_marks

_UNDERLINE = re.compile(r"^\s*(=+|-+|~+)\s*$")
# A file where most paragraphs are one short line (a word list, dialogue) has no headings.
_MAX_HEADING_SHARE = 0.5
_UNWRAPPED_LINE = 150
_CREDIT_LINES = 12
# Opened where a word starts (so snake_case stays), closed anywhere: "_Re_sonare" is sung.
_ITALICS = re.compile(r"(?<![\w_])_(?=\S)([^_]{1,200}?)(?<=\S)_")
# A mark glued to the word it annotates, or opening the note itself ("[01] The strength …").
_FOOTNOTE = re.compile(r"(?<=\S)\[\d{1,3}\]|^\[\d{1,3}\]\s+(?=[A-Z])", re.M)
_PAGE_AT_END = re.compile(r"(?:\s{2,}|\.\s?\.\s?\.\s*)(?:\d{1,4}|[ivxlc]{1,6})\s*$")
_CONTENTS = re.compile(r"^\s*(?:table of )?contents\.?\s*$", re.I)
_NUMERAL = re.compile(
    r"^\s*(?:(?:chapter|part|book|lecture)\s+)?(?:[IVXLC]{1,7}|\d{1,3})\.?\s*$", re.I
)
_BRACKETED = re.compile(r"\([^)]*\)")
_CONTENTS_LINES = 3
_CONTENTS_REACH = 2  # paragraphs between a "Contents" title and its table
_CONTENTS_SHARE = 0.6
_GENERIC_HEADINGS = frozenset(
    "contents|table of contents|preface|foreword|introduction|abstract|transcriber's notes|"
    "transcriber's note|transcriber’s notes|acknowledgements|index".split("|")
)


class TextResult(NamedTuple):
    units: list[Unit]
    title: str | None


def read_txt(text: str) -> TextResult:
    """Split plain text into sections of paragraph blocks.

    Project Gutenberg's header and licence are left out (its "Title:" line is the title), and
    so is a table of contents with printed page numbers; a chapter numeral on a line of its
    own ("IV") joins the title below it ("IV. THE MUSIC OF GREECE").
    """
    captions = from_captions(clean_text(normalise_newlines(text)))
    prose, transcript = without_turn_marks(captions)
    lines = prose.split("\n")
    start, end = gutenberg_span(lines)
    title = _gutenberg_title(lines[:start]) if start else None
    text = _prose("\n".join(_without_credits(lines[start:end])))
    pages = [_paragraphs(page) for page in text.split("\f")]
    all_paragraphs = [paragraph for page in pages for paragraph in page]
    plain_candidates = sum(1 for lines in all_paragraphs if _plain_heading(lines))
    # A transcript's short turns ("Could you explain that part again?") are speech.
    trust_plain = not transcript and plain_candidates <= max(
        1, len(all_paragraphs) * _MAX_HEADING_SHARE
    )
    builder = SectionBuilder()
    for paragraphs in pages:
        # A form feed is a page break in the source: start a new section there.
        builder.end_section()
        skip = 0
        for index, lines in enumerate(paragraphs):
            if skip:
                skip -= 1
                continue
            if _is_contents(lines):
                continue
            if _CONTENTS.match(lines[0]):
                # The "Contents" title and what stands between it and the table ("CHAP. PAGE").
                ahead = paragraphs[index + 1 : index + 1 + _CONTENTS_REACH]
                table = next((i for i, block in enumerate(ahead) if _is_contents(block)), None)
                if table is not None:
                    skip = table + 1
                    continue
            following = paragraphs[index + 1] if index + 1 < len(paragraphs) else None
            if _NUMERAL.match(lines[0]) and len(lines) == 1 and following and len(following) <= 2:
                named = squash(" ".join(following))
                if looks_like_heading(named, max_words=16) and _capitals(named):
                    builder.heading(f"{lines[0].strip().rstrip('.')}. {named}", 1)
                    skip = 1
                    continue
            level = _heading_level(lines, trust_plain)
            if level is not None:
                builder.heading(lines[0], level)
            elif len(lines) > 1 and max(len(line) for line in lines) > _UNWRAPPED_LINE:
                # Lines this long were never wrapped: each one is its own paragraph.
                for line in lines:
                    builder.paragraph(join_lines([line]))
            else:
                builder.paragraph(join_lines(lines))
    units = builder.finish()
    return TextResult(units, title or _real_heading(units))


def _capitals(text: str) -> bool:
    """Mostly capital letters: "ORIGIN OF SONG vs. ORIGIN OF INSTRUMENTAL MUSIC"."""
    # A remark in brackets keeps its own case: "OPERA (Continued)".
    letters = [char for char in _BRACKETED.sub("", text) if char.isalpha()]
    return bool(letters) and sum(char.isupper() for char in letters) >= len(letters) * 0.7


def _gutenberg_title(header: list[str]) -> str | None:
    for line in header:
        if line.lower().startswith("title:"):
            return squash(line.split(":", 1)[1]) or None
    return None


def _without_credits(lines: list[str]) -> list[str]:
    """Drop the "Produced by …" credit paragraph that opens a Project Gutenberg text."""
    first = next((i for i, line in enumerate(lines[:_CREDIT_LINES]) if line.strip()), None)
    if first is None or not lines[first].lstrip().lower().startswith("produced by"):
        return lines
    end = next((i for i in range(first, len(lines)) if not lines[i].strip()), len(lines))
    return lines[end:]


def _prose(text: str) -> str:
    """Underscores of _italics_ and footnote marks ("[01]") are typing, not words."""
    if "_" in text:
        text = _ITALICS.sub(r"\1", text)
    if "[" in text:
        text = _FOOTNOTE.sub("", text)
    return text


def _is_contents(lines: list[str]) -> bool:
    """A block of three or more lines that mostly end in page numbers (a contents table)."""
    if len(lines) < _CONTENTS_LINES:
        return False
    numbered = sum(1 for line in lines if _PAGE_AT_END.search(line))
    return numbered >= _CONTENTS_LINES and numbered >= len(lines) * _CONTENTS_SHARE


def _real_heading(units: list[Unit]) -> str | None:
    """The first heading that names the work, not a part of it ("Contents", "Chapter 1")."""
    for unit in units:
        for block in unit.blocks:
            text = block.text
            if (
                block.is_heading
                and heading_level(text) is None
                and not _NUMERAL.match(text)
                and text.lower().strip(" .:") not in _GENERIC_HEADINGS
            ):
                return text
    return None


def _paragraphs(page: str) -> list[list[str]]:
    paragraphs: list[list[str]] = []
    current: list[str] = []
    for line in page.split("\n"):
        if _UNDERLINE.match(line) and len(line.strip()) >= 3:
            # An underline closes its title line; elsewhere it is only a separator rule.
            if len(current) == 1:
                paragraphs.append([*current, line])
            elif current:
                paragraphs.append(current)
            current = []
        elif line.strip():
            current.append(line)
        elif current:
            paragraphs.append(current)
            current = []
    if current:
        paragraphs.append(current)
    return paragraphs


def _heading_level(lines: list[str], trust_plain: bool) -> int | None:
    title = lines[0].strip()
    if len(lines) == 2 and looks_like_heading(title, max_words=8):
        underline = _UNDERLINE.match(lines[1])
        if underline:
            return 1 if underline.group(1)[0] == "=" else 2
    if len(lines) != 1 or not looks_like_heading(title, max_words=8):
        return None
    announced = heading_level(title)
    if announced is not None:
        return announced
    if title.isupper():
        return 1
    return 2 if trust_plain else None


def _plain_heading(lines: list[str]) -> bool:
    title = lines[0].strip()
    return (
        len(lines) == 1
        and looks_like_heading(title, max_words=8)
        and heading_level(title) is None
        and not title.isupper()
    )
