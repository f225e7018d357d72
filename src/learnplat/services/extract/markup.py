"""Block texts in the light Markdown of the text contract (model.py): tables, code, quotes."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from .cleanup import is_caption, squash

# Non-prose blocks are cut below a passage's size (passages.MAX_WORDS) so that chunking never
# has to split one at sentence ends, which would lose its line structure.
MAX_BLOCK_WORDS = 250
_BULLET = re.compile(r"^[•◦▪‣∙·○●■□➢➤►▶✓✔*+–—-]\s*")
_FIGURE_WORD = re.compile(r"^(?:fig(?:ure)?\.?\s*:?\s*)+", re.I)
# Alt texts that say nothing about the picture: a generic word, a host or a file name.
_EMPTY_ALTS = frozenset(
    "image img imgur picture pic photo screenshot figure logo icon banner badge alt".split()
)
_FILE_NAME = re.compile(r"^\S+\.(?:png|jpe?g|gif|svg|webp|bmp|tiff?)$", re.I)
_MARKER = re.compile(r"^(?:\d{1,3}[.)]|[a-zA-Z][.)]|\(\w{1,3}\)|[ivxlc]{1,5}[.)])\s")


def table_blocks(rows: Sequence[Sequence[str]]) -> list[str]:
    """Pipe-table texts for ``rows`` (the first is the header), cut into blocks of rows."""
    width = max((len(row) for row in rows), default=0)
    if width == 0:
        return []
    cells = [[_cell(cell) for cell in row] + [""] * (width - len(row)) for row in rows]
    header = [_row(cells[0]), "| " + " | ".join(["---"] * width) + " |"]
    return [
        "\n".join(header + chunk)
        for chunk in _chunks([_row(row) for row in cells[1:]], len(header[0].split()))
    ] or ["\n".join(header)]


def code_block(lines: Iterable[str]) -> str:
    """Fenced code; blank lines are dropped so the block never holds a blank line."""
    kept = [line.rstrip() for line in lines if line.strip()]
    return "```\n" + "\n".join(kept) + "\n```" if kept else ""


def code_blocks(lines: Sequence[str]) -> list[str]:
    """Code cut into fenced blocks of at most MAX_BLOCK_WORDS words."""
    kept = [line.rstrip() for line in lines if line.strip()]
    return [code_block(chunk) for chunk in _chunks(kept)]


def quote_block(text: str) -> str:
    lines = [squash(line) for line in text.split("\n")]
    return "\n".join("> " + line for line in lines if line)


def list_block(items: Iterable[str]) -> str:
    """One item per line; a bullet glyph becomes "- ", a number or letter marker is kept."""
    lines = []
    for item in items:
        text = squash(item)
        if not text:
            continue
        if _MARKER.match(text):
            lines.append(text)
        else:
            lines.append("- " + _BULLET.sub("", text, count=1))
    return "\n".join(lines)


def list_blocks(items: Sequence[str]) -> list[str]:
    """A list cut into blocks of at most MAX_BLOCK_WORDS words."""
    text = list_block(items)
    return ["\n".join(chunk) for chunk in _chunks(text.split("\n"))] if text else []


def caption(alt: str) -> str:
    """The caption for an image's alt text ("Figure: alt"; a printed "Figure 2: …" as it is).

    Empty when the alt text is missing or says nothing (a file name, "image").
    """
    text = squash(alt)
    if is_caption(text):
        return text
    text = _FIGURE_WORD.sub("", text)
    if not text or text.lower() in _EMPTY_ALTS or _FILE_NAME.match(text):
        return ""
    return f"Figure: {text}"


def math_block(text: str) -> str:
    text = squash(text)
    return f"$$ {text} $$" if text else ""


def _cell(text: str) -> str:
    return squash(text).replace("|", "\\|")


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _chunks(lines: Sequence[str], reserved: int = 0) -> list[list[str]]:
    chunks: list[list[str]] = []
    current: list[str] = []
    words = reserved
    for line in lines:
        count = len(line.split())
        if current and words + count > MAX_BLOCK_WORDS:
            chunks.append(current)
            current, words = [], reserved
        current.append(line)
        words += count
    if current:
        chunks.append(current)
    return chunks
