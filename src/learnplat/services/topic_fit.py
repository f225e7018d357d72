"""Whether a curated topic and the learner's passages on it are about the same subject.

A topic's name is often an everyday word: "functions" is a Python lesson in the topic library
and a correlation between two variables in a mathematics book, "waves" is physics there and a
wave function in quantum notes. The passages a name finds are read for their subject: the
category of the topic library whose topics use most of their words, each word weighted by how
much it tells (``common_words.information``) and how few categories use it. A curated topic
of another category is another subject, not something to mix into a lesson or a reference.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from ..domain.model import TopicRecord
from ..tutors.offline.common_words import information
from ..tutors.offline.text import content_stems


def _topic_words(record: TopicRecord) -> set[str]:
    parts = [record.name, *record.aliases, record.summary]
    parts += [level.explanation for level in record.levels.values()]
    # Each distinct word once: the library is read whole, and content_stems of each is the same.
    return set(content_stems(" ".join(set(" ".join(parts).lower().split()))))


class Subjects:
    """The words of each category of the topic library, and how many categories use each."""

    def __init__(self, records: Iterable[TopicRecord]) -> None:
        self.words: dict[str, set[str]] = {}
        for record in records:
            self.words.setdefault(record.category, set()).update(_topic_words(record))
        self.spread: dict[str, int] = {}
        for words in self.words.values():
            for word in words:
                self.spread[word] = self.spread.get(word, 0) + 1

    def scores(self, texts: Sequence[str], leave_out: Iterable[str] = ()) -> dict[str, float]:
        """Each category's share of what the texts' words tell, leaving out ``leave_out``'s
        words (the topic's own name, which every candidate shares by construction)."""
        said: set[str] = set()
        for text in texts:
            said.update(content_stems(text))
        for text in leave_out:
            said.difference_update(content_stems(text))
        count = len(self.words)
        weight = {
            word: information(word) * math.log(count / self.spread[word])
            for word in said
            if word in self.spread
        }
        return {
            category: sum(value for word, value in weight.items() if word in words)
            for category, words in self.words.items()
        }

    def fits(self, record: TopicRecord, texts: Sequence[str]) -> bool:
        """True when ``texts`` read as ``record``'s subject (its category scores highest), or
        say too little to tell."""
        scores = self.scores(texts, leave_out=[record.name, *record.aliases])
        best = max(scores.values(), default=0.0)
        return best <= 0 or scores.get(record.category, 0.0) >= best

