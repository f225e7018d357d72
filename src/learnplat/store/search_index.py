"""Full-text search over passages behind one interface: what to look for comes in as terms
(words and phrases, a prefix at most at the end), and hits come back ranked with a snippet and
the places the terms matched in it. The index's own query language never leaves this module, so
nothing a user types can raise a syntax error.

``Fts5Index`` is SQLite's FTS5 (bm25 with headings weighted 4 to 1, porter stemming, snippets).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from .database import Database


@dataclass(frozen=True, slots=True)
class Term:
    """One thing to look for: a word, or a phrase's words in order; with ``prefix`` the last
    word matches any word it begins ("photo*")."""

    words: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True, slots=True)
class IndexHit:
    """A passage the index found: where it is, its snippet, the (start, end) spans of the
    snippet that matched, and its relevance (higher is better)."""

    passage_id: int
    doc_id: int
    title: str
    unit_name: str
    page: int
    page_label: str | None
    heading_path: str
    snippet: str
    highlights: tuple[tuple[int, int], ...]
    score: float


class SearchIndex(Protocol):
    def search(
        self,
        user_id: str,
        terms: Sequence[Term],
        *,
        every: bool,
        doc_id: int | None,
        limit: int,
        snippet_words: int,
    ) -> list[IndexHit]:
        """The user's passages (of ``doc_id`` only, when given) holding every term (any term
        unless ``every``), best first, at most ``limit``."""
        ...


# bm25 weights: a hit in a heading counts more than one in body text.
_BM25 = "bm25(passages_fts, 4.0, 1.0)"
# Marks FTS5 puts around each match in a snippet; no stored text holds them (they are control
# characters, removed from everything ingested).
_HIT_OPEN, _HIT_CLOSE = "\x02", "\x03"


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def fts5_match(terms: Sequence[Term], *, every: bool) -> str:
    """The FTS5 MATCH expression for ``terms``: each one a quoted string (so no operator or
    bracket a user typed means anything), a prefix marked outside the quotes."""
    quoted = [_quote(" ".join(term.words)) + (" *" if term.prefix else "") for term in terms]
    return (" AND " if every else " OR ").join(quoted)


def split_snippet(snippet: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Remove the hit marks from an FTS5 snippet; return plain text and (start, end) spans."""
    text: list[str] = []
    spans: list[tuple[int, int]] = []
    position = 0
    start = None
    for char in snippet:
        if char == _HIT_OPEN:
            start = position
        elif char == _HIT_CLOSE:
            if start is not None:
                spans.append((start, position))
            start = None
        else:
            text.append(char)
            position += 1
    return "".join(text), tuple(spans)


class Fts5Index:
    """The ``passages_fts`` table (kept in step with ``passages`` by triggers)."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def search(
        self,
        user_id: str,
        terms: Sequence[Term],
        *,
        every: bool,
        doc_id: int | None,
        limit: int,
        snippet_words: int,
    ) -> list[IndexHit]:
        """Ranking runs on the FTS index alone over a few times ``limit`` candidates, and only
        the winners are joined and given snippets: joins and snippets for every matching row
        cost more than the ranking. When other profiles' passages crowd the candidates out (or
        one document is asked for) it ranks with the join instead."""
        if not terms:
            return []
        match = fts5_match(terms, every=every)
        candidates = max(50, limit * 5)
        if doc_id is None:
            ranked = [
                (row["rowid"], row["rank"])
                for row in self.database.rows(
                    f"SELECT rowid, {_BM25} AS rank FROM passages_fts"
                    " WHERE passages_fts MATCH ? ORDER BY rank LIMIT ?",
                    (match, candidates),
                )
            ]
            owned = self._owned(user_id, [rowid for rowid, _ in ranked])
            if len(ranked) < candidates or len(owned) >= min(limit, len(ranked)):
                ranked = [(rowid, rank) for rowid, rank in ranked if rowid in owned][:limit]
                return self._hits(match, ranked, snippet_words)
        doc_filter = "AND d.id = :doc_id" if doc_id is not None else ""
        rows = self.database.rows(
            f"""SELECT passages_fts.rowid AS rowid, {_BM25} AS rank
                FROM passages_fts
                JOIN passages AS p ON p.id = passages_fts.rowid
                JOIN documents AS d ON d.id = p.document_id
                WHERE passages_fts MATCH :match AND d.user_id = :user {doc_filter}
                ORDER BY rank LIMIT :limit""",
            {"match": match, "user": user_id, "doc_id": doc_id, "limit": limit},
        )
        return self._hits(match, [(row["rowid"], row["rank"]) for row in rows], snippet_words)

    def _owned(self, user_id: str, passage_ids: list[int]) -> set[int]:
        if not passage_ids:
            return set()
        marks = ", ".join("?" for _ in passage_ids)
        rows = self.database.rows(
            f"SELECT p.id FROM passages AS p JOIN documents AS d ON d.id = p.document_id"
            f" WHERE d.user_id = ? AND p.id IN ({marks})",
            (user_id, *passage_ids),
        )
        return {row["id"] for row in rows}

    def _hits(
        self, match: str, ranked: list[tuple[int, float]], snippet_words: int
    ) -> list[IndexHit]:
        """Join the ranked passages to their documents and snippets, keeping the rank order."""
        if not ranked:
            return []
        marks = ", ".join("?" for _ in ranked)
        rows = self.database.rows(
            f"""SELECT p.id AS passage_id, p.document_id AS doc_id, d.title AS title,
                       d.unit_name AS unit_name, p.page AS page, p.page_label AS page_label,
                       p.heading_path AS heading_path,
                       snippet(passages_fts, 1, ?, ?, '…', ?) AS snippet
                FROM passages_fts
                JOIN passages AS p ON p.id = passages_fts.rowid
                JOIN documents AS d ON d.id = p.document_id
                WHERE passages_fts MATCH ? AND passages_fts.rowid IN ({marks})""",
            (_HIT_OPEN, _HIT_CLOSE, snippet_words, match, *(rowid for rowid, _ in ranked)),
        )
        by_id = {row["passage_id"]: row for row in rows}
        hits = []
        for rowid, rank in ranked:
            row = by_id.get(rowid)
            if row is None:
                continue
            snippet, highlights = split_snippet(row["snippet"])
            hits.append(
                IndexHit(
                    passage_id=row["passage_id"],
                    doc_id=row["doc_id"],
                    title=row["title"],
                    unit_name=row["unit_name"],
                    page=row["page"],
                    page_label=row["page_label"],
                    heading_path=row["heading_path"],
                    snippet=snippet,
                    highlights=highlights,
                    score=-rank,  # bm25 is lower for better matches
                )
            )
        return hits
