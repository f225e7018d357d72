"""Chunk extracted units into passages of roughly 100-300 words that never cross a page."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .extract import Unit

MIN_WORDS = 100
TARGET_WORDS = 200
MAX_WORDS = 300
HEADING_SEPARATOR = " > "

_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+")


@dataclass(frozen=True)
class Chunk:
    """A passage before it is stored: its page (or section), order there, headings and text."""

    page: int
    seq: int
    heading_path: str
    text: str
    words: int
    page_label: str | None = None  # the printed page number, where it differs from ``page``


def _pieces(text: str) -> Iterator[tuple[str, int]]:
    """Yield a block as pieces of at most MAX_WORDS words, split at sentence ends when needed."""
    words = len(text.split())
    if words <= MAX_WORDS:
        yield text, words
        return
    current: list[str] = []
    count = 0
    for sentence in _SENTENCE_END.split(text):
        sentence_words = sentence.split()
        # A "sentence" longer than a passage (no punctuation at all): cut it by words. The cut
        # moves an index rather than re-slicing what is left, which made a long text quadratic.
        start = 0
        while len(sentence_words) - start > MAX_WORDS:
            if current:
                yield " ".join(current), count
                current, count = [], 0
            yield " ".join(sentence_words[start : start + TARGET_WORDS]), TARGET_WORDS
            start += TARGET_WORDS
        if start:
            sentence_words = sentence_words[start:]
        if count and count + len(sentence_words) > TARGET_WORDS:
            yield " ".join(current), count
            current, count = [], 0
        if sentence_words:
            current.append(" ".join(sentence_words))
            count += len(sentence_words)
    if current:
        yield " ".join(current), count


def chunk_unit(unit: Unit) -> list[Chunk]:
    """Split one page or section into passages; headings start a passage when one is full enough."""
    groups: list[tuple[tuple[str, ...], list[str], int]] = []
    path: tuple[str, ...] = ()
    texts: list[str] = []
    count = 0
    for block in unit.blocks:
        if block.is_heading and count >= MIN_WORDS:
            groups.append((path, texts, count))
            texts, count = [], 0
        for piece, words in _pieces(block.text):
            if count and (count + words > MAX_WORDS or count >= TARGET_WORDS):
                groups.append((path, texts, count))
                texts, count = [], 0
            if not texts:
                path = block.heading_path
            texts.append(piece)
            count += words
    if texts:
        # A short tail joins the passage before it when the two still fit in one.
        if groups and count < MIN_WORDS // 2 and groups[-1][2] + count <= MAX_WORDS:
            last_path, last_texts, last_count = groups.pop()
            groups.append((last_path, last_texts + texts, last_count + count))
        else:
            groups.append((path, texts, count))
    return [
        Chunk(
            unit.number, seq, HEADING_SEPARATOR.join(heading), "\n\n".join(parts), words, unit.label
        )
        for seq, (heading, parts, words) in enumerate(groups, start=1)
    ]


def chunk_units(units: Iterable[Unit]) -> list[Chunk]:
    """Passages for every unit, in reading order."""
    return [chunk for unit in units for chunk in chunk_unit(unit)]
