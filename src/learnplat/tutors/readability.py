"""Readability: sentences (segtok), syllables (pyphen) and the Flesch-Kincaid grade, all offline."""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Any

_WORD = re.compile(r"[A-Za-z]+(?:['’-][A-Za-z]+)*")
_VOWEL_GROUPS = re.compile(r"[aeiouy]+")
_DIGIT = re.compile(r"\d")


# Fewest letters before the first and after the last hyphenation point (pyphen's defaults).
_LEFT = _RIGHT = 2
_SKIPPED_LINES = (
    "%", "#", "LEFTHYPHENMIN", "RIGHTHYPHENMIN", "COMPOUNDLEFTHYPHENMIN", "COMPOUNDRIGHTHYPHENMIN"
)


class _Hyphenation:
    """Liang's hyphenation over pyphen's en_US patterns, as ``pyphen.Pyphen(lang="en_US")``
    hyphenates: a pattern's values are read when a word first needs them, and lookups go only
    as far as some pattern starts with the letters seen (a lesson's first grade waited ~0.2 s
    for pyphen to parse all 11,000 patterns)."""

    def __init__(self, lines: list[str]) -> None:
        stripped = [line.strip() for line in lines]
        keys = _DIGIT.sub("", "\n".join(stripped)).split("\n")
        # A line without a digit holds only zeros: no hyphenation point, so no pattern.
        self.lines = {
            key: line
            for line, key in zip(stripped, keys, strict=True)
            if len(key) != len(line) and not line.startswith(_SKIPPED_LINES)
        }
        self.prefixes = {key[:length] for key in self.lines for length in range(1, len(key) + 1)}
        self.longest = max(len(key) for key in self.lines)
        self.parsed: dict[str, tuple[int, tuple[int, ...]] | None] = {}

    def pattern(self, key: str) -> tuple[int, tuple[int, ...]] | None:
        """The pattern for these letters: where its values start, and the values (the first and
        last non-zero); None if there is none."""
        if key in self.parsed:
            return self.parsed[key]
        values = [0]
        for char in self.lines.get(key, ""):
            if char.isdigit():
                values[-1] = int(char)
            else:
                values.append(0)
        found = None
        if any(values):
            start, end = 0, len(values)
            while not values[start]:
                start += 1
            while not values[end - 1]:
                end -= 1
            found = (start, tuple(values[start:end]))
        self.parsed[key] = found
        return found

    def points(self, word: str) -> int:
        """How many places ``word`` (lower case) may be hyphenated."""
        lines, parsed, prefixes = self.lines, self.parsed, self.prefixes
        pointed = f".{word}."
        marks = [0] * (len(pointed) + 1)
        for start in range(len(pointed) - 1):
            for stop in range(start + 1, min(start + self.longest, len(pointed)) + 1):
                piece = pointed[start:stop]
                if piece not in prefixes:
                    break
                if piece not in lines:
                    continue
                found = parsed[piece] if piece in parsed else self.pattern(piece)
                if found is not None:
                    offset, values = found
                    for position, value in enumerate(values, start + offset):
                        if value > marks[position]:
                            marks[position] = value
        last = len(word) - _RIGHT
        return sum(1 for at, mark in enumerate(marks) if mark % 2 and _LEFT <= at - 1 <= last)


@cache
def _hyphenator() -> _Hyphenation | Any:
    import pyphen

    path = pyphen.LANGUAGES["en_US"]
    text = path.read_text(encoding="utf-8")
    if "/" in text or "^^" in text:  # nonstandard hyphenation pyphen alone reads
        return pyphen.Pyphen(lang="en_US")
    return _Hyphenation(text.split("\n")[1:])


def hyphenation_points(word: str) -> int:
    """How many places pyphen's en_US patterns allow a hyphen in ``word`` (lower case)."""
    hyphenator = _hyphenator()
    if isinstance(hyphenator, _Hyphenation):
        return hyphenator.points(word)
    return len(hyphenator.positions(word))


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
    by_hyphenation = hyphenation_points(lowered) + 1
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
