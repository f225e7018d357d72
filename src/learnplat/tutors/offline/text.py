"""Word-level helpers shared by the offline engine: tokens, stopwords and a small stemmer."""

from __future__ import annotations

import re
from functools import lru_cache

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")

STOPWORDS = frozenset(
    """
    a about above after again against all almost also although always am among an and any are
    around as at be because been before being below between both but by can cannot could did do
    does doing done down during each either else enough even ever every few for from further get
    gets got had has have having he her here hers herself him himself his how however i if in into
    is it its itself just least less like made make makes many may me might more most much must my
    myself neither no nor not now of off often on once one only onto or other others otherwise our
    ours ourselves out over own per perhaps quite rather really same several shall she should since
    so some such than that the their theirs them themselves then there therefore these they this
    those though through thus to together too toward towards under until up upon us use used uses
    using usually very via was way ways we well were what whatever when where whereas whether which
    while who whom whose why will with within without would yet you your yours yourself
    """.split()
)

# Words a learner puts around a question that say nothing about its subject.
QUESTION_WORDS = frozenset(
    """
    explain describe tell define definition meaning mean means happen happens happened work works
    role purpose difference different differ differs compare compared versus vs example examples
    give show say says said know need want please main important meant connected connect
    related relate relates form forms formed come comes came take takes took let lets put puts
    go goes went gone get gets got
    word words
    """.split()
)


# A sentence opening with one of these leans on the sentence before it ("It takes in ...").
_CONNECTIVES = frozenset(
    """
    it its this these they that those such either both each here then so but and also however
    therefore thus instead together there he she his her their them another yet or hence
    consequently furthermore moreover similarly likewise accordingly conversely nevertheless
    nonetheless besides otherwise which again suppose consider recall note notice
    """.split()
)
_PRONOUNS = frozenset("he she it its they their them this these those his her".split())
# Openings of more than one word that point back: "In other words, ...", "As a result, ...".
_LEANING_PHRASE = re.compile(
    r"^\W*(?:in other words|in that case|in this case|that is|for this reason|as a result|"
    r"on the other hand|in addition|in particular|by contrast|in contrast|in turn|even so|"
    r"at the same time|to this end|as such|if so|if not|the other|the others|the same|the rest|"
    r"the remaining|the former|the latter|the above|the following|in any case|in either case|"
    r"as (?:mentioned|noted|said|shown|seen|discussed)(?: (?:before|above|earlier|previously))?|"
    r"as we (?:have )?(?:seen|saw|said|mentioned|noted)|as you can see|we have already|"
    r"in the (?:first|second|third|next|last) place)\b"
    # A reply to the sentence before: "Yes, but at the same time H is called a subgroup".
    r"|^\W*(?:yes|no|well|okay|ok|sure),\s",
    re.IGNORECASE,
)
# A heading over the notes' exercises ("3.4 Practice Exercises", "Review questions"), not one
# that only holds such a word ("Problem statement"): work set for the learner, not teaching.
EXERCISE_HEADING = re.compile(
    r"^\W*(?:[\d.]+\s+)?(?:(?:practice|review|further|self-check|end-of-chapter)\s+)?"
    r"(?:exercises?|problems?|problem\s+sets?|quiz(?:zes)?|questions|homework|answers?|practice|"
    r"review)\b(?:\s+(?:for|to|on|\d)\b.*)?\W*$"
    # A workshop's activity: "Test Your Working Memory - Analog version (5 min)", "Hands-on".
    r"|^\W*(?:[\d.]+\s+)?(?:test\s+your(?:self)?|try\s+it|activity|activities|"
    r"hands-on)\b",
    re.IGNORECASE,
)
# A heading over a list of references ("Source(s) and further reading", "7 References"): what
# stands under it points elsewhere, it does not teach.
REFERENCE_HEADING = re.compile(
    r"^\W*(?:[\d.]+\s+)?(?:references|bibliography|further\s+reading|sources?|source\(s\)|"
    r"see\s+also|links|resources|works\s+cited|citations|notes)"
    r"(?:\s+(?:and|&)\s+(?:further\s+reading|links|resources))?(?:\W*$|:)",
    re.IGNORECASE,
)
_POINTING_BACK = frozenset("then also too therefore thus however instead likewise".split())


@lru_cache(maxsize=32768)
def stem(word: str) -> str:
    """A light suffix stripper: plurals, verb endings and a final e ("reduces", "reduced" and
    "reducing" all become "reduc"), enough for matching a question to a sentence."""
    if len(word) <= 3 or word.isdigit():
        return word
    word = word.removesuffix("'s")
    for suffix, replacement in (("ies", "y"), ("sses", "ss"), ("ches", "ch"), ("shes", "sh")):
        if word.endswith(suffix):
            word = word[: -len(suffix)] + replacement
            break
    else:
        if word.endswith("s") and not word.endswith(("ss", "us", "is")):
            word = word[:-1]
    if word.endswith("ing") and len(word) >= 6:
        word = _undouble(word[:-3])
    elif word.endswith("ied") and len(word) >= 5:
        word = word[:-3] + "y"
    elif word.endswith("ed") and len(word) >= 5:
        word = _undouble(word[:-2])
    if word.endswith("e") and len(word) >= 4:
        word = word[:-1]
    return word


def _undouble(word: str) -> str:
    # "stopped" -> "stopp" -> "stop", but keep the "ll"/"ss" of "falling", "passed".
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "lsz":
        return word[:-1]
    return word


def tokens(text: str) -> list[str]:
    """Lower-cased words and numbers of ``text``, hyphenated words split in two."""
    return _TOKEN.findall(text.lower())


def content_stems(text: str, extra_stopwords: frozenset[str] = frozenset()) -> list[str]:
    """Stems of the words that carry meaning: no stopwords, no single letters or lone digits."""
    return [
        stem(token)
        for token in tokens(text)
        if len(token) > 1 and token not in STOPWORDS and token not in extra_stopwords
    ]


def word_count(text: str) -> int:
    return len(text.split())


def stands_alone(text: str) -> bool:
    """Readable without the sentence before it: no opening "It", "Either way", "In 1687 he"."""
    if _LEANING_PHRASE.match(text):
        return False
    opening = tokens(text)[:3]
    # "It's", "Here's" lean as "It" and "Here" do.
    if not opening or opening[0].split("'")[0] in _CONNECTIVES:
        return False
    # "RuBisCO then binds ...", "Plants also ...": the second word points back too.
    if len(opening) > 1 and opening[1] in _POINTING_BACK:
        return False
    return not any(word in _PRONOUNS for word in opening[1:])


# The symbols of mathematics and logic, for a character class: a sentence or heading with them
# is a formula, not prose.
MATH_SYMBOLS = "=+−×÷·→←↔⇒⇔∀∃∈∉⊂⊆⊇∪∩∑∏∫√≤≥≠≈∞±^_{}|¯ˆ˜′″‹›⟨⟩⊕⊗∧∨¬⊢⊨"
MATH = re.compile(f"[{re.escape(MATH_SYMBOLS)}]")
# Verbs that open an instruction ("Aim for breadth ...", "Maintain a list of ...", "Evaluate
# cognitive load ..."): what to do, not what is.
INSTRUCTIONS = frozenset(
    "aim use make try recommend add avoid read write check ensure remember consider keep go do "
    "don't dont be practice review create select bind append start stop run install open close "
    "click choose pick find get set put take give see look think learn study prepare discuss ask "
    "explain describe compare list identify define evaluate estimate outline gather scope design "
    "build test plan focus apply fill follow work solve show prove let maintain compute calculate "
    "determine store sample return imagine assume repeat".split()
)
# A sentence announcing what comes or sending the reader elsewhere ("All in all, let us give the
# definition of ...", "we recommend you to revisit the ??"): it says where to look, not what is.
SIGNPOST = re.compile(
    r"\b(?:let\s+us|let's|we\s+will|we\s+shall|we\s+now|we\s+recommend|see\s+(?:section|"
    r"chapter|the\s+next)|in\s+(?:this|the\s+(?:next|previous|following))\s+(?:section|chapter|"
    r"lecture))\b|\?\?",
    re.I,
)
# A sentence that gives an example of what the notes explain.
EXAMPLE_CUE = re.compile(r"\b(?:for example|for instance|e\.g\.|such as|as in)\b", re.IGNORECASE)
# Words that point outside the sentence ("Definitions like this are called ...", "the former"):
# a sentence holding one cannot be asked on its own.
_POINTERS = re.compile(
    r"\b(?:this|these|those|such|above|below|aforementioned|former|latter|he|she|him|his|her|"
    r"hers|do\s+so|doing\s+so|(?:do|does|did|doing|like|after|before)\s+that|the\s+following)\b",
    re.IGNORECASE,
)
_CROSS_REFERENCE = re.compile(
    r"\b(?:definition|section|chapter|figure|table|theorem|lemma|example|exercise|equation)\s+\d|"
    r"\b(?:previous|next|last)\s+(?:section|chapter|lecture|page|slide|example)s?\b|"
    # "the line AB in the figure", "given in fig. 20": what the reader cannot see here.
    r"\bfigs?\.\s*\d|\b(?:in|from|on|of)\s+the\s+(?:figure|diagram|picture|illustration)s?\b",
    re.IGNORECASE,
)
# After a colon or semicolon "this" points back inside the sentence ("...: this splitting of
# water is called photolysis"), so only the sentence's first clause is searched for pointers.
_CLAUSE_END = re.compile(r"[:;]\s")
# Notation a quiz sentence cannot carry: symbols, Greek letters, one-letter variables, brackets
# of music or math notation ("V sends a challenge e R ←− Zq to P", "[3/4: 4 4 8 8]").
_NOTATION = re.compile(
    rf"[{re.escape(MATH_SYMBOLS)}\[\]$\\\ue000-\uf8ff]|"
    r"[\u0370-\u03ff](?!-[A-Za-z])"  # a Greek letter, but for a name such as "Σ-protocols"
)
# One-letter variables: a lower-case one ("n cells"), or two capitals naming the parties of a
# protocol ("prover P", "verifier V"), still read as words.
_VARIABLE = re.compile(r"(?<![\w'’.-])(?![aAI](?![\w'’]))[a-z](?![\w'’-])")
_NAMED_PARTY = re.compile(r"(?<![\w'’.-])(?![AI](?![\w'’]))[A-Z](?![\w'’-])")
# "F: Willard wears a funny hat", "Learning Objective: ...", "Announcement We will ...": a line of
# a key, a label or a slide's heading glued on; a quotation; a link; a footnote mark ("space50").
_LABELLED = re.compile(
    r"^(?:\S{1,4}:|[A-Z][\w’'-]*(?:\s+[\w’'-]+){0,2}:|[A-Z][a-z]+\s+(?:We|I|You)\b)\s|^[\"“‘']|"
    r"://|\b[a-z]{3,}\d{1,3}\b"
)


def in_words(text: str) -> bool:
    """Written in words, not notation: no symbols, Greek or glyphs, at most one one-letter
    variable ("n cells") and two named parties ("prover P", "verifier V")."""
    return (
        not _NOTATION.search(text)
        and len(_VARIABLE.findall(text)) <= 1
        and len(_NAMED_PARTY.findall(text)) <= 2
    )


def points_elsewhere(text: str) -> bool:
    """Names a figure, section or numbered part the reader cannot see here ("the line AB in the
    figure", "see Section 7.6", "the previous chapter")."""
    return _CROSS_REFERENCE.search(text) is not None


def labelled(text: str) -> bool:
    """Opens on a label ("Learning Objective: ...", "F: ...") or quotes, links or a footnote
    mark: not a sentence to ask about as it stands."""
    return _LABELLED.search(text) is not None


def self_contained(text: str) -> bool:
    """Stands alone, points at nothing outside itself and is written in words, not notation:
    fit to be asked as a question."""
    return (
        stands_alone(text)
        and not _POINTERS.search(_CLAUSE_END.split(text, maxsplit=1)[0])
        and not points_elsewhere(text)
        and not labelled(text)
        and in_words(text)
    )
