"""Which way a claim turns one thing into another: "convert A into B", "turn A into B",
"B is converted from A", so a learner's claim that turns it round can be told."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..offline.text import stem
from .words import root

if TYPE_CHECKING:
    from .claims import Claim

_VERBS = frozenset(
    root(stem(word)) for word in "convert turn transform translate map change".split()
)
_TO = frozenset(("into", "to", "onto"))
_PASSIVE = frozenset("is are was were be been being".split())
# What is converted is named within a few words of the verb, and what it becomes right after
# "into": more words belong to the rest of the sentence.
OBJECT_WORDS = 12
SIDE_ROOTS = 4

Direction = tuple[str, frozenset[str], frozenset[str]]


def direction(claim: Claim) -> Direction | None:
    """The claim's conversion as (verb root, what it starts from, what it ends as), or None."""
    words, roots = claim.words, claim.roots
    for at, verb in enumerate(roots):
        if verb not in _VERBS:
            continue
        end = min(len(words), at + 1 + OBJECT_WORDS)
        to = next((p for p in range(at + 1, end) if words[p] in _TO), None)
        if to is None:
            continue
        start = at + 1
        if "from" in words[start:to]:
            start = words.index("from", start, to) + 1
        source = [r for r in roots[start:to] if r]
        if not source and at and words[at - 1] in _PASSIVE:
            # "the ammonia is converted into urea": the subject is what is converted.
            source = [r for r in roots[:at] if r][-SIDE_ROOTS:]
        target = [r for r in roots[to + 1 :] if r][:SIDE_ROOTS]
        if source and target:
            return verb, frozenset(source), frozenset(target)
    return None


def reversed_direction(mine: Claim, theirs: Claim) -> bool:
    """Whether ``mine`` converts the other way round from ``theirs`` ("convert urea into
    ammonia" against "convert ammonia into urea"): the same verb, each side's
    start among the other's ends, more so than among its starts."""
    left, right = direction(mine), direction(theirs)
    if left is None or right is None or left[0] != right[0]:
        return False
    _, my_start, my_end = left
    _, their_start, their_end = right
    crossed = (my_start & their_end, my_end & their_start)
    straight = len(my_start & their_start) + len(my_end & their_end)
    return all(crossed) and len(crossed[0]) + len(crossed[1]) > straight
