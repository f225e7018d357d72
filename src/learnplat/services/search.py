"""Turn what a user types into search terms: words, quoted phrases and prefixes (``photo*``),
the question words dropped. The index (``store.search_index``) makes its own query of them."""

from __future__ import annotations

import re

from ..errors import BadInput
from ..store.search_index import Term

# A quoted phrase, or a word (letters/digits, inner apostrophes and hyphens) with an optional
# trailing * for a prefix search. Everything else (?, -, parentheses, AND/OR/NOT as operators)
# is treated as text, so no input can raise an FTS5 syntax error.
_TERM = re.compile(r'"([^"]*)"|(\w+(?:[\'’-]\w+)*)(\*?)')
_WORD = re.compile(r"\w+")
# Question words and glue that would otherwise rank any passage saying "does" or "the" highly
# ("what does RuBisCO do?"). Dropped from a query only when a content word remains.
STOPWORDS = frozenset(
    """a about an and are as at be by can do does did for from how i in is it its me of on or
    the their there these this to was were what when where which who whom why will with you your
    explain tell describe define""".split()
)
# What a learner types is a few words or a question; a pasted page is neither, and the cost of
# a search (and of an answer, which runs several) grows with every word looked for.
MAX_QUERY_CHARS = 1000
MAX_QUERY_TERMS = 64


def _terms(query: str) -> list[Term]:
    """The query's words and phrases; stopwords dropped when others remain."""
    terms: list[Term] = []
    stop: set[Term] = set()
    for phrase, word, star in _TERM.findall(query):
        if phrase:
            words = _WORD.findall(phrase)
            if words:
                terms.append(Term(tuple(words)))
        elif word:
            terms.append(Term(tuple(_WORD.findall(word)), prefix=bool(star)))
            if not star and word.lower() in STOPWORDS:
                stop.add(terms[-1])
    if len(stop) < len(terms):
        terms = [term for term in terms if term not in stop]
    return terms


def check_query(query: str, what: str = "the query") -> None:
    """Raises BadInput when ``query`` is longer than 1,000 characters or holds more than 64
    different words to look for."""
    if len(query) > MAX_QUERY_CHARS:
        raise BadInput(
            f"{what} is {len(query):,} characters long; the limit is {MAX_QUERY_CHARS:,}",
            hint="use the few words that matter most",
        )
    count = len(set(_terms(query)))
    if count > MAX_QUERY_TERMS:
        raise BadInput(
            f"{what} has {count} words to look for; the limit is {MAX_QUERY_TERMS}",
            hint="use the few words that matter most",
        )


def parse_query(query: str) -> list[Term]:
    """The terms to look for in ``query``. Raises BadInput when it holds no word to search
    for, or is too long (check_query)."""
    check_query(query)
    terms = _terms(query)
    if not terms:
        raise BadInput(
            f"nothing to search for in {query!r}",
            hint='try words, e.g. learnplat search "light reactions"',
        )
    return terms
