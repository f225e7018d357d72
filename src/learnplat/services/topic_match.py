"""Forgiving topic lookup: normalised names and aliases first, then only very close typos."""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..domain.model import TopicRecord

_APOSTROPHES = re.compile(r"['’`]")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_ARTICLES = ("the", "a", "an")
STOPWORDS = frozenset(
    "a an the of and or in on to for with by at from about is are was be how what why when "
    "who which does do did explain tell me i want learn topic".split()
)
_NAME_WEIGHT, _TERM_WEIGHT, _SUMMARY_WEIGHT, _TEXT_WEIGHT = 4.0, 2.0, 1.5, 0.5


def normalise(text: str) -> str:
    """Lower case, no accents, apostrophes dropped, other punctuation as single spaces."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(_NON_WORD.sub(" ", _APOSTROPHES.sub("", folded.lower())).split())


def singular(word: str) -> str:
    """A crude singular that only has to agree with itself: "laws" -> "law", "bodies" -> "body"."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def canonical(text: str) -> str:
    """The form names are compared in: normalised, no leading article, each word singular."""
    words = normalise(text).split()
    if len(words) > 1 and words[0] in _ARTICLES:
        words = words[1:]
    return " ".join(singular(word) for word in words)


def tokens(text: str) -> list[str]:
    """Canonical content words of ``text`` (stopwords removed)."""
    return [singular(word) for word in normalise(text).split() if word not in STOPWORDS]


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance (a swap of neighbours costs 1), capped at ``limit + 1``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            cost = 0 if char_a == char_b else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[-1], limit + 1)


def _unique_forms(records: Sequence[TopicRecord]) -> dict[str, str]:
    """form -> topic id for the canonical and unspaced forms of names, ids and aliases; a form
    two topics share names neither of them."""
    forms: dict[str, set[str]] = defaultdict(set)
    for record in records:
        for name in (record.name, record.id.replace("-", " "), *record.aliases):
            form = canonical(name)
            if form:
                forms[form].add(record.id)
                forms[form.replace(" ", "")].add(record.id)
    return {form: next(iter(ids)) for form, ids in forms.items() if len(ids) == 1}


def typo_allowance(length: int) -> int:
    """Edits tolerated in a name of ``length`` letters: none below 8, where a typo of one word
    is too often another word ("faction" / "fraction"), then 1, and 2 from 12 letters."""
    return 0 if length < 8 else 1 if length < 12 else 2


class TopicIndex:
    """Name, alias and id forms of the topics, for ``find``, and a weighted word index, for
    ``suggest``, built once from the records.

    ``extra`` records (the user's own) never take a form from ``records`` (the curated ones):
    a saved topic cannot change what a curated name finds.
    """

    def __init__(self, records: Sequence[TopicRecord], extra: Sequence[TopicRecord] = ()) -> None:
        self.records = {record.id: record for record in (*extra, *records)}
        self.forms = _unique_forms(records)
        for form, topic_id in _unique_forms(extra).items():
            self.forms.setdefault(form, topic_id)
        self._words: dict[str, dict[str, float]] | None = None
        self._vocabulary: list[str] = []

    def find(self, name: str) -> TopicRecord | None:
        """The topic ``name`` means, or None: exact forms first, then a unique close typo."""
        form = canonical(name)
        if not form:
            return None
        for candidate in (form, form.replace(" ", "")):
            if candidate in self.forms:
                return self.records[self.forms[candidate]]
        return self._typo_match(form.replace(" ", ""))

    def _typo_match(self, compact: str) -> TopicRecord | None:
        allowance = typo_allowance(len(compact))
        if allowance == 0:
            return None
        best: dict[str, int] = {}
        for form, topic_id in self.forms.items():
            if " " in form or form[0] != compact[0]:
                continue  # a first letter wrong is rarely a typo and often another word
            distance = edit_distance(compact, form, allowance)
            if distance <= allowance:
                best[topic_id] = min(best.get(topic_id, distance), distance)
        if not best:
            return None
        ranked = sorted(best.items(), key=lambda item: item[1])
        if len(ranked) > 1 and ranked[1][1] == ranked[0][1]:
            return None  # two topics equally close: refuse to guess
        return self.records[ranked[0][0]]

    def suggest(self, name: str, n: int = 3) -> list[TopicRecord]:
        """Up to ``n`` topics nearest to ``name``, by the words they share with it (names and
        aliases weigh most, then key terms, summary and text; rare and repeated words more),
        scaled by the share of its words they match. Misspelt words are corrected towards the
        names' vocabulary; when no word is shared, the whole name is compared instead."""
        words = self._word_index()
        scores: dict[str, float] = defaultdict(float)
        matched: dict[str, set[str]] = defaultdict(set)
        query = list(dict.fromkeys(w for w in tokens(name) if len(w) > 1))
        for word in query:
            matches = [word] if word in words else []
            matches += difflib.get_close_matches(word, self._vocabulary, n=2, cutoff=0.8)
            for match in dict.fromkeys(matches):
                closeness = 1.0 if match == word else 0.8
                for topic_id, weight in words.get(match, {}).items():
                    scores[topic_id] += weight * closeness
                    matched[topic_id].add(word)
        if not scores:
            form = canonical(name).replace(" ", "")
            for close in difflib.get_close_matches(form, list(self.forms), n=n * 4, cutoff=0.5):
                ratio = difflib.SequenceMatcher(None, form, close).ratio()
                scores[self.forms[close]] = max(scores[self.forms[close]], ratio)
        for topic_id in matched:
            scores[topic_id] *= len(matched[topic_id]) / len(query)
        ranked = sorted(
            scores, key=lambda topic_id: (-scores[topic_id], self.records[topic_id].name)
        )
        return [self.records[topic_id] for topic_id in ranked[:n]]

    def _word_index(self) -> dict[str, dict[str, float]]:
        """word -> {topic id: weight}: the best field's weight, damped by how often the word
        occurs there, times the word's rarity across topics."""
        if self._words is not None:
            return self._words
        fields: dict[str, dict[str, float]] = defaultdict(dict)
        for record in self.records.values():
            for field_weight, texts in self._fields(record):
                counts = Counter(word for text in texts for word in tokens(text))
                for word, count in counts.items():
                    weight = field_weight * (1 + math.log(count))
                    fields[word][record.id] = max(fields[word].get(record.id, 0.0), weight)
        total = len(self.records) or 1
        words = {
            word: {
                topic_id: weight * math.log(1 + total / len(by_topic))
                for topic_id, weight in by_topic.items()
            }
            for word, by_topic in fields.items()
        }
        # Misspelt words are corrected only towards the words of names, aliases and key terms.
        self._vocabulary = sorted(
            word
            for word, by_topic in fields.items()
            if len(word) > 3 and max(by_topic.values()) >= _TERM_WEIGHT
        )
        self._words = words  # last, so a concurrent caller never sees half an index
        return words

    @staticmethod
    def _fields(record: TopicRecord) -> Iterable[tuple[float, list[str]]]:
        levels = list(record.levels.values())
        yield _NAME_WEIGHT, [record.name, *record.aliases]
        yield _TERM_WEIGHT, [term.term for level in levels for term in level.key_terms]
        yield _SUMMARY_WEIGHT, [record.summary]
        yield _TEXT_WEIGHT, [level.explanation for level in levels]
