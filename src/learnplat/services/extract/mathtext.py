"""Telling a line of mathematics (or of diagram labels) from a line of prose, by its words alone."""

from __future__ import annotations

import re
import string

PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
# Section numbers and list markers say nothing about prose or math: "1.8.2", "(iv)", "3."
_NUMBERING = re.compile(r"^(?:\(?\d{1,3}(?:\.\d{1,3})*[.)]?|\(?[ivxlc]{1,5}[.)])\s+", re.I)
_EQUATION_NUMBER = re.compile(r"\(\s*[A-Z]?\d{1,3}(?:\.\d{1,3})?[a-z]?\s*\)\s*$")
_RELATION = re.compile(r"[=<>≤≥≠≈≡∼≃∝∈∉⊂⊆⊃⊇→←↔⇒⇐⇔↦∀∃∑∏∫√±×÷∂∇∞⟨⟩]")
_LETTER_RUN = re.compile(r"[^\W\d_]{3,}")
_SHORT_WORD = re.compile(
    r"(?<![^\W\d_])(?:a|an|as|at|be|by|do|go|he|if|in|is|it|me|my|no|of|on|or|so|to|up|us|we)"
    r"(?![^\W\d_])"
)
_ADDRESS = re.compile(
    r"^(?:https?://|www\.)|^[\w.-]+@[\w-]+\.|\w\.(?:com|org|net|io|edu|gov)\b", re.I
)
_NOT_PLAIN = re.compile(r"[^a-zA-Z ,.;:'’()-]")
_PLAIN_ASCII = (string.ascii_letters + " ,.;:'()-").encode("ascii")  # the same, for ASCII text
_PLAIN_LENGTH = 20
_PLAIN_WORD = 4.5  # characters per word, space included
_PLAIN_SHARE = 0.1
_GREEK = re.compile("[\u0370-\u03ff]")
_LATIN = re.compile("[A-Za-z]")
_OPEN_RELATION = frozenset("=≡≤≥<>→⇒⇔≈≠∝∼")
_PROSE_SHARE = 0.5  # letters in real words, as a share of all non-space characters
_NUMBERED_PROSE_SHARE = 0.7


def is_math(text: str) -> bool:
    """True for a line that is not prose: a formula, a fragment of one (a lone "X" or "∗ i"),
    a row of symbols or numbers, or a line of diagram labels.

    A word is a run of at least three letters of any script (or a short English function
    word, or a web address); a line is prose when words make up at least half of its
    characters.
    """
    length = len(text)
    # The cheap test first: most lines are plain words with a little punctuation.
    if (
        length >= _PLAIN_LENGTH
        and length >= _PLAIN_WORD * (text.count(" ") + 1)
        and _not_plain(text) <= length * _PLAIN_SHARE
    ):
        return False
    if PRIVATE_USE.search(text):
        return True
    body = text.strip()
    if body[:1].isdigit() or body[:1] == "(":
        body = _NUMBERING.sub("", body, count=1)
    characters = len(body) - body.count(" ")
    if characters == 0:
        return False
    runs = _LETTER_RUN.findall(body)
    if not body.isascii():
        # Greek letters inside a Latin run ("gαL", "ωα") are symbols, not a word.
        runs = [run for run in runs if not (_GREEK.search(run) and _LATIN.search(run))]
    letters = sum(map(len, runs))
    if body[-1] in _OPEN_RELATION:
        return True  # "length ψ(ξ) =": the formula goes on below
    if letters >= characters * _NUMBERED_PROSE_SHARE:
        return False
    if letters < characters * _PROSE_SHARE:
        letters += sum(map(len, _SHORT_WORD.findall(body)))
        if letters < characters * _PROSE_SHARE and _ADDRESS.search(body):
            letters += sum(
                sum(1 for char in token if char.isalnum())
                for token in body.split()
                if _ADDRESS.search(token)
            )
        if letters < characters * _PROSE_SHARE:
            return True
    return _EQUATION_NUMBER.search(body) is not None and _RELATION.search(body) is not None


def _not_plain(text: str) -> int:
    """How many characters of ``text`` are neither letters nor plain punctuation."""
    if text.isascii():
        return len(text.encode("ascii").translate(None, _PLAIN_ASCII))
    return len(_NOT_PLAIN.findall(text))
