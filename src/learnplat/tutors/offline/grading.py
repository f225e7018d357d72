"""Grade and length of a lesson body, summed sentence by sentence so trimming stays cheap."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from learnplat.tutors import readability


@dataclass(frozen=True)
class Body:
    """Words, syllables and sentences of some statements, and their Flesch-Kincaid grade."""

    words: int
    syllables: int
    sentences: int

    @property
    def grade(self) -> float:
        if not self.words:
            return 0.0
        return (
            0.39 * self.words / max(1, self.sentences) + 11.8 * self.syllables / self.words - 15.59
        )


@lru_cache(maxsize=65536)
def _counts(text: str) -> tuple[int, int]:
    tokens = readability.words(text)
    return len(tokens), sum(readability.syllables(token) for token in tokens)


def body_of(texts: Iterable[str]) -> Body:
    """The body of these statements, each counted as one sentence (as the segmenter made it)."""
    words = syllables = sentences = 0
    for text in texts:
        word_count, syllable_count = _counts(text)
        words += word_count
        syllables += syllable_count
        sentences += 1
    return Body(words, syllables, sentences)
