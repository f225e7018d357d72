"""How far an explanation keeps to its reference: shared wording, TF-IDF agreement, and the
few contradictions that can be told reliably (an opposite word where the reference is clear)."""

from __future__ import annotations

from dataclasses import dataclass

from ..offline.text import tokens
from .prepared import Prepared, cosine, tfidf
from .submission import Submission

# Agreement that earns full marks; a right explanation in other words shares far from all.
COSINE_FULL = 0.6
ON_TOPIC_FULL = 0.85
COSINE_SHARE = 0.4
CONTRADICTION_PENALTY = 0.2
MIN_SHARED = 3
ALIGNED = 0.5
STRAY_WORDS = 4
_OPPOSITES = (
    ("increase increases increased increasing", "decrease decreases decreased decreasing"),
    ("rise rises rising rose risen", "fall falls falling fell fallen"),
    ("more", "less fewer"),
    ("higher", "lower"),
    ("raise raises raised raising", "lower lowers lowered lowering cut cuts"),
    ("gain gains gained", "lose loses lost"),
    ("absorb absorbs absorbed absorbing", "release releases released releasing"),
    ("bigger larger greater", "smaller"),
    ("faster quicker", "slower"),
    ("positive", "negative"),
    ("before", "after"),
    ("always", "never"),
    ("inside", "outside"),
    ("left", "right"),
    ("sorted ordered", "unsorted unordered"),
    ("surplus surpluses", "shortage shortages"),
    ("cheaper", "dearer"),
    ("minimum", "maximum"),
)
_PAIRS = tuple(
    (frozenset(a.split()), frozenset(b.split()))
    for pair in _OPPOSITES
    for a, b in (pair, pair[::-1])
)


@dataclass(frozen=True)
class Relevance:
    """Agreement with the reference, and the sentences that seem to contradict or stray from it."""

    cosine: float
    on_topic: float
    contradictions: tuple[tuple[str, str], ...]
    stray: tuple[str, ...]

    @property
    def score(self) -> float:
        agreement = COSINE_SHARE * min(1.0, self.cosine / COSINE_FULL) + (1 - COSINE_SHARE) * min(
            1.0, self.on_topic / ON_TOPIC_FULL
        )
        return max(0.0, agreement - CONTRADICTION_PENALTY * min(2, len(self.contradictions)))


def measure_relevance(prepared: Prepared, submission: Submission) -> Relevance:
    roots = submission.roots
    vector = tfidf(roots, prepared.idf, prepared.unknown_idf)
    weights = [prepared.weight(word) for word in roots]
    known = sum(w for word, w in zip(roots, weights, strict=True) if word in prepared.idf)
    on_topic = known / sum(weights) if weights else 0.0
    contradictions: list[tuple[str, str]] = []
    stray: list[str] = []
    for index, sentence in enumerate(submission.sentences):
        sentence_roots = set(submission.sentence_roots(index))
        if len(sentence_roots) >= STRAY_WORDS and not sentence_roots & set(prepared.idf):
            stray.append(sentence)
        found = _contradiction(prepared, sentence, sentence_roots)
        if found:
            contradictions.append((sentence, found))
    return Relevance(cosine(vector, prepared.vector), on_topic, tuple(contradictions), tuple(stray))


def _contradiction(prepared: Prepared, sentence: str, roots: set[str]) -> str | None:
    """The reference sentence this one contradicts: closely aligned with it, it says one word
    of an opposite pair where the reference says the other, and no reference sentence on the
    same words backs the learner's word."""
    if len(roots) < MIN_SHARED:
        return None
    words = set(tokens(sentence))
    aligned = [
        (index, len(roots & prepared.sentence_sets[index]))
        for index in range(len(prepared.sentences))
        if len(roots & prepared.sentence_sets[index]) >= MIN_SHARED
    ]
    for mine, theirs in _PAIRS:
        if not words & mine or words & theirs:
            continue
        if any(prepared.sentence_words[index] & mine for index, _ in aligned):
            continue
        for index, shared in aligned:
            if prepared.sentence_words[index] & theirs and shared / len(roots) >= ALIGNED:
                return prepared.sentences[index]
    return None
