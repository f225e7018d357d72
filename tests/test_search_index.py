"""The search index behind the library: terms in, ranked hits with snippets out, and nothing a
user types reaching the index's own query language."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from learnplat.core import Session
from learnplat.errors import BadInput
from learnplat.services.search import parse_query
from learnplat.store.search_index import Term

NOTES = """# Photosynthesis

The light reactions capture energy in the thylakoid membranes.
Light-dependent reactions split water and release oxygen.

# Respiration

Cellular respiration releases energy from glucose in the mitochondria.
Reactions of the Krebs cycle produce carbon dioxide.
"""


@pytest.fixture
def library(any_platform: Session, tmp_path: Path) -> Session:
    platform = any_platform
    notes = tmp_path / "notes.md"
    notes.write_text(NOTES, encoding="utf-8")
    platform.library.ingest(notes)
    return platform


def _pages_of(session: Session, terms: list[Term], *, every: bool = True) -> list[str]:
    hits = session.library.store.search(
        session.user, terms, every=every, doc_id=None, limit=10, snippet_words=12
    )
    return [hit.heading_path for hit in hits]


def test_a_phrase_matches_its_words_in_order_only(library: Session) -> None:
    assert _pages_of(library, [Term(("light", "reactions"))]) == ["Photosynthesis"]
    assert _pages_of(library, [Term(("reactions", "light"))]) == []


def test_a_prefix_matches_the_words_it_begins(library: Session) -> None:
    assert _pages_of(library, [Term(("mitochon",), prefix=True)]) == ["Respiration"]
    assert _pages_of(library, [Term(("mitochon",))]) == []


def test_words_match_their_other_endings(library: Session) -> None:
    # "releasing" and "release(s)" share a stem; both sections say one of them.
    assert sorted(_pages_of(library, [Term(("releasing",))])) == ["Photosynthesis", "Respiration"]


def test_every_term_or_any_term(library: Session) -> None:
    terms = [Term(("oxygen",)), Term(("glucose",))]
    assert _pages_of(library, terms, every=True) == []
    assert sorted(_pages_of(library, terms, every=False)) == ["Photosynthesis", "Respiration"]


def test_hits_carry_a_snippet_with_the_matched_words_marked(library: Session) -> None:
    (hit,) = library.library.store.search(
        library.user, [Term(("thylakoid",))], every=True, doc_id=None, limit=5, snippet_words=8
    )
    assert hit.highlights
    start, end = hit.highlights[0]
    assert hit.snippet[start:end].lower() == "thylakoid"
    assert "\x02" not in hit.snippet and "\x03" not in hit.snippet


@pytest.mark.parametrize(
    "words",
    [('a"b',), ("NOT",), ("OR", "AND"), ("NEAR(x",), ("*",), ("col:umn",), ("^start",), ("",)],
)
def test_terms_holding_the_index_syntax_are_only_text(library: Session, words) -> None:
    assert _pages_of(library, [Term(words)]) == []


# The library is only read, so one for every example is right.
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(min_size=1, max_size=60))
def test_any_text_a_user_types_searches_or_is_refused_plainly(library: Session, text) -> None:
    try:
        terms = parse_query(text)
    except BadInput:
        return
    for every in (True, False):
        library.library.store.search(
            library.user, terms, every=every, doc_id=None, limit=5, snippet_words=8
        )
