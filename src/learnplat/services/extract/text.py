"""Plain-text reader: paragraphs between blank lines, sections at headings and form feeds."""

from __future__ import annotations

import re

from .cleanup import clean_text, heading_level, join_lines, looks_like_heading, normalise_newlines
from .model import Unit
from .sections import SectionBuilder

_UNDERLINE = re.compile(r"^\s*(=+|-+|~+)\s*$")
# A file where most paragraphs are one short line (a word list, dialogue) has no headings.
_MAX_HEADING_SHARE = 0.5
_UNWRAPPED_LINE = 150


def read_txt(text: str) -> list[Unit]:
    """Split plain text into sections of paragraph blocks."""
    text = clean_text(normalise_newlines(text))
    pages = [_paragraphs(page) for page in text.split("\f")]
    all_paragraphs = [paragraph for page in pages for paragraph in page]
    plain_candidates = sum(1 for lines in all_paragraphs if _plain_heading(lines))
    trust_plain = plain_candidates <= max(1, len(all_paragraphs) * _MAX_HEADING_SHARE)
    builder = SectionBuilder()
    for paragraphs in pages:
        # A form feed is a page break in the source: start a new section there.
        builder.end_section()
        for lines in paragraphs:
            level = _heading_level(lines, trust_plain)
            if level is not None:
                builder.heading(lines[0], level)
            elif len(lines) > 1 and max(len(line) for line in lines) > _UNWRAPPED_LINE:
                # Lines this long were never wrapped: each one is its own paragraph.
                for line in lines:
                    builder.paragraph(join_lines([line]))
            else:
                builder.paragraph(join_lines(lines))
    return builder.finish()


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
