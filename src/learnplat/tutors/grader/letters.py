"""Letters notes name things by ("a client C and a server S", then "C sends a hello to S"),
read as the names, so a claim in words meets the notes' claim in letters."""

from __future__ import annotations

import re
from collections.abc import Mapping

# "client C": a word of three letters or more, then a capital that is its initial.
_NAMING = re.compile(r"\b([A-Za-z]{3,})\s+([A-Z])\b(?![\w'’-])")
_LETTER = re.compile(r"(?<![\w'’-])([A-Z])(?![\w'’-])")
# Capitals that are English words ("A conditional is ...", "I").
_WORDS = frozenset("AI")


def letter_names(text: str) -> dict[str, str]:
    """Each capital letter ``text`` introduces after a word starting with it ("client C"),
    mapped to that word (lower case); a letter given two names has none."""
    names: dict[str, set[str]] = {}
    for word, letter in _NAMING.findall(text):
        if word[0].upper() == letter and letter not in _WORDS:
            names.setdefault(letter, set()).add(word.lower())
    return {letter: next(iter(words)) for letter, words in names.items() if len(words) == 1}


def spelled_out(sentence: str, names: Mapping[str, str]) -> str:
    """``sentence`` with each named letter standing alone replaced by its name."""
    if not names:
        return sentence
    return _LETTER.sub(lambda found: names.get(found.group(1), found.group(1)), sentence)
