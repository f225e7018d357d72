"""Copy-paste: how much of an explanation repeats the reference's wording word for word."""

from __future__ import annotations

from ..offline.text import tokens
from .prepared import NGRAM, Prepared
from .submission import Submission

# A short answer may match a one-line reference by chance; a pasted passage is longer.
MIN_WORDS = 30
COPIED = 0.6


def copied_share(prepared: Prepared, submission: Submission) -> float:
    """The share of the explanation's 5-word sequences found in the reference or its sources."""
    words = tokens(submission.text)
    if len(words) < max(MIN_WORDS, NGRAM):
        return 0.0
    grams = [tuple(words[i : i + NGRAM]) for i in range(len(words) - NGRAM + 1)]
    return sum(1 for gram in grams if gram in prepared.ngrams) / len(grams)
