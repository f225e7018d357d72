"""Headings a learner can read: numbering dropped, capitals tamed, fragments and formulas refused.

The document's headings group what a lesson teaches, but not every heading reads as a title
where it is shown: "2.1 Light reactions" is shown as "Light reactions", "THE ORIGIN OF MUSIC"
as "The Origin of Music", and "2 ‹ ∞ respectively. Draw n samples" not at all (its parent's
title stands instead).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from .text import MATH

MAX_WORDS = 12
# "2.1 ", "Chapter 3: ", "IV. ", "B) ": a numeral or letter needs its punctuation, so that
# "A Brief History" and "I Think" keep their first word.
_NUMBERING = re.compile(
    r"^(?:(?:chapter|chap\.|section|part|lecture|lesson|unit|appendix)\s+)?"
    r"(?:\d+(?:\.\d+)*(?:[.:)]|\s*[-–—:])?|(?:[IVXLC]+|[A-Z])(?:[.:)]|\s+[-–—:]))\s+(?=\S)"
)
_CHAPTER_WORD = re.compile(
    r"^(?:chapter|chap\.|section|part|lecture|lesson|unit|appendix)\s+(?:\d+|[IVXLC]+)\b[.:]?\s*",
    re.IGNORECASE,
)
_BARE_NUMBERING = re.compile(
    r"^(?:(?:chapter|chap\.|section|part|lecture|lesson|unit|appendix)\s+)?"
    r"(?:\d+(?:\.\d+)*|[IVXLC]+)\.?$",
    re.IGNORECASE,
)
_GLUED_NUMBER = re.compile(r"^\d+(?=[A-Z][a-z])")
# A token of letters and digits run together ("Hpgp1", "x2") is a symbol, not a word.
_SYMBOL_TOKEN = re.compile(r"(?<!\S)(?=\S*[A-Za-z])(?=\S*\d)[A-Za-z\d]+(?!\S)")
_LABEL = re.compile(r"^(?:figure|fig\.|table|source|image|photo)\s*\d*[:.]", re.IGNORECASE)
_FINITE_VERB = re.compile(r"\s(?:is|are|was|were|has|have|can|will|must|should)\s")
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
_TWO_SENTENCES = re.compile(r"(?:[a-z]{2,}|\))[.!?]\s+[A-Z]")
_DOT_LEADERS = re.compile(r"(?:\.\s?){3,}|…\s*\d")
_SINGLE_LETTERS = re.compile(r"(?<!\S)[b-zB-HJ-Z](?!\S)")
_DANGLING = re.compile(r"(?:[,;(\-–—/&]|\b(?:and|or|of|the|to|a|an|in|for|with|by))$", re.I)
_OPENS_LIKE_PROSE = re.compile(
    r"^(?:therefore|hence|thus|however|moreover|furthermore|consequently)\b|^\w+,\s",
    re.IGNORECASE,
)
_SMALL_WORDS = frozenset("a an and as at but by for in nor of on or the to vs via with".split())


def _title_case(text: str) -> str:
    words = text.lower().split()
    return " ".join(
        word if position and word in _SMALL_WORDS else word[:1].upper() + word[1:]
        for position, word in enumerate(words)
    )


@lru_cache(maxsize=4096)
def readable(heading: str) -> str | None:
    """``heading`` as it should be shown, or None when it does not read as a title."""
    text = " ".join(heading.split()).strip(" .:")
    if not text or _BARE_NUMBERING.match(text):
        return None
    text = _CHAPTER_WORD.sub("", text, count=1)
    text = _NUMBERING.sub("", text, count=1).strip(" .:") or text
    if _NUMBERING.match(text):
        return None  # a page number then a section number: a contents line
    text = _GLUED_NUMBER.sub("", text)  # "7Covering maps": a slide number glued on
    letters = sum(char.isalpha() for char in text)
    if letters < 3 or letters < 0.6 * len(text.replace(" ", "")):
        return None
    if MATH.search(text) or "\\" in text or _PRIVATE_USE.search(text) or _DOT_LEADERS.search(text):
        return None
    if len(text.split()) > MAX_WORDS or _TWO_SENTENCES.search(text) or "://" in text:
        return None
    if _DANGLING.search(text) or len(_SINGLE_LETTERS.findall(text)) >= 2:
        return None
    if text[0].islower() and not text[1:2].isupper():
        return None  # the tail of a sentence, not a title ("n tends towards ...")
    if _OPENS_LIKE_PROSE.match(text) or _LABEL.match(text):
        return None  # "Therefore, the energy levels E0", "Figure: ...": not a title
    if len(_SYMBOL_TOKEN.findall(text)) >= 2:
        return None  # "Hpgp1 Hpgp2 Hpgpgp": a matrix row
    if _reads_as_sentence(text):
        return None
    if text.isupper() and len(text) > 4:
        text = _title_case(text)
        if _TWO_SENTENCES.search(text):
            return None  # "CHAP. PAGE": a contents page's column heads
    return text


def _reads_as_sentence(text: str) -> bool:
    """A clause rather than a title: a finite verb in six words or more ("This determinant is a
    gp-th degree equation"), or nine words or more mostly in lower case."""
    words = text.split()
    if len(words) >= 6 and _FINITE_VERB.search(f" {text} "):
        return True
    significant = [w for w in words[1:] if w.lower() not in _SMALL_WORDS]
    capitals = sum(1 for w in significant if w[:1].isupper())
    return len(words) >= 9 and capitals * 2 < len(significant)


def shown(path: Sequence[str]) -> str:
    """The deepest heading of ``path`` that reads as a title ("" when none does)."""
    for heading in reversed(path):
        title = readable(heading)
        if title:
            return title
    return ""
