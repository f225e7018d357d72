"""Words that say the opposite of each other: general academic opposites, negating prefixes
("valid"/"invalid", "symmetric"/"antisymmetric") and rival prefixes ("injective"/"surjective",
"upper"/"lower"). Never a list of one subject's terms."""

from __future__ import annotations

from functools import lru_cache

from ..offline.text import stem

# Pairs a teacher of any subject would call opposites; each side lists its forms.
_OPPOSITES = (
    ("increase increases increased increasing", "decrease decreases decreased decreasing"),
    ("rise rises rising rose risen", "fall falls falling fell fallen"),
    ("more", "less fewer"),
    ("most", "least fewest"),
    ("higher", "lower"),
    ("upper", "lower"),
    ("raise raises raised raising", "lower lowers lowered lowering cut cuts"),
    ("gain gains gained", "lose loses lost"),
    ("absorb absorbs absorbed absorbing", "release releases released releasing"),
    ("bigger larger greater", "smaller"),
    ("big large", "small"),
    ("long longer", "short shorter"),
    ("faster quicker", "slower"),
    ("fast quick", "slow"),
    ("positive", "negative"),
    ("before", "after"),
    ("always", "never"),
    ("inside", "outside"),
    ("left", "right"),
    ("above", "below"),
    ("first", "last"),
    ("day daytime", "night nighttime"),
    ("light", "dark darkness"),
    ("earlier", "later"),
    ("surplus surpluses", "shortage shortages"),
    ("cheaper", "dearer"),
    ("minimum", "maximum"),
    ("true", "false"),
    ("necessary", "sufficient"),
    ("strong stronger", "weak weaker"),
    ("same identical", "different"),
    ("static", "dynamic"),
    ("public", "private"),
    ("concrete", "abstract"),
    ("simple simpler", "complex"),
    ("deterministic", "random randomized randomised probabilistic"),
    ("accept accepts accepted", "reject rejects rejected"),
    ("include includes included", "exclude excludes excluded"),
    ("allow allows allowed", "forbid forbids forbidden prevent prevents prevented"),
    ("attract attracts attracted", "repel repels repelled"),
    ("expand expands expanded", "contract contracts contracted"),
    ("buy buys bought", "sell sells sold"),
    ("even", "odd"),
    ("success succeeds", "failure fails"),
    ("continue continues continued continuing", "stop stops stopped stopping"),
    ("add adds added adding", "remove removes removed removing"),
    ("input inputs", "output outputs"),
)
_PAIRS: dict[str, frozenset[str]] = {}
for _left, _right in _OPPOSITES:
    for _word in _left.split():
        _PAIRS[_word] = _PAIRS.get(_word, frozenset()) | frozenset(_right.split())
    for _word in _right.split():
        _PAIRS[_word] = _PAIRS.get(_word, frozenset()) | frozenset(_left.split())

# A prefix that turns a word into its negation ("invalid", "non-empty", "asymmetric"), and how
# much of the word must be left so "intrinsic" is not the negation of "trinsic".
_NEGATING = (
    ("non", 4),
    ("un", 4),
    ("in", 5),
    ("im", 5),
    ("il", 5),
    ("ir", 5),
    ("dis", 5),
    ("anti", 4),
    ("an", 5),
    ("a", 6),
)
# Prefixes that stand for rival members of one family ("injection"/"surjection",
# "hexachord"/"tetrachord", "import"/"export").
_RIVALS = (
    ("in", "sur", "bi"),
    ("mono", "di", "tri", "tetra", "penta", "hexa", "hepta", "octa", "poly"),
    ("uni", "bi", "multi"),
    ("sub", "super"),
    ("under", "over"),
    ("intra", "inter"),
    ("hyper", "hypo"),
    ("pre", "post"),
    ("homo", "hetero"),
    ("endo", "exo"),
    ("micro", "macro"),
    ("in", "out"),
    ("in", "im", "ex"),
    ("en", "de"),
    ("max", "min"),
    ("upper", "lower"),
)
MIN_REST = 3
# Words of degree and of frequency say the opposite only of the same next word: "more
# responsive" against "less responsive", never "more recent research" against "even fewer",
# nor "the pair never cancels" against "forces always come in pairs".
DEGREE = frozenset("more less fewer most least always never".split())


def _normalised(word: str) -> str:
    """British and American spellings meet: "maximise" and "maximize"."""
    return stem(word.lower()).replace("is", "iz")


@lru_cache(maxsize=65536)
def opposed(mine: str, theirs: str) -> bool:
    """Whether word ``mine`` says the opposite of word ``theirs`` (both lower case)."""
    if mine == theirs:
        return False
    if theirs in _PAIRS.get(mine, ()):
        return True
    return _negates(mine, theirs) or _negates(theirs, mine) or _rivals(mine, theirs)


def _negates(word: str, other: str) -> bool:
    for prefix, rest in _NEGATING:
        if word.startswith(prefix) and len(word) - len(prefix) >= rest:
            bare = word[len(prefix) :].lstrip("-")
            if bare == other or (len(bare) >= 5 and _normalised(bare) == _normalised(other)):
                return True
    return False


def _rivals(mine: str, theirs: str) -> bool:
    left, right = _normalised(mine), _normalised(theirs)
    for family in _RIVALS:
        for first in family:
            if not left.startswith(first):
                continue
            rest = left[len(first) :]
            if len(rest) < MIN_REST:
                continue
            for second in family:
                if second != first and right == second + rest:
                    return True
    return False
