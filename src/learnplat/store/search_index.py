"""Full-text search over passages behind one interface: what to look for comes in as terms
(words and phrases, a prefix at most at the end), and hits come back ranked with a snippet and
the places the terms matched in it. The index's own query language never leaves this module, so
nothing a user types can raise a syntax error.

``Fts5Index`` is SQLite's FTS5 (bm25 with headings weighted 4 to 1, porter stemming, snippets);
``TsvectorIndex`` is PostgreSQL's (a tsvector column with a GIN index, ``websearch_to_tsquery``,
``ts_rank_cd`` with the same weights, ``ts_headline`` for snippets). ``open_search_index`` gives
the one of a database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from .database import Database

# PostgreSQL's text search configuration for passages (made by ``pg_schema``): English
# stemming as FTS5's porter tokenizer, accents folded where the server has unaccent.
SEARCH_CONFIG = "learnplat_search"


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


def index_hit(row: Any, marked_snippet: str, score: float) -> IndexHit:
    """A hit from a row of passage_id, doc_id, title, unit_name, page, page_label and
    heading_path, and its snippet with the hit marks in it."""
    snippet, highlights = split_snippet(marked_snippet)
    return IndexHit(
        passage_id=row["passage_id"],
        doc_id=row["doc_id"],
        title=row["title"],
        unit_name=row["unit_name"],
        page=row["page"],
        page_label=row["page_label"],
        heading_path=row["heading_path"],
        snippet=snippet,
        highlights=highlights,
        score=score,
    )


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
            hits.append(index_hit(row, row["snippet"], -rank))  # bm25: lower is better
        return hits


def open_search_index(database: Database) -> SearchIndex:
    """The full-text index of ``database``'s engine."""
    if database.dialect == "postgresql":
        return TsvectorIndex(database)
    return Fts5Index(database)


# Passages as words, unstemmed and with no stop word left out, weighted as the index is.
_SIMPLE_VECTOR = (
    "(setweight(to_tsvector('simple', p.heading_path), 'A')"
    " || setweight(to_tsvector('simple', p.text), 'B'))"
)
_PUT_BACK_WORDS = 2
# ts_rank_cd's weights for {D, C, B, A}: headings (A) count 4 to text (B), as in _BM25.
_WEIGHTS = "{0.1, 0.2, 0.25, 1.0}"


def _lexeme(word: str) -> str:
    """A word as a quoted to_tsquery operand: nothing in it is an operator."""
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def tsquery(
    terms: Sequence[Term], *, every: bool, config: str = SEARCH_CONFIG
) -> tuple[str, list[str]]:
    """The SQL of a tsquery for ``terms`` and its parameters. A term is given to
    ``websearch_to_tsquery`` in double quotes, as a phrase (so "or", "-" and quotes a user
    typed are only text); a prefix term to ``to_tsquery`` as quoted lexemes, the last marked
    ``:*``. Neither raises on any text, and stop words drop out."""
    parts: list[str] = []
    params: list[str] = []
    for term in terms:
        words = [" ".join(word.replace('"', " ").split()) for word in term.words]
        words = [word for word in words if word]
        if not words:
            continue
        if term.prefix:
            parts.append("to_tsquery(?::regconfig, ?)")
            params += [config, " <-> ".join(_lexeme(word) for word in words) + ":*"]
        else:
            parts.append("websearch_to_tsquery(?::regconfig, ?)")
            params += [config, '"' + " ".join(words) + '"']
    return (" && " if every else " || ").join(parts), params


class TsvectorIndex:
    """``passages.search`` (a generated tsvector: headings weighted A, text B) and its GIN
    index, on PostgreSQL."""

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
        """Ranks the user's matching passages by ts_rank_cd (normalised by length, as bm25
        is, and scaled into 0..1: option 1 | 32), then makes snippets for the winners only.
        A query of stop words only ("the"), which the index leaves out, is looked for word by
        word without stemming instead (no index helps there), as FTS5 finds it."""
        query, params = tsquery(terms, every=every)
        if not query:
            return []
        rows = self._ranked(
            query, params, SEARCH_CONFIG, "p.search", user_id, doc_id, limit, snippet_words
        )
        hits = [row for row in rows if row["passage_id"] is not None]
        if not hits and rows and rows[0]["nodes"] == 0:  # the query had only stop words
            query, params = tsquery(terms, every=every, config="simple")
            rows = self._ranked(
                query, params, "simple", _SIMPLE_VECTOR, user_id, doc_id, limit, snippet_words
            )
            hits = [row for row in rows if row["passage_id"] is not None]
        return [self._hit(row) for row in hits]

    def _ranked(
        self,
        query: str,
        params: list[str],
        config: str,
        vector: str,
        user_id: str,
        doc_id: int | None,
        limit: int,
        snippet_words: int,
    ) -> list[Any]:
        """The best ``limit`` hits with their snippets, in one round trip; with no hit, one
        row of NULLs that says how many operands the query kept (``nodes``: 0 when all were
        stop words)."""
        doc_filter = " AND d.id = ?" if doc_id is not None else ""
        most = max(2, snippet_words)
        options = (
            f"StartSel={_HIT_OPEN}, StopSel={_HIT_CLOSE}, MaxWords={most},"
            f" MinWords={max(1, most * 3 // 4)}, ShortWord=2, MaxFragments=0"
        )
        return self.database.rows(
            f"""SELECT numnode(q.query) AS nodes, ranked.*,
                       ts_headline(?::regconfig, ranked.text, q.query, ?) AS snippet
                FROM (SELECT {query} AS query) AS q
                LEFT JOIN LATERAL (
                    SELECT p.id AS passage_id, p.document_id AS doc_id, d.title AS title,
                           d.unit_name AS unit_name, p.page AS page,
                           p.page_label AS page_label, p.heading_path AS heading_path,
                           p.text AS text,
                           ts_rank_cd('{_WEIGHTS}', {vector}, q.query, 33) AS rank
                    FROM passages AS p JOIN documents AS d ON d.id = p.document_id
                    WHERE {vector} @@ q.query AND d.user_id = ?{doc_filter}
                    ORDER BY rank DESC, p.id LIMIT ?) AS ranked ON true
                ORDER BY ranked.rank DESC, ranked.passage_id""",
            (
                config,
                options,
                *params,
                user_id,
                *([doc_id] if doc_id is not None else []),
                limit,
            ),
        )

    @staticmethod
    def _hit(row: Any) -> IndexHit:
        marked, text = row["snippet"], row["text"]
        plain = marked.replace(_HIT_OPEN, "").replace(_HIT_CLOSE, "")
        # ts_headline starts and ends at word boundaries of its own choosing: a word or two it
        # left at either end are put back (a heading's "The"), and an ellipsis marks more text
        # left out, as FTS5's snippets do.
        at = text.find(plain)
        before = text[:at] if at >= 0 else None
        after = text[at + len(plain) :] if at >= 0 else None
        if before is not None and before.strip() and len(before.split()) <= _PUT_BACK_WORDS:
            marked = before + marked
        elif before is None or before.strip():
            marked = "…" + marked
        if after is not None and after.strip() and len(after.split()) <= _PUT_BACK_WORDS:
            marked = marked + after.rstrip()
        elif after is None or after.strip():
            marked += "…"
        return index_hit(row, marked, float(row["rank"]))
