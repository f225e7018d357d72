"""Readability: sentences (segtok), syllables (pyphen) and the Flesch-Kincaid grade, all offline."""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Any

_WORD = re.compile(r"[A-Za-z]+(?:['’-][A-Za-z]+)*")
_VOWEL_GROUPS = re.compile(r"[aeiouy]+")


@cache
def _hyphenator() -> Any:
    import pyphen

    return pyphen.Pyphen(lang="en_US")


def sentences(text: str) -> list[str]:
    """Split text into sentences; "Dr.", "e.g." and "U.S." do not end one. Blank lines always do."""
    from segtok.segmenter import split_multi

    return [sentence.strip() for sentence in split_multi(text) if sentence.strip()]


def words(text: str) -> list[str]:
    return _WORD.findall(text)


@lru_cache(maxsize=65536)
def syllables(word: str) -> int:
    """Syllables in one word: pyphen's hyphenation points, never fewer than its vowel groups - 1."""
    lowered = word.lower()
    by_hyphenation = len(_hyphenator().positions(lowered)) + 1
    groups = len(_VOWEL_GROUPS.findall(lowered))
    if lowered.endswith("e") and not lowered.endswith(("le", "ee")) and groups > 1:
        groups -= 1  # a silent final e: "make", "machine"
    return max(1, by_hyphenation, groups)


def flesch_kincaid_grade(text: str) -> float:
    """The Flesch-Kincaid grade level of ``text`` (0.0 for text with no words)."""
    tokens = words(text)
    if not tokens:
        return 0.0
    sentence_count = max(1, len(sentences(text)))
    syllable_count = sum(syllables(token) for token in tokens)
    return round(
        0.39 * len(tokens) / sentence_count + 11.8 * syllable_count / len(tokens) - 15.59, 2
    )
