"""How much a word says: rarer words carry a question, everyday ones are the learner's wording.

The MiniLM tokenizer vendored for the grader (``grader/minilm/tokenizer.json``) lists its whole
words by how often they occur in the English it was learnt from ("the" first), and splits rare
and technical words into pieces ("tunnelling" -> "tunnel" + "##ling"). A word's rank there is
a frequency rank, and its logarithm how much the word tells (Zipf's law): "long" little,
"roast" a lot, "tunnelling" (not a whole word at all) the most.
"""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path

VOCABULARY = Path(__file__).resolve().parents[1] / "grader" / "minilm" / "tokenizer.json"
_ENDINGS = ("ies", "es", "s", "ed", "ing", "ers", "er", "ly")
# The most a word can tell: one the vocabulary does not hold whole (about 2**16 ranks).
RARE = 16.0


@cache
def _ranks() -> dict[str, int]:
    """Whole words by frequency rank (1 = the most frequent)."""
    try:
        vocabulary = json.loads(VOCABULARY.read_text(encoding="utf-8"))["model"]["vocab"]
    except (OSError, ValueError, KeyError):
        return {}  # without the file every word counts as rare: the strict reading
    words = sorted((index, word) for word, index in vocabulary.items() if word.isalpha())
    # Single letters and the reserved entries come first in the file: rank from the first word
    # of two letters or more.
    first = next((index for index, word in words if len(word) > 1), 0)
    return {word: max(1, index - first + 1) for index, word in words if index >= first}


def _rank(word: str) -> int | None:
    ranks = _ranks()
    lowered = word.lower()
    if lowered in ranks:
        return ranks[lowered]
    # Its forms: "beginners" -> "beginner" -> "begin", "analysed" -> "analyse".
    roots = [lowered]
    for _ in range(2):
        roots = [
            root.removesuffix(ending)
            for root in roots
            for ending in _ENDINGS
            if root.endswith(ending) and len(root) - len(ending) >= 3
        ]
        for root in roots:
            undoubled = root[:-1] if len(root) > 3 and root[-1] == root[-2] else root
            found = ranks.get(root) or ranks.get(root + "e") or ranks.get(undoubled)
            if found:
                return found
    return None


def information(word: str) -> float:
    """Bits a word tells by its frequency: about 1 for "the", 16 for a rare or technical word."""
    rank = _rank(word)
    return RARE if rank is None else min(RARE, max(1.0, math.log2(rank + 1)))


def is_common(word: str) -> bool:
    """True for an everyday English word, in any of its forms ("beginners" as "beginner")."""
    return _rank(word) is not None
