"""A reference read once for grading: sentences, vocabulary, weights, ideas, terms, n-grams."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from learnplat.tutors import readability

from ...domain.model import KeyIdea, Reference
from ..offline.text import stem, tokens
from .words import Vocabulary, content_roots, is_content, root, term_forms

NGRAM = 5
# Topic words ("photosynthesis" in an explanation of photosynthesis) prove little on their own.
TOPIC_WEIGHT = 0.3
MAX_CORE_WORDS = 30
DISTINCTIVE_SHARE = 0.1
# An explanation is expected to be about a third as long as its reference, within these bounds.
LENGTH_SHARE = 0.3
MIN_EXPECTED_WORDS = 12
MAX_EXPECTED_WORDS = 150
LONG_REFERENCE_WORDS = 120
LONG_WORD_LETTERS = 12
_DEFINING = (" is ", " are ", "called ", "known as ", " means ", " refers to ", "termed ")
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9+]{1,6}\b")
_ROMAN = re.compile(r"^[IVXLCDM]+$")
_LOWER_WORD = re.compile(r"\b[a-z][a-z0-9+]*\b")
# Long words with these (stemmed) endings are mostly everyday English ("relationship").
_EVERYDAY_ENDINGS = (
    *"tion sion ment ness ship ity ly ing ed enc anc abl ibl iv ous ful".split(),
    *"less iz al er ist ism at".split(),
)

TermForms = tuple[frozenset[str], ...]


@dataclass(frozen=True, eq=False)
class IdeaProfile:
    """A key idea ready to match: its signal terms as root alternatives, its words' weights."""

    idea: KeyIdea
    terms: tuple[TermForms, ...]
    words: dict[str, float]
    is_term: bool


@dataclass(frozen=True, eq=False)
class Prepared:
    """What grading needs from a reference, computed once per reference."""

    reference: Reference
    vocabulary: Vocabulary
    sentences: tuple[str, ...]
    sentence_roots: tuple[tuple[str, ...], ...]
    sentence_sets: tuple[frozenset[str], ...]
    sentence_words: tuple[frozenset[str], ...]
    idf: dict[str, float]
    unknown_idf: float
    vector: dict[str, float]
    core: dict[str, float]
    ideas: tuple[IdeaProfile, ...]
    topic_roots: frozenset[str]
    technical: tuple[TermForms, ...]
    acronyms: frozenset[str]
    ngrams: frozenset[tuple[str, ...]]
    words: int

    @property
    def expected_words(self) -> int:
        share = round(LENGTH_SHARE * self.words)
        return max(MIN_EXPECTED_WORDS, min(MAX_EXPECTED_WORDS, share))

    @property
    def is_long(self) -> bool:
        """A reference of some paragraphs: an explanation of it should have an example."""
        return self.words >= LONG_REFERENCE_WORDS

    def weight(self, word: str) -> float:
        return self.idf.get(word, self.unknown_idf)


def ngrams(text: str) -> set[tuple[str, ...]]:
    words = tokens(text)
    return {tuple(words[i : i + NGRAM]) for i in range(len(words) - NGRAM + 1)}


def tfidf(words: list[str], weight: dict[str, float], unknown: float) -> dict[str, float]:
    """A unit-length TF-IDF vector (sublinear term frequency) of ``words``."""
    vector = {w: (1.0 + math.log(n)) * weight.get(w, unknown) for w, n in Counter(words).items()}
    norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
    return {w: v / norm for w, v in vector.items()}


def cosine(left: dict[str, float], right: dict[str, float]) -> float:
    if len(left) > len(right):
        left, right = right, left
    return sum(value * right.get(word, 0.0) for word, value in left.items())


@lru_cache(maxsize=16)
def prepare(reference: Reference) -> Prepared:
    """The grading view of ``reference`` (cached: a learner is graded on one topic at a time)."""
    texts = [reference.text, *(s.text for s in reference.sources if s.text not in reference.text)]
    full_text = "\n\n".join(texts)
    sentences = tuple(readability.sentences(full_text)) or (full_text,)
    sentence_roots = tuple(tuple(content_roots(s)) for s in sentences)
    frequency = Counter(w for roots in sentence_roots for w in set(roots))
    count = len(sentences)
    idf = {w: math.log((1 + count) / (1 + df)) + 1.0 for w, df in frequency.items()}
    unknown_idf = math.log(1 + count) + 1.0
    all_roots = [w for roots in sentence_roots for w in roots]
    topic_roots = frozenset(content_roots(reference.topic))
    # A term used in at most a tenth of the sentences (at least two) is distinctive.
    distinctive = math.log((1 + count) / (1 + max(2.0, DISTINCTIVE_SHARE * count))) + 1.0
    ideas = tuple(_profile(idea, idf, topic_roots, distinctive) for idea in reference.key_ideas)
    # A word in capitals that the text also writes in lower case is shouted, not an acronym
    # ("THE ORIGIN OF MUSIC" in a heading).
    lowered = frozenset(_LOWER_WORD.findall(full_text))
    acronyms = frozenset(
        a.lower()
        for a in _ACRONYM.findall(full_text)
        if not _ROMAN.match(a) and a.lower() not in lowered
    )
    technical = tuple(
        dict.fromkeys(
            [
                *(term for profile in ideas if profile.is_term for term in profile.terms),
                *((frozenset({a}),) for a in sorted(acronyms)),
                *(
                    (frozenset({root_word}),)
                    for root_word, word in _long_words(full_text)
                    if root_word not in topic_roots
                ),
            ]
        )
    )
    technical = tuple(t for t in technical if not all(forms & topic_roots for forms in t))
    return Prepared(
        reference=reference,
        vocabulary=Vocabulary(
            all_roots,
            {word: root(stem(word)) for word in tokens(full_text) if is_content(word)},
        ),
        sentences=sentences,
        sentence_roots=sentence_roots,
        sentence_sets=tuple(frozenset(roots) for roots in sentence_roots),
        sentence_words=tuple(frozenset(tokens(sentence)) for sentence in sentences),
        idf=idf,
        unknown_idf=unknown_idf,
        vector=tfidf(all_roots, idf, unknown_idf),
        core=_core(all_roots, topic_roots),
        ideas=ideas,
        topic_roots=topic_roots,
        technical=technical,
        acronyms=acronyms,
        ngrams=frozenset(set().union(*(ngrams(text) for text in texts))),
        words=len(full_text.split()),
    )


def _profile(
    idea: KeyIdea, idf: dict[str, float], topic: frozenset[str], distinctive: float
) -> IdeaProfile:
    """A key term is signalled by its name; a sentence only by its rarer terms ("surplus"),
    never by words the whole reference uses ("price"), which prove nothing alone."""
    is_term = _is_term(idea)
    terms = tuple(forms for forms in (term_forms(term) for term in idea.terms) if forms)
    if not is_term:
        terms = tuple(
            forms
            for forms in terms
            if all(max(idf.get(w, 0.0) for w in word) >= distinctive for word in forms)
        )
    words = {w: idf.get(w, 1.0) for w in content_roots(idea.text) if w not in topic}
    return IdeaProfile(idea, terms, words, is_term=is_term)


def _core(all_roots: list[str], topic: frozenset[str]) -> dict[str, float]:
    """The reference's most used words, weighted by use; all of them for a short reference."""
    counts = Counter(w for w in all_roots if not w.isdigit())
    first = {w: i for i, w in reversed(list(enumerate(all_roots)))}
    ranked = sorted(counts, key=lambda w: (-counts[w], first[w]))
    keep = len(ranked) if len(ranked) <= 12 else min(MAX_CORE_WORDS, 12 + (len(ranked) - 12) // 6)
    return {
        w: (1.0 + math.log(counts[w])) * (TOPIC_WEIGHT if w in topic else 1.0)
        for w in ranked[:keep]
    }


def _long_words(text: str) -> list[tuple[str, str]]:
    found = {
        w.lower()
        for w in readability.words(text)
        if len(w) >= LONG_WORD_LETTERS and not stem(w.lower()).endswith(_EVERYDAY_ENDINGS)
    }
    return sorted((root(stem(word)), word) for word in found)


def _is_term(idea: KeyIdea) -> bool:
    """One signal term and a text that defines it: "Stroma: ...", "... called the stroma"."""
    if len(idea.terms) != 1:
        return False
    lowered = idea.text.lower()
    return ":" in idea.text[:60] or any(marker in lowered for marker in _DEFINING)
