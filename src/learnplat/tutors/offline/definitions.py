"""Find definition sentences ("X is a ...", "... called X") and the term each one defines."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .sentences import Sentence
from .text import INSTRUCTIONS, STOPWORDS, stem, tokens

_WORD = r"[A-Za-z0-9][\w+'\-]*"
_TERM = rf"(?P<term>{_WORD}(?:\s+{_WORD}){{0,3}}?)"
_ARTICLE = r"(?:(?:The|A|An)\s+)?"
# "Photosynthesis is the process ...", "RuBisCO is probably the most abundant protein ..."
_SUBJECT = re.compile(
    rf"^{_ARTICLE}{_TERM}(?:\s*\([^)]{{1,40}}\))?\s+(?:is|are)\s+(?:\w+ly\s+)?"
    r"(?:a|an|the|one|any|defined\s+as|known\s+as)\s"
)
# "Enzymes are proteins that ...": a plural is defined without an article. A participle, an
# -ing form or a preposition after "are" ("The ions are pumped ...") describes instead.
_PLURAL_SUBJECT = re.compile(
    rf"^{_ARTICLE}{_TERM}\s+are\s+(?!(?:not|also|then|in|on|at|by|to|from|with|made|used|found|"
    r"split|set|built|kept|held|the|a|an|one|two|often|usually|sometimes|very|more|less|much|"
    r"still|only|both|all|each|so|too|now|always|never|easier|harder|better|worse|faster|"
    r"slower|cheaper|larger|smaller|greater|fewer|likely|unlikely|able|unable|either|neither|"
    r"full)\b)"
    r"(?![a-z]+(?:ed|en|ing|ly|est)\b)"
    r"[a-z][a-z-]+\s"
)
_REFERS = re.compile(
    rf"^{_ARTICLE}{_TERM}\s+(?:refers?\s+to|means|is\s+a\s+term\s+for|is\s+the\s+name\s+for)\s"
)
# "Think of a static site generator as a script which takes in data ...".
_THINK_OF = re.compile(
    rf"^\W?(?:(?:[Yy]ou|[Ww]e)\s+(?:can|may|could)\s+)?[Tt]hink\s+of\s+(?:(?:a|an|the)\s+)?"
    rf"{_TERM}\s+as\s+(?:a|an|the)\s"
)
_CALLED = re.compile(
    # Not "have been called": an epithet ("The Tartars have been called the troubadours of
    # Asia"), not what a term means.
    rf"(?<!\bbeen\s)\b(?:called|known\s+as|termed)\s+(?:the\s+|a\s+|an\s+)?(?P<term>{_WORD}(?:\s+{_WORD}){{0,2}})"
    # "a file called resume-cv.html" names a file, not a term.
    r"(?![\w-]*\.\w)"
)
# Words that name nothing until their "of" says what of ("number of ...", "rate of ...").
_GENERIC_HEADS = frozenset(
    "number numbers rate rates amount amounts degree kind kinds type types sort sorts set sets "
    "way ways part parts form forms measure ratio sum product quantity value".split()
)
# Where a predicate's noun phrase ends: a clause, a comma, the sentence's end.
_PREDICATE_END = re.compile(r"[,;:.!?(]|\s(?:that|which|who|where|whose|when|if|because)\s")
# Heads of a predicate that say nothing of what a thing is, and its adverbs ("a bit more").
_NOT_WHAT = frozenset("one same case opposite other bit lot little".split())
# What stands between a defined term and what it is: "(HVZK) is probably the", "are".
_COPULA = re.compile(
    r"^\s*(?:\([^)]*\)\s*)?(?:is|are)\s+(?:\w+ly\s+)?(?:(?:a|an|the|one|any)\s+)?", re.I
)
_IN_A_LIST = re.compile(r",\s*[\w-]+\s*,|\s+or\s+[\w-]+\s*[,.]")
# "...; this is fermentation, the reason ..."
# ("...: this is due to the fact that ...": an adjective before "to" names nothing.)
_THIS_IS = re.compile(
    rf"[;:,]\s+this\s+is\s+(?!\w+\s+to\b)(?P<term>{_WORD}(?:\s+{_WORD}){{0,2}})"
)
# "... chlorophyll, the green pigment that absorbs ..."
_APPOSITIVE = re.compile(
    r"\b(?P<term>(?:[A-Za-z][\w\-]*\s+){0,2}[A-Za-z][\w\-]*),"
    r"\s+(?:the|a|an)\s+[a-z][\w\- ]{2,60}?\s+"
    # "dances, the steps of which were known as ...": a clause on the dances, not what they are.
    r"(?<!\sof\s)(?<!\sin\s)(?<!\sby\s)(?<!\sto\s)(?<!\sfor\s)(?<!\son\s)"
    r"(?:that|which|who|where)\b"
)
# What a match of _APPOSITIVE needs, looked for first: the full pattern is slow on long sentences.
_APPOSED = re.compile(r",\s+(?:the|a|an)\s")
_APPOSITIVE_CLAUSE = ("that", "which", "who", "where")
# A verb in what looks apposed makes it a clause ("the only rule being that ...").
_FINITE = re.compile(r"\b(?:is|are|was|were|has|have|had|being|been)\b")
_NOT_A_TERM = frozenset(
    "it this that these those there here which what one each its their such another other some "
    "everything something nothing anything everyone someone anyone nobody everybody "
    "they he she we you all both most many called known termed named also because why how".split()
)
# A glossary's entry: "ABI: Application Binary Interface - Defines the interface between two
# binary program modules.", "Chlorophyll - the green pigment that absorbs light". The term is a
# short name (capitalised, or an acronym) and what follows says what it is in three words or more.
_GLOSSARY_ENTRY = re.compile(
    r"^(?P<term>[A-Z][\w.+'’/-]*(?:\s[\w.+'’/-]+){0,3}?)\s*(?::|\s[-–—]\s)\s*"
    r"(?P<gloss>[^\s:].*\S)$"
)
# Labels that lead in to a line without naming a term ("Note: ...", "Step 2: ...", "Lemma: ...").
_LABELS = frozenset(
    "note notes tip tips warning caution important hint example examples e.g step steps source "
    "sources see answer question q a summary result results input inputs output outputs goal "
    "goals aim task exercise problem solution proof remark update edit todo fixme bug figure "
    "table chapter section day week part lecture slide objective objectives definition theorem "
    "lemma corollary proposition claim conjecture axiom observation fact recall notation "
    "hypothesis assumption".split()
)
_GLOSSARY_MIN_WORDS = 3
REPEATED_LABEL = 3
_WORD_OF_THREE = re.compile(r"[A-Za-z]{3,}")
# A speaker's turn in a transcript ("Professor: So today we look at ...", "Q: Why do you ..."):
# spoken to someone, where a gloss says what a term is.
_SPOKEN = frozenset(
    "i i'm i've i'd i'll me my we we're we've we'll us our you you're you've your so okay ok "
    "yeah yes no well um uh oh right alright hi hello thanks".split()
)
# Those of them that are spoken wherever they stand (not "so", "no", "well", "right").
_SPOKEN_WORDS = _SPOKEN - {"so", "no", "well", "right"}
_QUICK_CHECK = (
    " is ",
    " are ",
    "called",
    "known as",
    "termed",
    "hink of",
    "refer",
    " means ",
    ", the ",
    ", a",
)


@dataclass(frozen=True)
class Definition:
    """A sentence defining ``term``; ``strength`` 3 for "X is a ...", 2 "called X", 1 apposed."""

    term: str
    key: str
    sentence: Sentence
    strength: int


def term_key(term: str) -> str:
    """The form terms are compared in: stems of the words, so "Thylakoids" matches "thylakoid"."""
    return " ".join(stem(token) for token in tokens(term))


def _clean_term(term: str, *, cut_at_stopword: bool) -> str:
    words = term.split()
    if cut_at_stopword:
        for position, word in enumerate(words):
            lowered = word.lower().strip("'")
            if lowered == "of" and position and words[position - 1].lower() in _GENERIC_HEADS:
                # "the number of their permutations", "the rate of increase": the name is the
                # whole phrase, not "number" or "rate" ("the scale of the map" names a scale).
                return ""
            if lowered in STOPWORDS:
                words = words[:position]
                break
    words = [w.strip("'-") for w in words]
    if not words or words[0].lower() in _NOT_A_TERM:
        return ""
    if any(word.lower() in STOPWORDS and word.lower() != "of" for word in words):
        return ""
    if words[-1].lower() == "of" or all(word.isdigit() for word in words):
        return ""
    return " ".join(words)


def _says_what(term: str, after: int, text: str) -> bool:
    """What follows "X is a", "X is the" or "X are" says what X is: a noun the sentence goes on
    from ("the process that ...", "a language, and ..."), or two words or more, but not "the
    same", "the case", "a valid one" or "a bit more tricky", nor X again ("The algorithm is the
    same.", "Socrates is a man.", "The curves are plane curves")."""
    predicate = _COPULA.sub("", text[after:], count=1)
    end = _PREDICATE_END.search(predicate)
    words = [w.lower() for w in (predicate[: end.start()] if end else predicate).split()]
    if not words or words[-1] in _NOT_WHAT or words[0] in _NOT_WHAT:
        return False
    if stem(words[-1]) == stem(term.split()[-1].lower()):
        return False
    # "Music is a language, and ...", "a curve (or surface) formed by ..." go on to say more;
    # "Socrates is a man." does not.
    said_more = end is not None and end.group().strip() not in ".!?"
    return said_more or len(words) >= 2


def _never(phrase: str) -> bool:
    return False


def sentence_definitions(
    sentence: Sentence, is_phrase: Callable[[str], bool] = _never
) -> list[Definition]:
    """The terms ``sentence`` defines, strongest pattern first.

    An apposed term ("... activation energy, the minimum energy that ...") keeps the words
    before its last only if ``is_phrase`` says they recur as a phrase ("hold chlorophyll" does
    not) or they are capitalised like a name."""
    text = sentence.text
    entry = glossary_entry(text)
    if entry is not None:
        return [Definition(entry[0], term_key(entry[0]), sentence, 2)]
    if not any(marker in text for marker in _QUICK_CHECK):
        return []
    found: list[tuple[str, int]] = []
    for pattern, strength in ((_SUBJECT, 3), (_REFERS, 3), (_PLURAL_SUBJECT, 3), (_THINK_OF, 2)):
        match = pattern.match(text)
        if match is None:
            continue
        term = match.group("term")
        if pattern in (_REFERS, _THINK_OF) or _says_what(term, match.end("term"), text):
            found.append((_clean_term(term, cut_at_stopword=False), strength))
    called = "called" in text or "known" in text or "termed" in text
    for match in _CALLED.finditer(text) if called else ():
        if _IN_A_LIST.match(text, match.end()):
            continue  # "variously known as constructivist, discovery, ...": one name of many
        found.append((_clean_term(match.group("term"), cut_at_stopword=True), 2))
    for match in _THIS_IS.finditer(text) if "this" in text else ():
        found.append((_clean_term(match.group("term"), cut_at_stopword=True), 1))
    apposed = _APPOSED.search(text) and any(word in text for word in _APPOSITIVE_CLAUSE)
    for match in _APPOSITIVE.finditer(text) if apposed else ():
        if _FINITE.search(match.group().split(",", 1)[1]):
            continue  # "the more the ideas grow, the fewer are the deductions which": a clause
        words = match.group("term").split()
        # The longest ending that recurs as a phrase, or is a name ("Wilson cycle").
        term = next(
            (
                " ".join(words[start:])
                for start in range(len(words) - 1)
                if (start > 0 and words[start][:1].isupper()) or is_phrase(" ".join(words[start:]))
            ),
            words[-1],
        )
        found.append((_clean_term(term, cut_at_stopword=True), 1))
    result: list[Definition] = []
    seen: set[str] = set()
    for term, strength in found:
        key = term_key(term)
        if term and key and key not in seen:
            seen.add(key)
            result.append(Definition(term, key, sentence, strength))
    return result


def glossary_entry(text: str) -> tuple[str, str] | None:
    """The term and what it is, for a glossary's entry ("CITGM: Canary In The Gold Mine - A smoke
    test ..."); None for a sentence, a lead-in ("Two networks:"), a label ("Note: ...", "Step
    2: ...", "Learning objective: ..."), an instruction ("Short timeline: Aim for breadth ..."), a
    speaker's turn ("Professor: So today we ...") or a phrase with its own pronoun ("Create your
    scales: ...")."""
    match = _GLOSSARY_ENTRY.match(text.strip())
    if match is None:
        return None
    term, gloss = match.group("term").strip(), match.group("gloss").strip()
    words = tokens(term)
    first = gloss.split()[0].lower()
    if (
        not words
        or any(word in _LABELS for word in words)
        or words[-1].isdigit()
        or any(word in STOPWORDS for word in words)
        or len(_WORD_OF_THREE.findall(gloss)) < _GLOSSARY_MIN_WORDS
        or gloss.endswith((":", "?"))
        or first in INSTRUCTIONS
        or first.strip(",.") in _SPOKEN
        or any(word in _SPOKEN_WORDS for word in tokens(gloss))
    ):
        return None
    return term, gloss


def find_definitions(sentences: Sequence[Sentence]) -> dict[str, list[Definition]]:
    """Definitions by term key, each list best first: strongest pattern, then simplest sentence."""
    by_key: dict[str, list[Definition]] = {}
    lowered: list[str] = []

    def is_phrase(phrase: str) -> bool:
        if not lowered:
            lowered.append(" ".join(s.text.lower() for s in sentences))
        return lowered[0].count(phrase.lower()) >= 2

    for sentence in sentences:
        for definition in sentence_definitions(sentence, is_phrase):
            by_key.setdefault(definition.key, []).append(definition)
    # A label opening line after line is a speaker or a heading of a form ("Alice: ...",
    # "Answer: ..."), not a term the notes define again and again.
    labels = Counter(
        term_key(match.group("term"))
        for sentence in sentences
        if (match := _GLOSSARY_ENTRY.match(sentence.text.strip())) is not None
    )
    for key, count in labels.items():
        if count >= REPEATED_LABEL and key in by_key:
            kept = [d for d in by_key[key] if glossary_entry(d.sentence.text) is None]
            if kept:
                by_key[key] = kept
            else:
                del by_key[key]
    for definitions in by_key.values():
        definitions.sort(key=lambda d: (-d.strength, d.sentence.grade, d.sentence.index))
    return by_key
