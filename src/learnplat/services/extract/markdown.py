"""Markdown reader: ATX and setext headings start sections; inline syntax is reduced to text."""

from __future__ import annotations

import re
from typing import NamedTuple

from .cleanup import clean_text, join_lines, normalise_newlines, squash
from .model import Unit
from .sections import SectionBuilder

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_THEMATIC_BREAK = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*\S+")
_QUOTE = re.compile(r"^ {0,3}(?:>[ \t]?)+")

# (a character the syntax needs, pattern, replacement): the check skips most regexes on most text.
_INLINE = [
    ("![", re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),
    ("](", re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),
    ("][", re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),
    ("<", re.compile(r"<(https?://[^>\s]+)>"), r"\1"),
    ("`", re.compile(r"(`+)(.+?)\1"), r"\2"),
    ("**", re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*"), r"\1"),
    ("__", re.compile(r"__(?=\S)(.+?)(?<=\S)__"), r"\1"),
    ("*", re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])"), r"\1"),
    ("_", re.compile(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])"), r"\1"),
    ("~~", re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), r"\1"),
    ("<", re.compile(r"</?(?:br|p|div|span|b|i|em|strong|sub|sup|u|kbd|mark)\b[^>]*>", re.I), " "),
    ("<!--", re.compile(r"<!--.*?-->"), ""),
    ("\\", re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])"), r"\1"),
]


class MarkdownResult(NamedTuple):
    units: list[Unit]
    title: str | None


def read_markdown(text: str) -> MarkdownResult:
    """Split Markdown into sections at its headings.

    The title is the front matter's ``title:``, else the first heading.
    """
    lines = clean_text(normalise_newlines(text)).replace("\f", "\n").split("\n")
    start, title = _front_matter(lines)
    builder = SectionBuilder()
    paragraph: list[str] = []
    fence: str | None = None
    code: list[str] = []

    def flush() -> None:
        if paragraph:
            builder.paragraph(_paragraph_text(paragraph))
            paragraph.clear()

    for line in lines[start:]:
        if fence is not None:
            if line.strip().startswith(fence) and set(line.strip()) == {fence[0]}:
                builder.paragraph("\n".join(code).strip("\n"))
                fence, code = None, []
            else:
                code.append(line.rstrip())
            continue
        opening = _FENCE.match(line)
        atx = _ATX.match(line)
        setext = _SETEXT.match(line)
        if opening:
            flush()
            fence = opening.group(1)
        elif atx:
            flush()
            builder.heading(_inline(atx.group(2) or ""), len(atx.group(1)))
        elif setext and paragraph:
            heading = _inline(" ".join(paragraph))
            paragraph.clear()
            builder.heading(heading, 1 if setext.group(1)[0] == "=" else 2)
        elif not line.strip() or _THEMATIC_BREAK.match(line):
            flush()
        elif not (("|" in line and _TABLE_RULE.match(line)) or _REFERENCE.match(line)):
            paragraph.append(_QUOTE.sub("", line))
    flush()
    if code:
        builder.paragraph("\n".join(code).strip("\n"))
    return MarkdownResult(builder.finish(), title or builder.first_heading)


def _front_matter(lines: list[str]) -> tuple[int, str | None]:
    """Skip a leading YAML front matter block; return where the body starts and its title."""
    if not lines or lines[0].strip() != "---":
        return 0, None
    for index, line in enumerate(lines[1:200], start=1):
        if line.strip() in ("---", "..."):
            titles = [
                squash(entry.split(":", 1)[1]).strip("\"'")
                for entry in lines[1:index]
                if entry.lower().startswith("title:")
            ]
            return index + 1, (titles[0] or None) if titles else None
    return 0, None


def _paragraph_text(lines: list[str]) -> str:
    if all(line.lstrip().startswith("|") for line in lines):
        return "\n".join(_table_row(line) for line in lines)
    return _squash_spaces(_inline(join_lines(lines)))


def _table_row(line: str) -> str:
    cells = [_inline(cell) for cell in line.strip().strip("|").split("|")]
    return " | ".join(squash(cell) for cell in cells)


def _inline(text: str) -> str:
    for needed, pattern, replacement in _INLINE:
        if needed in text:
            text = pattern.sub(replacement, text)
    return text


def _squash_spaces(text: str) -> str:
    """Collapse runs of spaces that removed markup leaves, keeping line breaks."""
    return "\n".join(squash(line) for line in text.split("\n"))
