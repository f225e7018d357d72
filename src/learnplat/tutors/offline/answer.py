"""Answer a question from the sources: BM25 over their sentences, cited, or "not covered"."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from ..model import Answer, Source, Statement
from .definitions import sentence_definitions
from .sentences import Sentence, split_sources
from .text import QUESTION_WORDS, STOPWORDS, content_stems, stem, tokens

K1, B = 1.2, 0.5
# Share of the question's weight (idf) the chosen sentences must mention between them.
COVERAGE = 0.6
MAX_SENTENCES = 3
# A sentence that defines what is asked about, or opens with it, answers it more directly; so
# does one where it acts ("RuBisCO attaches ...") when the question asks what it does.
DEFINES_BOOST, SUBJECT_BOOST, ACTION_BOOST = 1.3, 1.15, 1.4
_DOES_QUESTION = re.compile(r"\bwhat\s+(?:does|do|did)\b.*\bdo\b", re.IGNORECASE)
_NOT_ACTIONS = frozenset("is was has does".split())


@dataclass(frozen=True, eq=False)
class SentenceIndex:
    """BM25 statistics over sentences."""

    sentences: tuple[Sentence, ...]
    frequencies: tuple[dict[str, int], ...]
    postings: dict[str, list[int]]
    average_length: float

    def idf(self, term: str) -> float:
        df = len(self.postings.get(term, ()))
        count = len(self.sentences)
        return math.log(1.0 + (count - df + 0.5) / (df + 0.5))


def build_index(sentences: Sequence[Sentence], stems: Sequence[Sequence[str]]) -> SentenceIndex:
    frequencies: list[dict[str, int]] = []
    postings: dict[str, list[int]] = {}
    for position, sentence_stems in enumerate(stems):
        counts: dict[str, int] = {}
        for item in sentence_stems:
            counts[item] = counts.get(item, 0) + 1
        frequencies.append(counts)
        for item in counts:
            postings.setdefault(item, []).append(position)
    lengths = [len(s) for s in stems]
    average = sum(lengths) / len(lengths) if lengths else 1.0
    return SentenceIndex(tuple(sentences), tuple(frequencies), postings, max(average, 1.0))


def question_terms(question: str) -> dict[str, str]:
    """The question's content stems, each with the word it came from ("rubisco": "RuBisCO")."""
    words = re.findall(r"[A-Za-z0-9]+(?:'[A-Za-z]+)?", question)
    terms: dict[str, str] = {}
    for word in words:
        lowered = word.lower()
        if len(lowered) > 1 and lowered not in STOPWORDS and lowered not in QUESTION_WORDS:
            terms.setdefault(stem(lowered), word)
    return terms


def _score(index: SentenceIndex, position: int, weights: dict[str, float]) -> float:
    counts = index.frequencies[position]
    length = sum(counts.values())
    norm = K1 * (1 - B + B * length / index.average_length)
    return sum(
        weight * counts[term] * (K1 + 1) / (counts[term] + norm)
        for term, weight in weights.items()
        if term in counts
    )


def _acts(sentence: Sentence, terms: dict[str, str]) -> bool:
    """A question word is followed (perhaps after an adverb) by a verb: "RuBisCO then binds"."""
    words = tokens(sentence.text)
    for position, word in enumerate(words):
        if stem(word) in terms:
            after = words[position + 1 : position + 3]
            if after and (after[0] == "then" or after[0].endswith("ly")):
                after = after[1:]
            if after and after[0].endswith("s") and after[0] not in _NOT_ACTIONS:
                return True
    return False


def _boost(sentence: Sentence, terms: dict[str, str], asks_action: bool) -> float:
    boost = ACTION_BOOST if asks_action and _acts(sentence, terms) else 1.0
    asked = set(terms)
    if any(set(d.key.split()) <= asked for d in sentence_definitions(sentence)):
        boost *= DEFINES_BOOST
    first = [stem(t) for t in tokens(sentence.text)[:3] if t not in ("the", "a", "an")]
    if first and first[0] in asked:
        boost *= SUBJECT_BOOST
    return boost


def search(index: SentenceIndex, question: str) -> tuple[list[int], dict[str, str], set[str]]:
    """The best 1-3 sentences in source order (empty when coverage is too low), the question's
    terms, and the terms the chosen sentences mention."""
    terms = question_terms(question)
    weights = {term: index.idf(term) for term in terms}
    total = sum(weights.values())
    candidates = sorted({p for term in terms for p in index.postings.get(term, ())})
    if not candidates or total <= 0:
        return [], terms, set()
    asks_action = bool(_DOES_QUESTION.search(question))
    scores = {
        p: _score(index, p, weights) * _boost(index.sentences[p], terms, asks_action)
        for p in candidates
    }
    ranked = sorted(candidates, key=lambda p: (-scores[p], p))
    best = scores[ranked[0]]
    chosen = [ranked[0]]
    covered = set(index.frequencies[ranked[0]]) & set(terms)
    for position in ranked[1:]:
        if len(chosen) == MAX_SENTENCES:
            break
        adds = (set(index.frequencies[position]) & set(terms)) - covered
        if scores[position] >= 0.6 * best or adds:
            chosen.append(position)
            covered |= adds
    if sum(weights[term] for term in sorted(covered)) < COVERAGE * total:
        return [], terms, covered
    return sorted(chosen), terms, covered


def not_covered_text(terms: dict[str, str], covered: set[str]) -> str:
    missing = [word for term, word in terms.items() if term not in covered] or list(terms.values())
    if not missing:
        return "Your notes don't cover this: ask about a word or idea that appears in them."
    listed = " or ".join(f"“{word}”" for word in missing[:4])
    return f"Your notes don't cover this: nothing in them mentions {listed}."


def answer_from_index(index: SentenceIndex, question: str) -> Answer:
    chosen, terms, covered = search(index, question)
    if not chosen:
        return Answer(question, not_covered_text(terms, covered), (), found=False)
    statements = tuple(
        Statement(index.sentences[p].text, (index.sentences[p].citation,)) for p in chosen
    )
    return Answer(question, " ".join(s.text for s in statements), statements, found=True)


@lru_cache(maxsize=8)
def _index_of(sources: tuple[Source, ...]) -> SentenceIndex:
    sentences, _outline = split_sources(sources)
    return build_index(sentences, [content_stems(s.text) for s in sentences])


def answer(question: str, sources: Sequence[Source]) -> Answer:
    """An answer made of the 1-3 sentences of ``sources`` that best match ``question``, each
    cited; ``found`` False (and a plain "not covered" text) when none matches well enough."""
    return answer_from_index(_index_of(tuple(sources)), question)
