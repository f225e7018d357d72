"""Profile names: one profile whatever the case, and no name that only looks like another."""

from __future__ import annotations

import unicodedata

# Letters of other scripts drawn like Latin ones (the common part of Unicode's confusables.txt),
# and the ASCII characters fonts hardly tell apart (0/O, 1/l/I). Full-width and mathematical
# letters need no entry: NFKC turns them into plain ones first.
_LOOKALIKES = str.maketrans(
    {
        # Cyrillic
        "а": "a", "с": "c", "ԁ": "d", "е": "e", "һ": "h", "і": "i", "ј": "j", "ӏ": "l",
        "о": "o", "р": "p", "ԛ": "q", "ѕ": "s", "ս": "u", "ԝ": "w", "х": "x", "у": "y",
        "А": "A", "В": "B", "С": "C", "Е": "E", "Н": "H", "І": "I", "Ј": "J", "К": "K",
        "М": "M", "О": "O", "Р": "P", "Ѕ": "S", "Т": "T", "Х": "X", "У": "Y", "Ԛ": "Q",
        "Ԝ": "W",
        # Greek
        "α": "a", "ι": "i", "ν": "v", "ο": "o", "ρ": "p", "υ": "u", "Α": "A", "Β": "B",
        "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O",
        "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
        # Armenian
        "օ": "o", "հ": "h", "ո": "n", "զ": "q",
        # ASCII
        "0": "o", "1": "l", "I": "l", "|": "l",
    }
)


def profile_key(name: str) -> str:
    """What makes two names one profile: the name, case aside ("Ana" is "ana")."""
    return unicodedata.normalize("NFKC", name).casefold()


def skeleton(name: str) -> str:
    """What a name looks like on screen: compatibility forms made plain (NFKC), look-alike
    letters folded onto the Latin ones, case aside. Two names with one skeleton are
    look-alikes ("bill", "bi11", "biII", "bіll" with a Cyrillic "і")."""
    return unicodedata.normalize("NFKC", name).translate(_LOOKALIKES).casefold()


def lookalike_letters(name: str) -> list[tuple[str, str]]:
    """The characters of ``name`` that are not ASCII but show as an ASCII letter or digit,
    each with what it looks like, in order and once each."""
    found: list[tuple[str, str]] = []
    for char in dict.fromkeys(name):
        if char.isascii():
            continue
        shown = unicodedata.normalize("NFKC", char).translate(_LOOKALIKES)
        if len(shown) == 1 and shown.isascii() and shown.isalnum():
            found.append((char, shown))
    return found


def describe(char: str) -> str:
    """``'а' (U+0430 CYRILLIC SMALL LETTER A)``."""
    return f"'{char}' (U+{ord(char):04X} {unicodedata.name(char, 'UNNAMED')})"
