"""A learner's explanation read for grading: sentences, words and roots on the reference's terms."""

from __future__ import annotations

import re
from dataclasses import dataclass

from learnplat.tutors import readability

from ...errors import BadInput
from ..offline.text import stem
from .prepared import Prepared
from .words import is_content, root

MAX_WORDS = 5000
_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")


@dataclass(frozen=True)
class Token:
    """One word of the explanation: where it stands, and its root on the reference's vocabulary
    ("" for a stopword)."""

    text: str
    start: int
    end: int
    sentence: int
    root: str


@dataclass(frozen=True)
class Submission:
    text: str
    sentences: tuple[str, ...]
    tokens: tuple[Token, ...]
    words: int

    @property
    def roots(self) -> list[str]:
        return [token.root for token in self.tokens if token.root]

    @property
    def present(self) -> frozenset[str]:
        return frozenset(self.roots)

    def sentence_roots(self, index: int) -> list[str]:
        return [t.root for t in self.tokens if t.sentence == index and t.root]


def check_length(text: str) -> int:
    """The word count of ``text``; raises BadInput when it is empty or over 5,000 words."""
    count = len(text.split())
    if count == 0:
        raise BadInput("the explanation is empty", hint="explain the topic in your own words")
    if count > MAX_WORDS:
        raise BadInput(
            f"the explanation has {count:,} words; the limit is {MAX_WORDS:,}",
            hint="teach back one topic in a few paragraphs",
        )
    return count


def read_submission(text: str, prepared: Prepared) -> Submission:
    """Split ``text`` into sentences and words, each content word mapped onto the reference's
    vocabulary (so a misspelt term counts as the term)."""
    words = check_length(text)
    sentences = tuple(readability.sentences(text)) or (text.strip(),)
    tokens: list[Token] = []
    cursor = 0
    for index, sentence in enumerate(sentences):
        offset = text.find(sentence, cursor)
        offset = cursor if offset < 0 else offset
        cursor = offset + len(sentence)
        for match in _WORD.finditer(sentence):
            lowered = match.group().lower().replace("’", "'")
            word_root = ""
            if is_content(lowered):
                word_root = prepared.vocabulary.resolve(root(stem(lowered)), lowered)
            tokens.append(
                Token(match.group(), offset + match.start(), offset + match.end(), index, word_root)
            )
    return Submission(text, sentences, tuple(tokens), words)
