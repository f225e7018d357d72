"""Choose answers by meaning too: the question and the candidate answers as MiniLM vectors, when
the semantic tier (learnplat[semantic]) is installed. Words find the candidates (a sentence with
what goes with it); meaning chooses among them, so "How many things can a person hold in
short-term memory?" finds "... could hold 7±2 items" though it shares only "short-term memory"."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

# Weight of meaning against words in the combined score. The words carry the learner's everyday
# wording too (``paraphrase.py``), so meaning decides less than half (on the corpus bench, ask is
# right as often for any weight from 0.1 to 0.4, and less often from 0.5).
MEANING_WEIGHT = 0.4
# How much of a candidate answer is encoded (about 100 of the model's tokens).
MAX_CHARS = 500
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

    # What an answer is about is said in its first words; the rest costs time to encode.
    texts = [text[:MAX_CHARS] for text in texts]
    with _lock:
        missing = [text for text in dict.fromkeys(texts) if text not in _vectors]
    # One run of the model for the question and the answers not seen before.
    encoded = encoder.encode([question, *missing])
    query = encoded[0]
    with _lock:
        for text, vector in zip(missing, encoded[1:], strict=True):
            _vectors[text] = vector
        while len(_vectors) > _CACHE_SIZE:
            _vectors.popitem(last=False)
        matrix = np.stack([_vectors[text] for text in texts])
    return [float(value) for value in matrix @ query]


def blend(
    question: str, scores: Sequence[float], texts: Sequence[str]
) -> tuple[list[float], list[float]] | None:
    """Each candidate answer's share of the best word score blended with its share of the
    best cosine with ``question``, and the cosines; None when the tier is not available."""
    cosines = similarities(question, texts)
    if cosines is None or not scores:
        return None
    top_score = max(max(scores), 1e-9)
    top_cosine = max(max(cosines), 1e-9)
    blended = [
        (1 - MEANING_WEIGHT) * score / top_score + MEANING_WEIGHT * max(cosine, 0.0) / top_cosine
        for score, cosine in zip(scores, cosines, strict=True)
    ]
    return blended, cosines
