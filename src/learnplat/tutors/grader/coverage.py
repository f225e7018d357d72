"""Which key ideas an explanation covers: by their terms, their words or the reference's core."""

from __future__ import annotations

from dataclasses import dataclass

from ...domain.model import KeyIdea
from .meaning import Meaning
from .prepared import IdeaProfile, Prepared
from .submission import Submission

# An idea's words count as covering it once this share of their weight is used.
TEXT_RECALL_FULL = 0.6
COVERED = 0.5
# Mean idea score and core-word recall that earn full marks: no explanation says everything.
IDEAS_FULL = 0.85
CORE_FULL = 0.75
IDEA_SHARE = 0.6


@dataclass(frozen=True)
class Coverage:
    """Per-idea scores, the ideas covered and missed, the share of core words used, and the
    covered ideas that only matching by meaning found (said in other words)."""

    scores: tuple[float, ...]
    covered: tuple[KeyIdea, ...]
    missed: tuple[KeyIdea, ...]
    idea_mean: float
    core_recall: float
    by_meaning: tuple[KeyIdea, ...] = ()

    @property
    def score(self) -> float:
        ideas = min(1.0, self.idea_mean / IDEAS_FULL)
        core = min(1.0, self.core_recall / CORE_FULL)
        return IDEA_SHARE * ideas + (1 - IDEA_SHARE) * core


def idea_score(profile: IdeaProfile, present: frozenset[str]) -> float:
    """1 when the idea's term is used (two of a sentence's terms), or in proportion to how
    much of its wording (a definition's words included) the explanation uses."""
    term_score = 0.0
    if profile.terms:
        hits = sum(1 for term in profile.terms if all(forms & present for forms in term))
        needed = 1 if profile.is_term else min(2, len(profile.terms))
        term_score = min(1.0, hits / needed)
    total = sum(profile.words.values())
    if not total:
        return term_score
    used = sum(weight for word, weight in profile.words.items() if word in present)
    return max(term_score, min(1.0, used / total / TEXT_RECALL_FULL))


def measure_coverage(
    prepared: Prepared,
    submission: Submission,
    meaning: Meaning | None = None,
    contradicted: frozenset[int] = frozenset(),
) -> Coverage:
    """Each key idea's score by its words and, with ``meaning``, by how closely some sentence
    says it (never the credit of a sentence in ``contradicted``, which says the opposite: "the
    limits of short-term memory" are not covered by "short-term memory has no limit")."""
    present = frozenset(
        token.root
        for token in submission.tokens
        if token.root and token.sentence not in contradicted
    )
    by_words = tuple(idea_score(profile, present) for profile in prepared.ideas)
    scores = by_words
    if meaning is not None:
        scores = tuple(
            score
            if meaning.idea_sentence[index] in contradicted
            else max(score, meaning.credit(index))
            for index, score in enumerate(by_words)
        )
    in_other_words = tuple(
        profile
        for profile, words, score in zip(prepared.ideas, by_words, scores, strict=True)
        if words < COVERED <= score
    )
    # A key term explained without being named still counts among the core words.
    named = set(present)
    for profile, score in zip(prepared.ideas, scores, strict=True):
        if profile.is_term and score >= COVERED:
            for forms in profile.terms[0]:
                named.update(forms)
    total = sum(prepared.core.values()) or 1.0
    core_recall = sum(w for word, w in prepared.core.items() if word in named) / total
    covered = tuple(p.idea for p, s in zip(prepared.ideas, scores, strict=True) if s >= COVERED)
    missed = tuple(p.idea for p, s in zip(prepared.ideas, scores, strict=True) if s < COVERED)
    mean = sum(scores) / len(scores) if scores else core_recall
    return Coverage(
        scores, covered, missed, mean, core_recall, tuple(p.idea for p in in_other_words)
    )
