"""How far an explanation keeps to its reference: shared wording, TF-IDF agreement, and the
few contradictions that can be told reliably (an opposite word where the reference is clear)."""

from __future__ import annotations

from dataclasses import dataclass

from .contradiction import Contradiction
from .prepared import Prepared, cosine, tfidf
from .submission import Submission

# Agreement that earns full marks; a right explanation in other words shares far from all.
COSINE_FULL = 0.6
ON_TOPIC_FULL = 0.85
COSINE_SHARE = 0.4
CONTRADICTION_PENALTY = 0.2
STRAY_WORDS = 4
# By meaning, the explanation as a whole against the reference as a whole (all-MiniLM-L6-v2):
# unrelated text comes to 0.2 or less and earns nothing, a right explanation in other
# words to 0.5-0.8.
MEANING_FLOOR = 0.2
MEANING_FULL = 0.8


@dataclass(frozen=True)
class Relevance:
    """Agreement with the reference, and the sentences that seem to contradict or stray from it."""

    cosine: float
    on_topic: float
    contradictions: tuple[Contradiction, ...]
    stray: tuple[str, ...]
    by_meaning: float | None = None
    substance: float = 1.0

    @property
    def score(self) -> float:
        on_topic = min(1.0, self.on_topic / ON_TOPIC_FULL)
        if self.by_meaning is not None:
            # On the subject by meaning counts where the wording is the learner's own, as far
            # as the explanation says something (a vague text about plants is not accurate).
            by_meaning = (self.by_meaning - MEANING_FLOOR) / (MEANING_FULL - MEANING_FLOOR)
            on_topic = max(on_topic, min(1.0, max(0.0, by_meaning)) * self.substance)
        shared = min(1.0, self.cosine / COSINE_FULL)
        agreement = COSINE_SHARE * shared + (1 - COSINE_SHARE) * on_topic
        return max(0.0, agreement - CONTRADICTION_PENALTY * min(2, len(self.contradictions)))


def measure_relevance(
    prepared: Prepared,
    submission: Submission,
    contradictions: tuple[Contradiction, ...] = (),
    by_meaning: float | None = None,
    substance: float = 1.0,
) -> Relevance:
    """TF-IDF agreement, the share of wording on the topic, sentences on no part of it, and
    the ``contradictions`` found; ``by_meaning``: how far the semantic tier finds the
    explanation on the subject (its cosine with the reference, None without the tier), which
    counts in proportion to ``substance`` (0..1, how much of the key ideas it says)."""
    roots = submission.roots
    vector = tfidf(roots, prepared.idf, prepared.unknown_idf)
    weights = [prepared.weight(word) for word in roots]
    known = sum(w for word, w in zip(roots, weights, strict=True) if word in prepared.idf)
    on_topic = known / sum(weights) if weights else 0.0
    stray = []
    for index, sentence in enumerate(submission.sentences):
        sentence_roots = set(submission.sentence_roots(index))
        if len(sentence_roots) >= STRAY_WORDS and not sentence_roots & set(prepared.idf):
            stray.append(sentence)
    return Relevance(
        cosine(vector, prepared.vector),
        on_topic,
        contradictions,
        tuple(stray),
        by_meaning,
        substance,
    )
