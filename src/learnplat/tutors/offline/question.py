"""What a learner's question asks: its kind, the phrase it asks about, and its content words."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from .common_words import RARE, information, is_common
from .defining import root
from .text import QUESTION_WORDS, STOPWORDS, stem

QuestionKind = Literal["what", "why", "how", "when", "who", "which", "yesno", "other"]

_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")
# Contractions say nothing about the subject ("can't", "it's", "what's").
_CONTRACTION = re.compile(
    r"^(?:[a-z]+n['’]t|(?:it|what|that|there|here|who|where|how|let|he|she)['’]s|"
    r"[a-z]+['’](?:re|ve|ll|d|m))$"
)
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)
_ARTICLE = r"(?:(?:a|an|the)\s+)?"
# The phrase a definition question asks about, then where it stops: "What is the extension of
# a predicate in a model?" asks about "extension of a predicate".
_FOCUS_PATTERNS = tuple(
    re.compile(pattern.replace("ART", _ARTICLE), re.IGNORECASE)
    for pattern in (
        r"^what\s+(?:is|are|was|were)\s+(?:meant\s+by\s+)?ART(?P<focus>.+)$",
        r"^what\s+(?:does|do)\s+ART(?P<focus>.+?)\s+(?:mean|stand\s+for)(?:\s+in\s.+)?$",
        r"^what\s+(?:does|do|did)\s+ART(?P<focus>.+?)\s+do$",
        r"^what\s+(?:do|does)\s+(?:we|you|they)\s+mean\s+by\s+ART(?P<focus>.+)$",
        r"^what\s+does\s+it\s+mean\s+(?:for\s+ART.+?\s+)?to\s+be\s+ART(?P<focus>.+)$",
        r"^(?:define|explain\s+what|describe\s+what)\s+(?:is\s+)?ART(?P<focus>.+)$",
        r"^how\s+(?:does|do|did|would|is|are)\s+.+?\s+define\s+ART(?P<focus>.+)$",
        r"^how\s+(?:is|are)\s+ART(?P<focus>.+?)\s+defined$",
        r"^how\s+(?:does|do)\s+ART(?P<focus>.+?)\s+work$",
        r"^what\s+(?:does|do|did)\s+ART(?P<focus>.+?)\s+[a-z]+$",
    )
)
_FOCUS_END = re.compile(
    r"\s+(?:in|for|within|between|among|with|on|from|during|across|over|under|inside|"
    r"according\s+to|with\s+respect\s+to|when|if|as\s+used|used|exactly|really|here|"
    r"there|originally|and\s+how|and\s+why)\b.*$|\s*[,;:(].*$",
    re.I,
)
# "The word 'tragedy'" asks about tragedy; quotation marks are not part of it.
_FOCUS_WRAPPING = re.compile(r"^(?:the\s+)?(?:word|term|name|phrase|notion|concept)s?\s+", re.I)
_WORD_ITSELF = re.compile(r"^(?:the\s+)?(?:word|term|name)s?\s+", re.I)
# "What is the difference between rhythm and melody?" asks about two things, not one.
_RELATIONS = frozenset(
    "difference differences relationship relation connection distinction link".split()
)
# "What does RuBisCO do?", "What does chlorophyll absorb?": what a thing does, not what it is.
# ("What does it mean for an argument to be valid?" asks what "valid" is.)
_DOES = re.compile(
    r"^what\s+(?:does|do|did)\s+(?!it\s+mean\b).+\s+(?!mean$|for$)[a-z]+$", re.IGNORECASE
)
_KIND = re.compile(r"^\s*(what|why|how|when|who|whom|whose|which|where)\b", re.I)
_LEAD_KIND = re.compile(
    r"^(?:in|with|for|on|under|given|after|before|during)\b[^,]{1,60},\s*"
    r"(what|why|how|when|who|whom|whose|which|where)\b",
    re.I,
)
# Words that colour a question without narrowing it ("What exactly is ...?"), and who the learner
# quotes ("According to MacDowell, ...", "in Sweller's view"): neither is what it asks about.
_FILLER = re.compile(r"\b(?:exactly|actually|really|basically|precisely|just|simply)\s+", re.I)
# "How do the notes define ...?", "What is X in my slides?": the document itself, not a word
# the answer must say (they are "they", or nothing after a preposition). "The notes" is the
# document only when it says something or ends the question: "Which of the notes is the tonic?"
# asks about notes.
_DOCUMENT = re.compile(
    r"(?P<at>\s+(?:in|from)\s+)?\b(?:"
    r"(?:my|our|these|this|your)\s+(?:notes|book|lectures?|slides|handout|document)|"
    r"the\s+(?:notes|book|lectures?|slides|handout|document|author)"
    r"(?=\s+(?:says?|said|define|defines|explain|explains|describe|describes|mean|means|calls?|"
    r"covers?|mentions?|puts?|treats?|discuss|discusses)\b|\s*$)"
    r")\b(?!\s+(?:of|on)\b)",
    re.I,
)
_ATTRIBUTION = re.compile(
    r"^according\s+to\s+[^,]+,\s*|,?\s*according\s+to\s+[^,?]+$|"
    r",?\s*in\s+\w+['’]s\s+(?:view|words|account|opinion)\b",
    re.IGNORECASE,
)
# Notes that lack more than this share of what a question's words tell do not cover it.
MISSING_SHARE = 0.5
_KINDS: dict[str, QuestionKind] = {
    "what": "what", "why": "why", "how": "how", "when": "when", "who": "who", "whom": "who",
    "whose": "who", "which": "which",
}
# "Do STARKs need a trusted setup?", "If it is weak, can it still ...?"
_YES_NO = re.compile(
    r"^(?:if\b[^,]*,\s*)?(?:do|does|did|is|are|was|were|can|could|will|would|should|has|have|"
    r"had|must|may|might)\b",
    re.I,
)
# "What are the three types of cognitive load?", "Name the 4 stages of mitosis": the number of
# things asked for, and what they are.
NUMBER_WORDS = tuple("zero one two three four five six seven eight nine ten".split())
_NUMBERS = {word: value for value, word in enumerate(NUMBER_WORDS) if value >= 2}
_COUNT = re.compile(
    rf"^(?:what|which|name|list|give)\b.*?\b(?P<number>{'|'.join(_NUMBERS)}|[2-9]|10)\s+"
    r"(?:(?:main|key|basic|different|major|important)\s+)?(?P<things>[a-z]+s)\b",
    re.I,
)
_CAUSAL_OPENERS = re.compile(r"^\s*(?:what\s+(?:causes|makes|leads)|for\s+what\s+reason)\b", re.I)


@dataclass(frozen=True)
class Question:
    """A question read for answering: ``focus`` is the phrase of "what is X?" (else None);
    ``terms`` maps each content word's stem to the word as typed; ``asks_action`` is true for
    "what does X do?"."""

    text: str
    kind: QuestionKind
    focus: str | None
    terms: dict[str, str]
    asks_action: bool = False
    # "What did the word 'tragedy' originally mean?" asks about the word itself.
    about_word: bool = False
    # "What are the three types of cognitive load?" asks for three things: 3, and "types".
    count: int = 0
    things: str = ""


def is_content_word(word: str) -> bool:
    """A word that carries the question's subject: not a stopword, a question word, a
    contraction, a lone letter or a small number."""
    lowered = word.lower().replace("’", "'")
    return (
        len(lowered) > 1
        and lowered not in STOPWORDS
        and lowered not in QUESTION_WORDS
        and not _CONTRACTION.match(lowered)
        # "originally", "usually": how, not what, the question asks
        and not (lowered.endswith("ly") and len(lowered) > 5 and is_common(lowered[:-2]))
    )


def content_words(text: str) -> list[str]:
    """The content words of ``text`` as typed, in order, once each (case-insensitively)."""
    seen: dict[str, str] = {}
    for word in _WORD.findall(text):
        if is_content_word(word):
            word = _POSSESSIVE.sub("", word)  # "Schoenberg's" asks about Schoenberg
            seen.setdefault(word.lower(), word)
    return list(seen.values())


def read_question(text: str) -> Question:
    """The kind, focus and content words of ``text``."""
    flat = " ".join(text.split()).strip().rstrip("?!. ")
    flat = _FILLER.sub("", _ATTRIBUTION.sub("", flat)).strip() or flat
    flat = _DOCUMENT.sub(lambda m: "" if m.group("at") else "they", flat).strip() or flat
    flat = flat[:1].upper() + flat[1:]
    # "With the CAP theorem, why does ...?": the question word after a leading phrase.
    kind_match = _KIND.match(flat) or _LEAD_KIND.match(flat)
    kind: QuestionKind = "other"
    if kind_match:
        word = kind_match.group(1).lower()
        kind = _KINDS.get(word, "other")
    if _CAUSAL_OPENERS.match(flat):
        kind = "why"
    elif kind == "other" and _YES_NO.match(flat):
        kind = "yesno"
    focus = None
    about_word = False
    for pattern in _FOCUS_PATTERNS:
        match = pattern.match(flat)
        if match:
            focus = _FOCUS_END.sub("", match.group("focus")).strip(" '\"‘’“”")
            about_word = _WORD_ITSELF.match(focus) is not None
            focus = _FOCUS_WRAPPING.sub("", focus).strip(" '\"‘’“”")
            break
    if focus is not None and focus.split() and focus.split()[0].lower() in _RELATIONS:
        focus = None
    if focus is not None and (not content_words(focus) or len(focus.split()) > 6):
        focus = None
    terms: dict[str, str] = {}
    for word in content_words(flat):
        terms.setdefault(stem(root(word.lower())), word)
    counted = _COUNT.match(flat)
    count, things = 0, ""
    if counted:
        number = counted.group("number").lower()
        count, things = _NUMBERS.get(number) or int(number), counted.group("things").lower()
    return Question(
        flat, kind, focus, terms, _DOES.match(flat) is not None, about_word, count, things
    )


def is_name(word: str) -> bool:
    """A name or symbol as typed: a capital after the first letter, or a digit ("RuBisCO",
    "Groth16", "Kenya" in mid-question)."""
    return any(char.isupper() or char.isdigit() for char in word[1:]) or word[:1].isupper()


def carried_by(missing: list[str], question: Question) -> bool:
    """Whether the words the notes lack carry the question, so that the notes do not cover it:
    a word of what "what is X?" asks about, a name or a rare word, or more than half of what the
    question's words tell (``common_words.information``). Missing everyday words alone are
    usually the learner's own wording ("easy to grab later")."""
    if not missing:
        return False
    first = question.text.split()[0] if question.text.split() else ""
    if question.focus and any(word.lower() in question.focus.lower() for word in missing):
        return True
    if any((is_name(word) and word != first) or information(word) >= RARE for word in missing):
        return True  # a name, or a word so rare it is the subject (not the learner's wording)
    said = sum(information(word) for word in question.terms.values())
    return sum(information(word) for word in missing) > MISSING_SHARE * said


def carrying_words(question: Question) -> list[str]:
    """The words a question turns on (each would carry it alone, ``carried_by``), else all."""
    words = list(question.terms.values())
    return [word for word in words if carried_by([word], question)] or words


# "the three types of cognitive load" asks about cognitive load; "the dual space of a Hilbert
# space" about the dual space (of one).
_GENERIC_HEADS = frozenset(
    "type types kind kinds part parts stage stages step steps form forms example examples number "
    "use uses role purpose main three two four five several different".split()
)


# "the cache-aside pattern" is what the notes call "cache-aside".
KIND_HEADS = frozenset(
    "pattern process method technique approach mechanism strategy principle concept idea".split()
)


def focus_phrases(focus: str) -> list[str]:
    """The phrases an answer to "what is ``focus``?" may name, the fullest first."""
    left, of, right = focus.partition(" of ")
    if not of:
        words = focus.split()
        if len(words) > 1 and words[-1].lower() in KIND_HEADS:
            return [focus, " ".join(words[:-1])]
        return [focus]
    if all(word.lower() in _GENERIC_HEADS for word in content_words(left)):
        return [right]
    return [focus, left] if content_words(left) else [focus]
