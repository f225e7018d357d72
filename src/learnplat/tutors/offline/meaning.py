"""Rank sentences by meaning too: the question and the sentences as MiniLM vectors, when the
semantic tier (learnplat[semantic]) is installed. Words find the candidates; meaning reorders
them, so "How many things can a person hold in short-term memory?" finds "... could hold 7±2
items" though it shares only "short-term memory"."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

# Weight of meaning against words in the combined score, and how many sentences are weighed.
MEANING_WEIGHT = 0.55
CANDIDATES = 60
_CACHE_SIZE = 20_000

_lock = threading.Lock()
_vectors: OrderedDict[str, np.ndarray] = OrderedDict()


def similarities(question: str, texts: Sequence[str]) -> list[float] | None:
    """Cosine of ``question`` with each text; None when the semantic tier is not available."""
    from ..grader.encoder import shared_encoder

    encoder = shared_encoder()
    if encoder is None:
        return None
    import numpy as np

    with _lock:
        missing = [text for text in dict.fromkeys(texts) if text not in _vectors]
    if missing:
        encoded = encoder.encode(missing)
        with _lock:
            for text, vector in zip(missing, encoded, strict=True):
                _vectors[text] = vector
            while len(_vectors) > _CACHE_SIZE:
                _vectors.popitem(last=False)
    query = encoder.encode([question])[0]
    with _lock:
        matrix = np.stack([_vectors[text] for text in texts])
    return [float(value) for value in matrix @ query]


def rerank(
    question: str, scored: list[tuple[float, int]], texts: Sequence[str]
) -> tuple[list[float], list[float]]:
    """New scores for the best ``CANDIDATES`` of ``scored`` ((score, position) best first):
    their share of the best word score blended with their share of the best cosine; the rest
    keep a score below all of these. Also each one's cosine (0 beyond the candidates).
    Unchanged, with no cosines, when the tier is missing."""
    head = scored[:CANDIDATES]
    cosines = similarities(question, [texts[position] for _score, position in head])
    if cosines is None or not head:
        return [score for score, _position in scored], [0.0] * len(scored)
    top_score = max(head[0][0], 1e-9)
    top_cosine = max(max(cosines), 1e-9)
    blended = [
        (1 - MEANING_WEIGHT) * score / top_score + MEANING_WEIGHT * max(cosine, 0.0) / top_cosine
        for (score, _position), cosine in zip(head, cosines, strict=True)
    ]
    floor = min(blended, default=0.0)
    rest = [floor * score / top_score * 0.5 for score, _position in scored[CANDIDATES:]]
    return blended + rest, cosines + [0.0] * len(rest)
