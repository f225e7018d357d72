"""Split narration text into chunks a voice can take in one request: at sentence ends, never
mid-word (only a single word longer than a whole chunk is cut)."""

from __future__ import annotations

import re
from collections.abc import Callable

# A sentence ends at . ! ? or … (with any closing quotes or brackets) before whitespace, or at a
# blank line. Abbreviations ("e.g. ") may end a "sentence" early: harmless, since chunks hold
# many sentences and only the place of a chunk boundary depends on it.
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*\s+|\n\s*\n\s*")

Weight = Callable[[str], int]
"""How much of a request's limit a text uses; must add up over concatenation (``len`` does)."""


def sentences(text: str) -> list[str]:
    """The sentences of ``text``, stripped, in order; blank ones dropped."""
    found: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        found.append(text[start : match.end()].strip())
        start = match.end()
    found.append(text[start:].strip())
    return [sentence for sentence in found if sentence]


def _cut(word: str, limit: int, weight: Weight) -> tuple[str, str]:
    """The longest head of ``word`` within ``limit``, and the rest (at least one character)."""
    used = 0
    for index, char in enumerate(word):
        used += weight(char)
        if used > limit:
            index = max(index, 1)
            return word[:index], word[index:]
    return word, ""


def chunk_text(
    text: str, limit: int, *, weight: Weight = len, first_limit: int | None = None
) -> list[str]:
    """``text`` as chunks of whole sentences joined by spaces, each within ``limit``.

    A sentence longer than ``limit`` is split between words; a word longer than ``limit`` (no
    space to split at) is cut. ``first_limit`` caps the first chunk only, so that the first
    audio can be made quickly. Returns [] for blank text.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    chunks: list[str] = []
    current: list[str] = []
    current_weight = 0
    space = weight(" ")

    def cap() -> int:
        return min(first_limit, limit) if first_limit and not chunks else limit

    def flush() -> None:
        nonlocal current, current_weight
        if current:
            chunks.append(" ".join(current))
        current, current_weight = [], 0

    def add(piece: str, piece_weight: int) -> None:
        nonlocal current_weight
        current_weight += piece_weight + (space if current else 0)
        current.append(piece)

    for sentence in sentences(text):
        sentence_weight = weight(sentence)
        if current and current_weight + space + sentence_weight <= cap():
            add(sentence, sentence_weight)
            continue
        flush()
        if sentence_weight <= cap():
            add(sentence, sentence_weight)
            continue
        for word in sentence.split():
            word_weight = weight(word)
            if current and current_weight + space + word_weight <= cap():
                add(word, word_weight)
                continue
            flush()
            while word_weight > cap():
                head, word = _cut(word, cap(), weight)
                chunks.append(head)
                word_weight = weight(word)
            add(word, word_weight)
    flush()
    return chunks
