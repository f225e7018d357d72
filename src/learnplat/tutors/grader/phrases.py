"""An opposite said of the same words: the learner's "private online catalogue" where the
reference speaks only of "public online catalogue", wherever the two sentences stand."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from ..offline.text import stem, tokens
from .opposites import opposed
from .prepared import Prepared
from .words import is_content, root

# What an opposite word is said of: the next two content words, within this many words.
PHRASE_REACH = 4
# A phrase ends at punctuation: "large static sites, the build time" says nothing of "sites
# build".
_PUNCTUATION = re.compile(r"[,;:()\[\]]")
Key = tuple[str, str]


def _phrases(sentence: str) -> list[tuple[str, Key]]:
    """Each word of ``sentence`` with the next two content roots after it in its phrase."""
    found = []
    for piece in _PUNCTUATION.split(sentence):
        words = tokens(piece)
        roots = [root(stem(w)) if is_content(w) else "" for w in words]
        for at, word in enumerate(words):
            after = [r for r in roots[at + 1 : at + 1 + PHRASE_REACH] if r][:2]
            if len(after) == 2 and word.isalpha():
                found.append((word, (after[0], after[1])))
    return found


@lru_cache(maxsize=16)
def reference_phrases(prepared: Prepared) -> dict[Key, tuple[tuple[int, str], ...]]:
    """For each pair of roots, the reference sentences and the word said before them."""
    index: dict[Key, list[tuple[int, str]]] = {}
    for number, sentence in enumerate(prepared.sentences):
        for word, key in _phrases(sentence):
            index.setdefault(key, []).append((number, word))
    return {key: tuple(found) for key, found in index.items()}


def opposite_phrase(
    prepared: Prepared, sentence: str, same_thing: Callable[[str, str], bool] | None = None
) -> int | None:
    """The reference sentence that says the opposite word of the same two words as
    ``sentence`` ("public online catalogue" against "private online catalogue"), when the reference
    never says the learner's word of them and the learner's sentence never uses the
    reference's; with
    ``same_thing``, only of a sentence about the same thing."""
    index = reference_phrases(prepared)
    mine = _phrases(sentence)
    # A learner who uses both words ("dynamic sites ..., while static sites ...") sets them
    # against each other on purpose.
    used = set(tokens(sentence))
    for word, key in mine:
        found = index.get(key, ())
        if any(theirs == word for _, theirs in found):
            continue
        for number, theirs in found:
            if not opposed(word, theirs) or theirs in used:
                continue
            if same_thing is None or same_thing(sentence, prepared.sentences[number]):
                return number
    return None
