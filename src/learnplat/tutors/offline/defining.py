"""How strongly a sentence of the notes defines what "what is X?" asks about, and names it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache

from .definitions import sentence_definitions, term_key
from .sentences import Sentence
from .text import STOPWORDS, stem, tokens

_ARTICLES = frozenset(("the", "a", "an"))
_OPENING_ADVERB = re.compile(
    r"^(?:now|so|thus|here|formally|informally|roughly\s+speaking|in\s+short|in\s+general|"
    r"simply\s+put|in\s+other\s+words),?\s+(?=\S)",
    re.IGNORECASE,
)
# "Given a Hilbert space H, the dual space H* is ...": the clause that sets the scene, and the
# symbol the term is given, stand between the term and what it is.
_OPENING_CLAUSE = re.compile(r"^(?:given|for\s+(?:any|every|each|a|an))\b[^,]{1,60},\s*", re.I)
_SYMBOL_BEFORE_VERB = re.compile(r"\s[A-Za-z][∗*′']?(?=\s+(?:is|are)\b)")
_QUOTED_WORDS = re.compile(r"[\"“‘']([^\"“”‘’']{1,60})[\"”’']")
# A footnote mark glued to a word in a PDF ("semantically secure4"): the word is "secure".
_FOOTNOTE_MARK = re.compile(r"\b([a-z]{3,})\d{1,2}\b")
_GREEK_NAMES = dict(
    zip(
        "αβγδεζηθικλμνξπρστυφχψωΓΔΘΛΞΠΣΦΨΩ",
        "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi pi rho sigma "
        "tau upsilon phi chi psi omega gamma delta theta lambda xi pi sigma phi psi omega".split(),
        strict=True,
    )
)
_GREEK = re.compile(f"[{''.join(_GREEK_NAMES)}]")
# What makes a sentence that names X (in any order) a definition of it: "Ratios of this sort
# are called incommensurable", "We say that the scheme is semantically secure if ...".
_DEFINING_MARKER = re.compile(
    r"\b(?:called|termed|known\s+as|said\s+to\s+be|defined\s+as|we\s+say|we\s+call|"
    r"if\s+and\s+only\s+if|is\s+defined|are\s+defined)\b",
    re.IGNORECASE,
)
# "If V's messages are random values, the protocol is public-coin": X is what the main clause,
# after the condition, says something is.
_CONDITION = re.compile(r"^if\b.+,\s*(?:then\s+)?(?P<clause>[^,]+\b(?:is|are)\b[^,]+)$", re.I)


def root(word: str) -> str:
    """The word a lower-case ``word`` is made from by "-ness" or "-ly" ("soundness" of "sound",
    "frequently" of "frequent"); a short word stays itself ("witness", "only", "supply")."""
    for suffix, shortest in (("ness", 4), ("ly", 5)):
        base = word.removesuffix(suffix)
        if base != word and len(base) >= shortest:
            return base
    return word


def stems_of(text: str) -> list[str]:
    """The content stems of ``text``, footnote marks dropped and Greek letters named as a
    learner types them ("send α" says "alpha")."""
    text = _FOOTNOTE_MARK.sub(r"\1", text)
    if _GREEK.search(text):
        text = _GREEK.sub(lambda match: f" {_GREEK_NAMES[match.group()]} ", text)
    # A word and the noun or adverb made from it are one ("special soundness" is "special sound").
    return [
        stem(root(token)) for token in tokens(text) if len(token) > 1 and token not in STOPWORDS
    ]


def mentions(sentence_stems: Sequence[str], phrase: Sequence[str]) -> bool:
    """The phrase's stems appear in order, at most two other content words apart."""
    if not phrase:
        return False
    for start, item in enumerate(sentence_stems):
        if item != phrase[0]:
            continue
        position, matched = start, 1
        for wanted in phrase[1:]:
            window = sentence_stems[position + 1 : position + 4]
            if wanted not in window:
                break
            position += 1 + window.index(wanted)
            matched += 1
        if matched == len(phrase):
            return True
    return False


def names_all(sentence_stems: Sequence[str], phrase: Sequence[str]) -> bool:
    """Every stem of the phrase appears within a few content words, in any order ("the
    protocol is public-coin" names "public-coin protocol")."""
    wanted = set(phrase)
    if not wanted:
        return False
    span = len(wanted) + 3
    for start, item in enumerate(sentence_stems):
        if item in wanted and wanted <= set(sentence_stems[start : start + span]):
            return True
    return False


@lru_cache(maxsize=256)
def _names_defined(focus: str) -> re.Pattern[str]:
    name = r"\s+".join(re.escape(word) for word in focus.split()) + r"s?"
    return re.compile(
        rf"\b{name}\s+(?:is|are)\s+(?:said\s+to\s+be|defined\s+as|known\s+as)\b|"
        rf"\b(?:is|are)\s+(?:said\s+to\s+be|called|known\s+as|termed)\s+(?:an?\s+|the\s+)?"
        rf"{name}\b|\b{name}\b[^.;]*\bif\s+and\s+only\s+if\b|"
        # "conic sections, that is, the curves in which ...", "X, i.e. ...", "by using guided
        # practice: creating a structure that ...", "Sharding — splitting data ..."
        rf"\b{name}\s*,\s*(?:that\s+is|i\.\s?e\.)\s*,?|\b{name}\s*:\s+[a-z]|"
        # ... a dash only after the term alone ("Design the news feed function — quora.com" is
        # a link's label)
        rf"^(?:an?\s+|the\s+)?{name}\s+[—–-]\s+[a-z]|"
        rf"\b{name}\s+(?:means|refers\s+to|stands\s+for|denotes)\b|"
        rf"\bby\s+(?:an?\s+|the\s+)?{name}\s*,?\s+(?:we|I)\s+mean\b|"
        # "we can define a function in mathematics as a correlation ..."
        rf"\bdefined?\s+(?:an?\s+|the\s+)?{name}\s+(?:\w+\s+){{0,3}}?as\b",
        re.IGNORECASE,
    )


def defines(sentence: Sentence, focus: str, focus_stems: Sequence[str]) -> int:
    """How strongly ``sentence`` defines the focus: 3, 2, 1, or 0 when it does not. An acronym
    is defined where its expansion is ("A content delivery network (CDN) is ...")."""
    sentence = _plain(sentence)
    best = 0
    focus_key = term_key(focus)
    acronym = focus.isupper() and f"({focus})" in sentence.text
    for definition in sentence_definitions(sentence):
        key = definition.key
        if (
            key == focus_key
            or key.endswith(" " + focus_key)
            or focus_key.endswith(" " + key)
            or (acronym and f"{definition.term} ({focus})" in sentence.text)
        ):
            best = max(best, definition.strength)
    if not best and _names_defined(focus).search(sentence.text):
        best = 2  # "A is said to be X if ...", "... is called X", "X if and only if ..."
    if not best and len(focus_stems) > 1:
        condition = _CONDITION.match(sentence.text.rstrip(".!"))
        if (
            _DEFINING_MARKER.search(sentence.text)
            and names_all(stems_of(sentence.text), focus_stems)
        ) or (condition and names_all(stems_of(condition.group("clause")), focus_stems)):
            best = 2
    words = [t for t in tokens(sentence.text)[: len(focus_stems) + 1] if t not in _ARTICLES]
    if not best and [stem(root(t)) for t in words[: len(focus_stems)]] == list(focus_stems):
        best = 1  # "Sharding distributes data across ...": what it is by what it does
    return best


def _plain(sentence: Sentence) -> Sentence:
    """The sentence as a definition reads: no opening "Now", "Formally," or "Given a space H,",
    no symbol after the term or quotation marks around it ('Now a "mode" is the manner ...'),
    "so-called" not taken for "called"."""
    text = _OPENING_ADVERB.sub("", _OPENING_CLAUSE.sub("", sentence.text))
    text = _SYMBOL_BEFORE_VERB.sub("", text)
    text = _QUOTED_WORDS.sub(r"\1", text).replace("so-called", "so-named")
    if text == sentence.text:
        return sentence
    return replace(sentence, text=text[:1].upper() + text[1:])


def aliases(focus: str, text: str) -> list[str]:
    """The short names the notes give the focus: "universe of discourse— abbreviated UD",
    "content delivery network (CDN)"."""
    name = r"\s+".join(re.escape(word) for word in focus.split())
    pattern = re.compile(
        rf"\b{name}s?\W{{0,3}}(?:\(\s*|abbreviated\s+(?:as\s+)?|or\s+|for\s+short\s+)"
        r"(?P<alias>[A-Z][A-Za-z]*[A-Z]s?)\b",
        re.IGNORECASE,
    )
    found = []
    for match in pattern.finditer(text):
        alias = match.group("alias")
        if sum(char.isupper() for char in alias) >= 2 and alias not in found:
            found.append(alias)
    return found
