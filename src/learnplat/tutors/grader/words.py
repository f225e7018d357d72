"""Words as the grader compares them: content stems cut to roots, matched forgiving typos."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from ..offline.text import STOPWORDS, stem, tokens

# Derivational endings cut after stemming so "reduction" meets "reduces" and "inflation" meets
# "inflate"; a root keeps at least MIN_ROOT letters, so "nation" and "motion" stay whole.
_SUFFIXES = tuple(
    sorted(
        (
            "ations ation itions ition tions tion sions sion ions ion ically ical ally ity ive "
            "ment ness al ic er at"
        ).split(),
        key=len,
        reverse=True,
    )
)
MIN_ROOT = 5
# Typos are forgiven only in words of five letters or more, starting with the same letter, one
# edit away (two from eight letters): "chlorofyll" is chlorophyll, "meiosis" is not "mitosis".
FUZZY_MIN_LETTERS = 5
MIN_RATIO = 80.0
_CACHE_LIMIT = 50_000


@lru_cache(maxsize=65536)
def root(stemmed: str) -> str:
    """``stemmed`` without up to two derivational endings ("computation" -> "comput")."""
    current = stemmed
    for _ in range(2):
        for suffix in _SUFFIXES:
            if current.endswith(suffix) and len(current) - len(suffix) >= MIN_ROOT:
                current = current[: -len(suffix)]
                break
        else:
            break
    return current


def is_content(token: str) -> bool:
    return len(token) > 1 and token not in STOPWORDS


def content_roots(text: str) -> list[str]:
    """Roots of the words of ``text`` that carry meaning, in order."""
    return [root(stem(token)) for token in tokens(text) if is_content(token)]


def term_forms(term: str) -> tuple[frozenset[str], ...]:
    """For each content word of a key-idea term (stemmed or not), the roots it may appear as."""
    return tuple(
        frozenset({root(token), root(stem(token))}) for token in tokens(term) if is_content(token)
    )


def _by_initial(words: Iterable[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for word in sorted(words):
        if len(word) >= FUZZY_MIN_LETTERS and not word.isdigit():
            found.setdefault(word[0], []).append(word)
    return found


class Vocabulary:
    """The roots of a reference; maps a learner's root onto one of them despite a small typo.

    ``surface`` maps the reference's words as written to their roots: a typo is looked for
    among those too, since stemming can spread one wrong letter over two ("itteration" has the
    root "itter", "iteration" the root "itera")."""

    def __init__(self, known: Iterable[str], surface: Mapping[str, str] | None = None) -> None:
        self.known = frozenset(known)
        self.surface = dict(surface or {})
        self._roots_by_initial = _by_initial(self.known)
        self._words_by_initial = _by_initial(self.surface)
        self._resolved: dict[tuple[str, str], str] = {}

    def resolve(self, word: str, written: str = "") -> str:
        """The reference root ``word`` (the root of ``written``) stands for, or ``word`` itself
        when none is close."""
        if word in self.known:
            return word
        found = self._resolved.get((word, written))
        if found is None:
            found = self._nearest(word, self._roots_by_initial)
            if found is None and written:
                nearest_word = self._nearest(written, self._words_by_initial)
                found = self.surface[nearest_word] if nearest_word else None
            found = found or word
            if len(self._resolved) > _CACHE_LIMIT:
                self._resolved.clear()
            self._resolved[(word, written)] = found
        return found

    def resolve_all(self, words: Iterable[str]) -> list[str]:
        return [self.resolve(word) for word in words]

    @staticmethod
    def _nearest(word: str, by_initial: dict[str, list[str]]) -> str | None:
        if len(word) < FUZZY_MIN_LETTERS or not word.isalpha():
            return None
        allowed = 1 if len(word) < 8 else 2
        match = process.extractOne(
            word,
            by_initial.get(word[0], ()),
            scorer=Levenshtein.distance,
            score_cutoff=allowed,
        )
        if match is None:
            return None
        candidate: str = match[0]
        if abs(len(candidate) - len(word)) > allowed or fuzz.ratio(word, candidate) < MIN_RATIO:
            return None
        return candidate
