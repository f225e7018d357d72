"""Contradictions that can be told reliably: a learner sentence aligned with a reference
sentence (by shared words, or by meaning) that says the opposite word about the same thing,
or gives a year the reference does not."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..offline.text import stem, tokens
from .meaning import Meaning
from .prepared import Prepared
from .submission import Submission
from .words import is_content, root

MIN_SHARED = 3
ALIGNED_SHARE = 0.5
REACH = 3
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
_YEAR = re.compile(r"\b(1[0-9]{3}|20[0-9]{2})s?\b")


@dataclass(frozen=True)
class Contradiction:
    """A learner sentence (its index and text) and the reference sentence it contradicts."""

    index: int
    sentence: str
    reference: str


@dataclass(frozen=True)
class Alignment:
    """The reference sentences one learner sentence restates: ``strong`` ones closely enough to
    be held to, the closest first, and ``loose`` ones (any shared subject) that can back the
    learner's words."""

    strong: tuple[int, ...]
    loose: tuple[int, ...]


def align(
    prepared: Prepared, roots: set[str], by_meaning: Sequence[int] = ()
) -> Alignment:
    """Reference sentences close by meaning (``by_meaning``, closest first, from the semantic
    tier), then those sharing half the sentence's roots (strong, most shared first) or at least
    MIN_SHARED of them (loose)."""
    shared = {
        index: len(roots & reference_roots)
        for index, reference_roots in enumerate(prepared.sentence_sets)
        if len(roots) >= MIN_SHARED and len(roots & reference_roots) >= MIN_SHARED
    }
    by_words = sorted(shared, key=lambda index: (-shared[index], index))
    strong = [*by_meaning, *(i for i in by_words if shared[i] / len(roots) >= ALIGNED_SHARE)]
    return Alignment(
        tuple(dict.fromkeys(strong)), tuple(dict.fromkeys([*by_meaning, *by_words]))
    )


def find_contradictions(
    prepared: Prepared, submission: Submission, meaning: Meaning | None = None
) -> tuple[Contradiction, ...]:
    """Every sentence of ``submission`` that contradicts the reference sentence it restates
    (with ``meaning``, also those it restates in other words)."""
    found = []
    for index, sentence in enumerate(submission.sentences):
        roots = set(submission.sentence_roots(index))
        alignment = align(prepared, roots, meaning.aligned[index] if meaning else ())
        reference = contradiction(prepared, sentence, alignment)
        if reference is not None:
            found.append(Contradiction(index, sentence, prepared.sentences[reference]))
    return tuple(found)


def contradiction(prepared: Prepared, sentence: str, alignment: Alignment) -> int | None:
    """The reference sentence ``sentence`` contradicts, when no aligned sentence backs it."""
    if not alignment.strong:
        return None
    found = _opposite(prepared, tokens(sentence), alignment)
    return found if found is not None else _other_year(prepared, sentence, alignment)


def _opposite(prepared: Prepared, words: list[str], alignment: Alignment) -> int | None:
    """One word of an opposite pair where the reference says the other about the same thing
    ("lower their prices" against "raise their prices"), and nothing aligned backs it."""
    present = set(words)
    for mine, theirs in _PAIRS:
        if not present & mine or present & theirs:
            continue
        if any(prepared.sentence_words[index] & mine for index in alignment.loose):
            continue
        around = _neighbours(words, mine)
        for index in alignment.strong:
            if not prepared.sentence_words[index] & theirs:
                continue
            if around & _neighbours(tokens(prepared.sentences[index]), theirs):
                return index
    return None


def _neighbours(words: list[str], targets: frozenset[str]) -> set[str]:
    """The content roots within REACH words of any of ``targets``: what they are said of."""
    found: set[str] = set()
    for position, word in enumerate(words):
        if word in targets:
            nearby = words[max(0, position - REACH) : position + REACH + 1]
            found.update(root(stem(w)) for w in nearby if is_content(w) and w not in targets)
    return found


def _other_year(prepared: Prepared, sentence: str, alignment: Alignment) -> int | None:
    years = set(_YEAR.findall(sentence))
    if not years or any(year in prepared.reference.text for year in years):
        return None
    for index in alignment.strong:
        if _YEAR.search(prepared.sentences[index]):
            return index
    return None
