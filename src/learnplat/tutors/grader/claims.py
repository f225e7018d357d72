"""Claims: the clauses of a sentence with their words, roots, negation and numbers, and what
sets two claims about the same thing against each other (a negation, an opposite word, a rival
term in the same place, another number, two terms swapped)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from ..offline.text import stem
from .direction import reversed_direction
from .opposites import DEGREE, opposed
from .words import is_content, root

# Clauses end at a semicolon, a dash, or a linking word that starts a new claim ("..., while
# rich text ...", "... because ...", "..., not ...").
_BREAK = re.compile(
    r"\s*(?:;|\n\s*[*•·-]?|\s[-–—]\s|,\s*(?:and|but|so|while|whereas|which|although|though|yet)\b"
    # "..., not the kidneys" keeps its "not": it denies the next claim.
    r"|,\s*(?=not\b)"
    # A comma before a new subject ("..., you can leave it out") starts a new claim.
    r"|,(?=\s*(?:you|we|they|it|he|she|this|these|there)\s)"
    r"|\b(?:while|whereas|because|since|although|(?:even\s+)?though|but|therefore|hence|thus)\b)"
    r"\s*",
    re.IGNORECASE,
)
_TOKEN = re.compile(
    r"(?P<number>\d+(?:[.,]\d+)*(?:\s*(?:/|±|\+/-)\s*\d+(?:[.,]\d+)*)?)"
    r"|(?P<word>[A-Za-z]+(?:[-'’][A-Za-z]+)*)"
)
_NUMBER_WORDS = dict(
    zip(
        "one two three four five six seven eight nine ten eleven twelve".split(),
        map(str, range(1, 13)),
        strict=True,
    )
)
_NEGATORS = frozenset("not no never nothing none nobody neither nor cannot without".split())
# Words that put a whole claim in doubt ("a common mistake is to add tops and bottoms"): a
# claim with one is not held against a plain negation.
_DOUBTING = frozenset(
    "mistake mistakes wrong myth myths misconception misconceptions error errors incorrect "
    "incorrectly false wrongly".split()
)
# A negation ends where a coordinated claim begins: "cannot make glucose and photosynthesis
# stops" does not negate the stopping.
_SCOPE_ENDS = frozenset("and or but so then".split())
# "not only ... but also" adds; it denies nothing.
_NOT_DENYING = frozenset("only just merely simply".split())
# "not every state is stationary" denies that all are, not that any is: it contradicts only
# a claim that says "every" too.
_QUANTIFIERS = frozenset(
    "every all always each necessarily entirely completely wholly everything everyone".split()
)
_SCOPE_PUNCTUATION = re.compile(r"[,:;()]")
# A phrase fronted before the subject ("In master-slave replication, the slaves ...") says
# where, not who does what.
_FRONTING = frozenset("in for on at with during under after before when once".split())
FRONTED_WORDS = 6
_KEEP_JOINED = ("non-", "un-", "anti-", "a-")
_NOT_CONTENT = frozenset("etc eg ie vs".split())
MIN_CLAUSE_ROOTS = 2
# A clause led by a pronoun ("..., but this is not a safe way") or an elliptical "not"
# ("the liver makes the urea, not the kidneys") is about what the clause before it just said:
# it is read with that clause's last few roots.
_LEANING = frozenset("this that it these those they which".split())
CARRIED_ROOTS = 4
# What a number counts: the next two content words within four ("two of the following
# guarantees").
NUMBER_REACH = 4
REACH = 2
# A negation governs the next few content words: "not always a bad thing" negates "bad thing".
SCOPE = 5
SCOPE_ROOTS = 3

Resolve = Callable[[str, str], str]
# A number and the roots of what it counts.
Counted = tuple[str, frozenset[str]]


@dataclass(frozen=True)
class Claim:
    """One clause: its words (lower case, numbers as digits), the content root of each word
    ("" for the others), the roots a negation governs ("no setup phase": setup, phase), its
    numbers with the roots around them, the quantifier a negation denies ("not every") and
    where the claim proper starts after a fronted phrase ("In master-slave replication, ...")."""

    text: str
    sentence: int
    words: tuple[str, ...]
    roots: tuple[str, ...]
    negated: frozenset[str]
    numbers: tuple[Counted, ...]
    quantifier: str = ""
    body: int = 0
    negation_at: int = -1
    carried: frozenset[str] = frozenset()

    @property
    def own_roots(self) -> frozenset[str]:
        return frozenset(r for r in self.roots if r)

    @property
    def root_set(self) -> frozenset[str]:
        return self.own_roots | self.carried

    @property
    def denies(self) -> bool:
        """Whether the claim says no to anything ("not", "never"; "not only" adds)."""
        words = list(self.words)
        return any(_negator(w) and _denying(words, at) for at, w in enumerate(words))

    def next_root(self, position: int) -> str:
        """The content root after ``position`` ("" at the end of the claim)."""
        return next((r for r in self.roots[position + 1 :] if r), "")

    def around(self, position: int) -> frozenset[str]:
        """The content roots within REACH words of ``position``."""
        window = self.roots[max(0, position - REACH) : position + REACH + 1]
        return frozenset(r for r in window if r)


def _negator(word: str) -> bool:
    return word in _NEGATORS or word.endswith("n't")


def _denying(words: list[str], at: int) -> bool:
    """Whether the negator at ``at`` denies: "not only" adds, and "nothing to do with" says
    two things are unrelated ("the colour has nothing to do with the price"), denying neither."""
    if words[at : at + 4] == ["nothing", "to", "do", "with"]:
        return False
    following = words[at + 1] if at + 1 < len(words) else ""
    return following not in _NOT_DENYING


def split_clauses(sentence: str) -> list[str]:
    """The clauses of ``sentence``; a piece too short to claim anything stays with the last."""
    pieces = [p.strip(" ,.") for p in _BREAK.split(sentence) if p and p.strip(" ,.")]
    clauses: list[str] = []
    for piece in pieces:
        if clauses and len(piece.split()) < 3:
            clauses[-1] = f"{clauses[-1]} {piece}"
        else:
            clauses.append(piece)
    return clauses or [sentence]


def read_claim(text: str, sentence: int, resolve: Resolve | None = None) -> Claim:
    """``text`` as a claim; ``resolve`` maps a learner's root onto the reference's (typos)."""
    words: list[str] = []
    roots: list[str] = []
    numbers_at: list[int] = []
    # Where a comma, colon or bracket falls before a word: a negation's reach ends there.
    stops: set[int] = set()
    last_end = 0
    for match in _TOKEN.finditer(text):
        if _SCOPE_PUNCTUATION.search(text, last_end, match.start()):
            stops.add(len(words))
        last_end = match.end()
        if match.group("number"):
            numbers_at.append(len(words))
            words.append(re.sub(r"\s+", "", match.group("number")))
            roots.append("")
            continue
        raw = match.group("word").lower().replace("’", "'")
        parts = [raw] if raw.startswith(_KEEP_JOINED) else raw.split("-")
        for part in parts:
            if part in _NUMBER_WORDS:
                numbers_at.append(len(words))
                words.append(_NUMBER_WORDS[part])
                roots.append("")
                continue
            words.append(part)
            if is_content(part) and part not in _NOT_CONTENT and not _negator(part):
                plain = root(stem(part))
                roots.append(resolve(plain, part) if resolve else plain)
            else:
                roots.append("")
    negated: set[str] = set()
    quantifier = ""
    negation_at = -1
    negators = [at for at, word in enumerate(words) if _negator(word) and _denying(words, at)]
    # Two negations ("cannot swap ... without changing") make no plain negative claim, unless
    # punctuation parts them ("Not every bird can fly: penguins cannot").
    if negators and not any(
        not any(negators[0] < stop <= other for stop in stops) for other in negators[1:]
    ):
        at = negation_at = negators[0]
        if at + 1 < len(words) and words[at + 1] in _QUANTIFIERS:
            quantifier = words[at + 1]
        scope: list[str] = []
        for position in range(at + 1, min(len(words), at + 1 + SCOPE)):
            if words[position] in _SCOPE_ENDS or (position in stops and scope):
                break
            if roots[position]:
                scope.append(roots[position])
        negated.update(scope[:SCOPE_ROOTS])
    numbers = tuple(
        (words[at], frozenset([r for r in roots[at + 1 : at + 1 + NUMBER_REACH] if r][:2]))
        for at in numbers_at
    )
    body = 0
    if words and words[0] in _FRONTING:
        body = next((at for at in sorted(stops) if 0 < at <= FRONTED_WORDS), 0)
    return Claim(
        text,
        sentence,
        tuple(words),
        tuple(roots),
        frozenset(negated),
        numbers,
        quantifier,
        body,
        negation_at,
    )


def sentence_claims(sentence: str, index: int, resolve: Resolve | None = None) -> list[Claim]:
    """The claims of ``sentence``, a clause leaning on the one before read with its last roots."""
    claims: list[Claim] = []
    for clause in split_clauses(sentence):
        claim = read_claim(clause, index, resolve)
        # "It is not valid" says too little to hold against anything, whatever came before.
        leaning = claim.words[:1] == ("not",) or (
            claim.words[:1]
            and claim.words[0] in _LEANING
            and len(claim.own_roots) >= MIN_CLAUSE_ROOTS
        )
        if claims and leaning:
            before = [r for r in claims[-1].roots if r][-CARRIED_ROOTS:]
            claim = replace(claim, carried=frozenset(before) - claim.root_set)
        claims.append(claim)
    return claims


@dataclass(frozen=True)
class Overlap:
    """What two claims share, as a share of each side's weight."""

    shared: frozenset[str]
    of_mine: float
    of_theirs: float


def overlap(mine: Claim, theirs: Claim, weight: Mapping[str, float]) -> Overlap:
    """The roots two claims share and how much of each they are; what a clause carries from
    the one before counts only where the other claim says it too."""
    left = mine.own_roots | (mine.carried & theirs.root_set)
    right = theirs.own_roots | (theirs.carried & mine.root_set)
    shared = left & right

    # fsum is exact whatever the order a set yields its words in (which changes with the
    # process's hash seed), so two claims tie, or not, the same way in every run.
    def share(side: frozenset[str]) -> float:
        total = math.fsum(weight.get(r, 1.0) for r in side)
        return math.fsum(weight.get(r, 1.0) for r in shared) / total if total else 0.0

    return Overlap(shared, share(left), share(right))


# How closely two claims must agree in their other words before one difference makes them
# contradict: a negation needs both sides to be nearly the same claim.
NEGATION_SHARE = 0.6
DIFFERENCE_SHARE = 0.4
TERM_SHARE = 0.5
# A rival term counts only where the two claims differ in little else.
TERM_OTHERS = 3
SWAP_ROOTS = 3
# Two claims in nearly the same words: any two terms trading places swap their roles ("the
# slaves serve writes and replicate them to the master").
SAME_CLAIM = 0.8
# A negation of a reference claim the learner's restates whole, inside a longer claim.
WHOLE_CLAIM = 0.9
RESTATED_SHARE = 0.3


def difference(
    mine: Claim,
    theirs: Claim,
    found: Overlap,
    rivals: Callable[[str, str], bool],
    known_numbers: frozenset[Counted] = frozenset(),
    said: Callable[[str, str], bool] | None = None,
    parties: frozenset[str] = frozenset(),
) -> str | None:
    """What makes ``mine`` say the opposite of ``theirs``, or None: "negation", "opposite",
    "term", "number" or "swap". ``rivals(a, b)``: whether the reference sets root ``a``
    against root ``b`` (two terms it uses side by side); ``known_numbers``: the numbers the
    reference gives anywhere, with what they count (never held against the learner when said
    of the same thing); ``said(word, root)``: whether the reference itself says ``word``
    before ``root`` (then the learner's "visible light" is no opposite of its "invisible
    light": the reference speaks of both); ``parties``: the roots of
    who the reference names by letters ("client C"), between whom a deed cannot move."""
    if len(found.shared) < MIN_CLAUSE_ROOTS:
        return None
    if found.of_mine < DIFFERENCE_SHARE:
        # "Networks in modern data centres are reliable, so ..." against "Networks aren't
        # reliable": the reference's claim is said whole, and negated.
        whole = found.of_theirs >= WHOLE_CLAIM and found.of_mine >= RESTATED_SHARE
        return "negation" if whole and _negated_apart(mine, theirs, found.shared) else None
    close = min(found.of_mine, found.of_theirs)
    closest = max(found.of_mine, found.of_theirs)
    # Each difference flips the claim: an opposite word said of the other term ("dynamic
    # sites use a database" against "static sites do not use databases") flips it back.
    flips = []
    pair = _opposite_word(mine, theirs, found, said)
    if pair:
        flips.append("opposite")
    if (
        closest >= NEGATION_SHARE
        and close >= DIFFERENCE_SHARE
        and _negated_apart(mine, theirs, found.shared)
    ):
        flips.append("negation")
    if (flips or close >= TERM_SHARE) and _rival_term(
        mine, theirs, rivals, strict=not flips, besides=pair
    ):
        flips.append("term")
    if len(flips) % 2 == 1:
        return flips[0]
    if flips:
        return None
    if _other_number(mine, theirs, known_numbers):
        return "number"
    if reversed_direction(mine, theirs):
        return "swap"
    if close >= DIFFERENCE_SHARE and _other_actor(mine, theirs, found.shared, parties):
        return "term"
    if (
        close >= TERM_SHARE
        and len(found.shared) >= SWAP_ROOTS
        and _swapped(mine, theirs, found.shared, rivals, same=close >= SAME_CLAIM)
    ):
        return "swap"
    return None


def _opposite_word(
    mine: Claim, theirs: Claim, found: Overlap, said: Callable[[str, str], bool] | None = None
) -> frozenset[str]:
    """A word whose opposite the reference says of the same thing, neither side using both
    ("raise ... and lower" against "raising and lowering" is no conflict): the two roots, or
    an empty set."""
    their_stems = {root(stem(w)) for w in theirs.words}
    my_stems = {root(stem(w)) for w in mine.words}
    for at, word in enumerate(mine.words):
        if root(stem(word)) in their_stems or not word.isalpha():
            continue
        if said is not None and said(word, mine.next_root(at)):
            continue
        for other_at, other in enumerate(theirs.words):
            if root(stem(other)) in my_stems or not opposed(word, other):
                continue
            if {word, other} & DEGREE and mine.next_root(at) != theirs.next_root(other_at):
                continue
            if mine.around(at) & theirs.around(other_at) & found.shared:
                return frozenset((root(stem(word)), root(stem(other))))
    return frozenset()


def _negated_apart(mine: Claim, theirs: Claim, shared: frozenset[str]) -> bool:
    """One side negates what both say, within SCOPE words of its negation, and the other
    denies nothing ("the pores aren't open" against "the pores are open")."""
    left, right = mine.negated & shared, theirs.negated & shared
    if left:
        negating, other, said = mine, theirs, left
    elif right:
        negating, other, said = theirs, mine, right
    else:
        return False
    if negating.quantifier and negating.quantifier not in other.words:
        return False
    at = negating.negation_at
    direct = any(r in said for r in negating.roots[at + 1 : at + 1 + SCOPE])
    if not (direct or said & negating.carried):
        return False
    return not other.denies and not any(w in _DOUBTING for w in other.words)


def _other_number(mine: Claim, theirs: Claim, known: frozenset[Counted]) -> bool:
    """A number where the reference gives another one of the same thing ("1/6 of the well
    depth" against "1/60 of the well depth"), nowhere this one of it, and the learner does not
    say the reference's too ("instead of four notes, six notes")."""
    their_values = {value for value, _ in theirs.numbers}
    for value, around in mine.numbers:
        if value in their_values or not around:
            continue
        if any(value == v and (not counted or counted & around) for v, counted in known):
            continue
        # The reference's numbers of the same thing: those counting most of what it counts.
        closest = max((len(counted & around) for _, counted in theirs.numbers), default=0)
        rival = [(v, c) for v, c in theirs.numbers if closest and len(c & around) == closest]
        said_too = any(
            v == other and counted & other_around
            for v, counted in rival
            for other, other_around in mine.numbers
        )
        if rival and not said_too:
            return True
    return False


def _rival_term(
    mine: Claim,
    theirs: Claim,
    rivals: Callable[[str, str], bool],
    *,
    strict: bool = True,
    besides: frozenset[str] = frozenset(),
) -> bool:
    """A term said where the reference says another it sets against it, the rest of the claim
    the same ("extraneous load is what you think about to perform the task" against the same
    words about intrinsic load)."""
    mine_only, theirs_only = mine.root_set - theirs.root_set, theirs.root_set - mine.root_set
    if strict and max(len(mine_only), len(theirs_only)) > TERM_OTHERS:
        return False
    # Undoing another difference, the learner's term may also be said elsewhere in the
    # reference's claim ("dynamic sites use a database" against "static sites do not use
    # databases to generate pages dynamically").
    for x in sorted(mine_only if strict else mine.root_set):
        for y in sorted(theirs_only):
            # The opposite word already counted is not a rival term too.
            if rivals(x, y) and frozenset((x, y)) != besides:
                return True
    return False


def _other_actor(
    mine: Claim, theirs: Claim, shared: frozenset[str], parties: frozenset[str]
) -> bool:
    """The same deed done by the other party ("the server sends the hello" against
    "C sends a hello to S", where the notes name the ``parties`` by letters), the
    learner's claim naming the reference's doer nowhere."""
    my_actor, their_actor = mine.next_root(mine.body - 1), theirs.next_root(theirs.body - 1)
    if my_actor == their_actor or not {my_actor, their_actor} <= parties:
        return False
    if their_actor in mine.root_set or my_actor not in theirs.root_set:
        return False
    return len(shared - {my_actor, their_actor}) >= MIN_CLAUSE_ROOTS


def _swapped(
    mine: Claim,
    theirs: Claim,
    shared: frozenset[str],
    rivals: Callable[[str, str], bool],
    *,
    same: bool = False,
) -> bool:
    """Two rival terms (any two, in claims of nearly the ``same`` words) in each other's places
    among the same words ("melody as the intellectual side, rhythm as the sensuous" against
    "rhythm ... intellectual, melody ... sensuous"), neither claim in the passive ("reads are
    served by the slaves" is "the slaves serve reads")."""
    if ("by" in mine.words) != ("by" in theirs.words):
        return False
    left = list(dict.fromkeys(r for r in mine.roots[mine.body :] if r in shared))
    right = list(dict.fromkeys(r for r in theirs.roots[theirs.body :] if r in shared))
    if len(left) != len(right):
        return False
    differing = [i for i, (a, b) in enumerate(zip(left, right, strict=True)) if a != b]
    if len(differing) != 2:
        return False
    first, second = differing
    # Neighbours trading places are a list said in another order ("leaves and stems").
    return (
        second - first >= 2
        and left[first] == right[second]
        and left[second] == right[first]
        and (same or rivals(left[first], left[second]))
    )
