"""Matching by meaning (the semantic tier): each key idea and each reference sentence set
against the learner's sentences with a sentence model, so an idea said in other words counts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from .prepared import Prepared
from .submission import Submission

if TYPE_CHECKING:
    import numpy as np

    from .encoder import SentenceEncoder

# Cosines of all-MiniLM-L6-v2 between sentences: about 0.1 for unrelated ones, 0.3-0.5 for two
# claims on one topic, 0.6 and more for one claim in other words. An idea earns credit from
# MATCH_LOW and full credit at MATCH_FULL; a sentence this close to a reference sentence is
# checked against it for a contradiction.
MATCH_LOW = 0.5
MATCH_FULL = 0.8
ALIGNED = 0.6
# Two clauses that differ by a word or two but are about one thing stay high in or above the
# band of two claims on one topic ("the master serves writes", "the slaves serve writes");
# below it, a difference between them is one between claims about different things.
SAME_THING = 0.45


@dataclass(frozen=True, eq=False)
class ReferenceVectors:
    """A reference's key ideas and sentences as unit vectors, and their mean direction."""

    ideas: np.ndarray
    sentences: np.ndarray
    whole: np.ndarray


@dataclass(frozen=True)
class Meaning:
    """How close, by meaning, the explanation comes to each key idea and to the reference."""

    idea_similarity: tuple[float, ...]
    idea_sentence: tuple[int, ...]
    agreement: float
    aligned: tuple[tuple[int, ...], ...]

    def credit(self, index: int) -> float:
        """The share of key idea ``index`` the closest learner sentence says, 0..1."""
        similarity = self.idea_similarity[index]
        return min(1.0, max(0.0, (similarity - MATCH_LOW) / (MATCH_FULL - MATCH_LOW)))


@lru_cache(maxsize=16)
def reference_vectors(prepared: Prepared, encoder: SentenceEncoder) -> ReferenceVectors:
    """The vectors of ``prepared`` (cached: one reference serves many explanations)."""
    import numpy as np

    ideas = [profile.idea.text for profile in prepared.ideas]
    vectors = encoder.encode([*ideas, *prepared.sentences])
    sentences = vectors[len(ideas) :]
    whole = sentences.mean(axis=0)
    return ReferenceVectors(vectors[: len(ideas)], sentences, whole / np.linalg.norm(whole))


def measure_meaning(
    prepared: Prepared, submission: Submission, encoder: SentenceEncoder
) -> Meaning:
    """Each key idea's closest learner sentence, the whole explanation's agreement with the
    reference, and for each learner sentence the reference sentences it restates."""
    import numpy as np

    reference = reference_vectors(prepared, encoder)
    mine = encoder.encode(list(submission.sentences))
    to_ideas = reference.ideas @ mine.T
    to_sentences = mine @ reference.sentences.T
    whole = mine.mean(axis=0)
    agreement = float(whole @ reference.whole / max(float(np.linalg.norm(whole)), 1e-9))
    aligned = tuple(
        tuple(int(j) for j in np.flatnonzero(row >= ALIGNED)[np.argsort(-row[row >= ALIGNED])])
        for row in to_sentences
    )
    if not len(to_ideas):
        return Meaning((), (), agreement, aligned)
    return Meaning(
        idea_similarity=tuple(float(x) for x in to_ideas.max(axis=1)),
        idea_sentence=tuple(int(x) for x in to_ideas.argmax(axis=1)),
        agreement=agreement,
        aligned=aligned,
    )


def same_thing(encoder: SentenceEncoder) -> Callable[[str, str], bool]:
    """Whether two clauses are about the same thing by meaning (cosine >= SAME_THING)."""

    @lru_cache(maxsize=256)
    def vector(text: str) -> np.ndarray:
        return encoder.encode([text])[0]

    def check(mine: str, theirs: str) -> bool:
        return float(vector(mine) @ vector(theirs)) >= SAME_THING

    return check
