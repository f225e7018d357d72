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


# A passage found by one topic's name goes with another topic of its category when that
# topic's words tell this much more of it ("the reverse of photosynthesis" in respiration
# notes is about respiration: 1.36 times; a photosynthesis passage's next topic is at most 2/3).
SIBLING_MARGIN = 1.2


class Subjects:
    """The words of each category of the topic library, and how many categories use each;
    the words of each topic, and how many topics use each."""

    def __init__(self, records: Iterable[TopicRecord]) -> None:
        self.words: dict[str, set[str]] = {}
        self.topic_words: dict[str, set[str]] = {}
        self.category: dict[str, str] = {}
        for record in records:
            words = _topic_words(record)
            self.words.setdefault(record.category, set()).update(words)
            self.topic_words[record.id] = words
            self.category[record.id] = record.category
        self.spread: dict[str, int] = {}
        for words in self.words.values():
            for word in words:
                self.spread[word] = self.spread.get(word, 0) + 1
        self.topic_spread: dict[str, int] = {}
        for words in self.topic_words.values():
            for word in words:
                self.topic_spread[word] = self.topic_spread.get(word, 0) + 1

    def about_another(self, record: TopicRecord, text: str) -> bool:
        """Whether ``text`` (found by ``record``'s name) is about another curated topic of the
        same category: its words tell of that topic SIBLING_MARGIN times more."""
        said = set(content_stems(text))
        count = len(self.topic_words)
        weight = {
            word: information(word) * math.log(count / self.topic_spread[word])
            for word in said
            if word in self.topic_spread
        }

        def score(topic_id: str) -> float:
            words = self.topic_words.get(topic_id, set())
            return sum(value for word, value in weight.items() if word in words)

        own = score(record.id)
        siblings = [
            score(topic_id)
            for topic_id, category in self.category.items()
            if category == record.category and topic_id != record.id
        ]
        return max(siblings, default=0.0) > SIBLING_MARGIN * own

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

