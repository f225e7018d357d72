"""Contradictions: a learner's claim set against the reference claim it restates (aligned by
shared words and, with the semantic tier, by meaning) when the two differ by a negation, an
opposite word, a rival term in its place, another number or two swapped terms, and no other
reference claim backs the learner's; or a year the reference does not give."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from ...citations import page_mark
from ..offline.text import stem, tokens
from .claims import Claim, Counted, Overlap, difference, overlap, read_claim, sentence_claims
from .letters import letter_names, spelled_out
from .meaning import Meaning
from .opposites import DEGREE, opposed
from .phrases import opposite_phrase
from .prepared import Prepared
from .style import has_example
from .submission import Submission
from .words import is_content, root

MIN_SHARED = 3
ALIGNED_SHARE = 0.5
REACH = 3
# A reference claim that says nearly all of the learner's claim without a conflict backs it.
BACKED_SHARE = 0.7
CANDIDATES = 8
# A contradiction of a key idea weighs fully; one of a side remark in the passages, less.
KEY_WEIGHT = 1.0
SIDE_WEIGHT = 0.6
KEY_IDEA_SHARE = 0.6
_YEAR = re.compile(r"\b(1[0-9]{3}|20[0-9]{2})s?\b")
# Two terms the reference names side by side ("rhythm and melody", "hiding or binding",
# "fermions vs bosons", "the drum, the pipe") are alternatives a learner can mix up.
_SIDE_BY_SIDE = re.compile(
    r"(?:([A-Za-z][\w'-]*)\s+)?([A-Za-z][\w'-]*)\s*"
    r"(?:,\s*(?:and|or)?|/|\band\b|\bor\b|\bnor\b|\bvs\.?|\bversus\b)"
    r"\s*(?:(?:the|a|an|either|neither|both)\s+)?(?=([A-Za-z][\w'-]*)(?:\s+([A-Za-z][\w'-]*))?)",
    re.IGNORECASE,
)


SameThing = Callable[[str, str], bool]


@dataclass(frozen=True)
class Contradiction:
    """A learner sentence (its index and text), the reference sentence it contradicts, what
    differs ("opposite", "negation", "term", "number", "swap", "year"), how much it weighs
    (1 for a key idea) and where the reference says it ("p. 4", or "")."""

    index: int
    sentence: str
    reference: str
    kind: str = "opposite"
    weight: float = KEY_WEIGHT
    where: str = ""


@dataclass(frozen=True)
class Alignment:
    """The reference sentences one learner sentence restates: ``strong`` ones closely enough to
    be held to, the closest first, and ``loose`` ones (any shared subject) that can back the
    learner's words."""

    strong: tuple[int, ...]
    loose: tuple[int, ...]


@dataclass(frozen=True, eq=False)
class ReferenceClaims:
    """The reference's claims, which claims use each root, which sentences each root is in,
    and the sentences that state a key idea."""

    claims: tuple[Claim, ...]
    by_root: dict[str, tuple[int, ...]]
    side_by_side: frozenset[frozenset[str]]
    key_sentences: frozenset[int]
    numbers: frozenset[Counted]
    phrases: frozenset[tuple[str, str]] = frozenset()
    letters: Mapping[str, str] = field(default_factory=dict)
    parties: frozenset[str] = frozenset()

    def rivals(self, mine: str, theirs: str) -> bool:
        """Whether the reference sets root ``mine`` against root ``theirs``: opposites, or two
        terms it names side by side."""
        return opposed(mine, theirs) or frozenset((mine, theirs)) in self.side_by_side

    def says(self, word: str, next_root: str) -> bool:
        """Whether some claim of the reference says ``word`` before the root ``next_root``."""
        return (word, next_root) in self.phrases


@lru_cache(maxsize=16)
def reference_claims(prepared: Prepared) -> ReferenceClaims:
    letters = letter_names("\n".join(prepared.sentences))
    sentences = [spelled_out(sentence, letters) for sentence in prepared.sentences]
    claims = tuple(
        claim
        for index, sentence in enumerate(sentences)
        if not is_question(sentence)
        for claim in sentence_claims(sentence, index)
    )
    by_root: dict[str, list[int]] = {}
    for number, claim in enumerate(claims):
        for word in claim.root_set:
            by_root.setdefault(word, []).append(number)
    side_by_side = {
        pair
        for sentence in (prepared.reference.topic, *sentences)
        for found in _SIDE_BY_SIDE.findall(sentence)
        for pair in _pairs(*found)
    }
    idea_roots = [frozenset(profile.words) for profile in prepared.ideas]
    key = frozenset(
        index
        for index, roots in enumerate(prepared.sentence_sets)
        if roots and any(len(roots & idea) >= KEY_IDEA_SHARE * len(roots) for idea in idea_roots)
    )
    return ReferenceClaims(
        claims,
        {word: tuple(numbers) for word, numbers in by_root.items()},
        frozenset(pair for pair in side_by_side if len(pair) == 2),
        key,
        frozenset(counted for claim in claims for counted in claim.numbers),
        frozenset(
            (word, claim.next_root(at)) for claim in claims for at, word in enumerate(claim.words)
        ),
        letters,
        frozenset(root(stem(name)) for name in letters.values()),
    )


def _pairs(before: str, last: str, first: str, after: str) -> list[frozenset[str]]:
    """The terms named side by side: "drum, pipe" gives drum/pipe, and "plain text vs rich
    text" also plain/rich (the same head word after each)."""
    roots = [
        root(stem(w.lower())) if is_content(w.lower()) else "" for w in (before, last, first, after)
    ]
    pairs = [frozenset((roots[1], roots[2]))]
    if roots[1] and roots[1] == roots[3]:
        pairs.append(frozenset((roots[0], roots[2])))
    return [pair for pair in pairs if len(pair) == 2 and "" not in pair]


def align(prepared: Prepared, roots: set[str], by_meaning: Sequence[int] = ()) -> Alignment:
    """Reference sentences close by meaning (``by_meaning``, closest first, from the semantic
    tier), then those sharing half the sentence's roots (strong, most shared first) or at least
    MIN_SHARED of them (loose)."""
    shared = {
        index: len(roots & reference_roots)
        for index, reference_roots in enumerate(prepared.sentence_sets)
        if len(roots) >= MIN_SHARED and len(roots & reference_roots) >= MIN_SHARED
    }
    by_words = sorted(shared, key=lambda index: (-shared[index], index))
    strong = [*by_meaning, *(i for i in by_words if shared[i] / len(roots) >= ALIGNED_SHARE)]
    return Alignment(tuple(dict.fromkeys(strong)), tuple(dict.fromkeys([*by_meaning, *by_words])))


def find_contradictions(
    prepared: Prepared,
    submission: Submission,
    meaning: Meaning | None = None,
    same_thing: SameThing | None = None,
) -> tuple[Contradiction, ...]:
    """Every sentence of ``submission`` that contradicts the reference sentence it restates
    (with ``meaning``, also those it restates in other words). ``same_thing(mine, theirs)``
    (the semantic tier's) says whether two clauses are about the same thing at all: a
    difference between clauses that are not is no contradiction."""
    claims = reference_claims(prepared)
    found = []
    for index, sentence in enumerate(submission.sentences):
        by_meaning = meaning.aligned[index] if meaning else ()
        roots = set(submission.sentence_roots(index))
        reference, kind = contradiction(prepared, sentence, align(prepared, roots, by_meaning))
        if (
            reference is not None
            and same_thing
            and not same_thing(sentence, prepared.sentences[reference])
        ):
            reference = None
        if reference is None:
            reference, kind = _claim_contradiction(
                prepared, claims, sentence, index, by_meaning, same_thing
            )
        if reference is None:
            reference, kind = opposite_phrase(prepared, sentence, same_thing), "opposite"
        if reference is not None:
            weight = KEY_WEIGHT if reference in claims.key_sentences else SIDE_WEIGHT
            found.append(
                Contradiction(
                    index,
                    sentence,
                    prepared.sentences[reference],
                    kind,
                    weight,
                    _where(prepared, prepared.sentences[reference]),
                )
            )
    return tuple(found)


def contradiction(
    prepared: Prepared, sentence: str, alignment: Alignment
) -> tuple[int | None, str]:
    """The reference sentence ``sentence`` contradicts as a whole (an opposite word about the
    same thing, or a year it does not give) when no aligned sentence backs it, and how."""
    strong = tuple(i for i in alignment.strong if not is_question(prepared.sentences[i]))
    if not strong:
        return None, ""
    alignment = Alignment(strong, alignment.loose)
    found = _opposite(prepared, tokens(sentence), alignment)
    if found is not None:
        return found, "opposite"
    year = _other_year(prepared, sentence, alignment)
    return (year, "year") if year is not None else (None, "")


def _claim_contradiction(
    prepared: Prepared,
    claims: ReferenceClaims,
    sentence: str,
    index: int,
    by_meaning: Sequence[int],
    same_thing: SameThing | None = None,
) -> tuple[int | None, str]:
    """The reference sentence one of the sentence's claims contradicts, and how."""
    close = set(by_meaning)

    # The numbers of a learner's own example ("count down from 5") are theirs to choose.
    numbers_known = (
        claims.numbers | frozenset((n, frozenset()) for n, _ in read_claim(sentence, index).numbers)
        if has_example(sentence)
        else claims.numbers
    )
    spelled = spelled_out(sentence, claims.letters)
    for claim in sentence_claims(spelled, index, prepared.vocabulary.resolve):
        if len(claim.root_set) < 2:
            continue
        numbers = {n for word in claim.root_set for n in claims.by_root.get(word, ())}
        numbers.update(n for n, c in enumerate(claims.claims) if c.sentence in close)
        scored: list[tuple[float, int, Claim, Overlap]] = []
        for number in numbers:
            theirs = claims.claims[number]
            found = overlap(claim, theirs, prepared.idf)
            if len(found.shared) >= 2:
                scored.append((-(found.of_mine + found.of_theirs), number, theirs, found))
        scored.sort(key=lambda item: item[:2])
        best: tuple[Claim, Overlap, str] | None = None
        backing = 0.0
        for _, _, theirs, found in scored[:CANDIDATES]:
            kind = difference(
                claim, theirs, found, claims.rivals, numbers_known, claims.says, claims.parties
            )
            if kind is None:
                # A learner's denial is backed only by a claim that denies too: "support
                # learners working with the limitations of short-term memory" is no support for
                # "short-term memory has no limit", though it shares every word of it.
                if not claim.negated & found.shared or theirs.negated or theirs.denies:
                    backing = max(backing, found.of_mine)
            elif best is None and (
                same_thing is None
                or same_thing(claim.text, theirs.text)
                # A clause whose subject is a pronoun ("they need no updates") is read with
                # its sentence.
                or same_thing(sentence, prepared.sentences[theirs.sentence])
            ):
                best = (theirs, found, kind)
        if best is not None and backing < max(BACKED_SHARE, best[1].of_mine):
            return best[0].sentence, best[2]
    return None, ""


def is_question(sentence: str) -> bool:
    """A question the reference asks ("What would ... be without ...?") states nothing."""
    return sentence.rstrip().endswith("?")


def _where(prepared: Prepared, sentence: str) -> str:
    """Where the reference says ``sentence``: "p. 4" when its passage has a page."""
    opening = " ".join(sentence.split()[:8])
    for source in prepared.reference.sources:
        if source.page is not None and opening in " ".join(source.text.split()):
            return page_mark(source.unit_name, source.page, source.page_label)
    return ""


def _opposite(prepared: Prepared, words: list[str], alignment: Alignment) -> int | None:
    """One word of an opposite pair where the reference says the other about the same thing
    ("lower their prices" against "raise their prices"), and nothing aligned backs it."""
    present = set(words)
    for word in dict.fromkeys(words):
        for index in alignment.strong:
            theirs = prepared.sentence_words[index]
            if word in theirs:
                continue
            for other in sorted(theirs - present):
                if not opposed(word, other):
                    continue
                if any(word in prepared.sentence_words[i] for i in alignment.loose):
                    break
                their_words = tokens(prepared.sentences[index])
                if {word, other} & DEGREE and _next(words, word) != _next(their_words, other):
                    continue
                if _neighbours(words, word) & _neighbours(their_words, other):
                    return index
    return None


def _next(words: list[str], target: str) -> str:
    """The content root right after the first ``target`` ("" when none follows)."""
    at = words.index(target)
    return next((root(stem(w)) for w in words[at + 1 :] if is_content(w)), "")


def _neighbours(words: list[str], target: str) -> set[str]:
    """The content roots within REACH words of ``target``: what it is said of."""
    found: set[str] = set()
    for position, word in enumerate(words):
        if word == target:
            nearby = words[max(0, position - REACH) : position + REACH + 1]
            found.update(root(stem(w)) for w in nearby if is_content(w) and w != target)
    return found


def _other_year(prepared: Prepared, sentence: str, alignment: Alignment) -> int | None:
    years = set(_YEAR.findall(sentence))
    if not years or any(year in prepared.reference.text for year in years):
        return None
    for index in alignment.strong:
        if _YEAR.search(prepared.sentences[index]):
            return index
    return None
