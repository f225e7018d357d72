"""Store methods for users, documents and passages (with their FTS5 index)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, Protocol

from ..errors import BadInput
from ..profile_names import profile_key, skeleton
from .database import Database

DOCUMENT_COLUMNS = (
    "id, user_id, title, filename, source_path, stored_path, kind, unit_name, sha256,"
    " size_bytes, pages, words, passages, warnings, added_at"
)
# bm25 weights: a hit in a heading counts more than one in body text.
_BM25 = "bm25(passages_fts, 4.0, 1.0)"
HIT_OPEN, HIT_CLOSE = "\x02", "\x03"


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class PassageRow(Protocol):
    """What the store needs of a passage to insert it (read-only attributes)."""

    @property
    def page(self) -> int: ...
    @property
    def seq(self) -> int: ...
    @property
    def heading_path(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def words(self) -> int: ...
    @property
    def page_label(self) -> str | None: ...


class LibraryStore:
    """Users, documents and passages. SQL lives here and nowhere in the services."""

    def __init__(self, database: Database) -> None:
        self.database = database

    # users ---------------------------------------------------------------
    def ensure_user(self, name: str) -> str:
        """The id of the profile ``name`` means, made on first use. The same name in another
        case is that profile ("Ana" is "ana"); a new name that only looks like a profile's
        ("bi11" beside "bill") is refused. Profiles that differ only in case from before this
        rule keep working under their exact names. Raises BadInput."""
        exact = self.database.rows("SELECT id FROM users WHERE id = ?", (name,))
        if exact:
            return str(exact[0]["id"])
        # Under the write lock: two processes cannot make "bill" and "bi11" at once.
        with self.database.atomic(immediate=True) as conn:
            existing = [row[0] for row in conn.execute("SELECT id FROM users")]
            if name in existing:
                return name
            same = sorted(user for user in existing if profile_key(user) == profile_key(name))
            if len(same) == 1:
                return str(same[0])
            if same:
                raise BadInput(
                    f"{name!r} could be the profiles {', '.join(map(repr, same[:-1]))} or "
                    f"{same[-1]!r}, which differ only in case",
                    hint="give the name exactly as the profile you mean is written",
                )
            looks = skeleton(name)
            for user in existing:
                if skeleton(user) == looks:
                    raise BadInput(
                        f"the profile name {name!r} looks like the existing profile {user!r}",
                        hint=f"use --user {user} for that profile, or a name that looks "
                        "different for a new one",
                    )
            conn.execute(
                "INSERT INTO users (id, display_name, created_at) VALUES (?, ?, ?)",
                (name, name, now_iso()),
            )
            return name

    def users(self) -> list[sqlite3.Row]:
        return self.database.rows("SELECT id, display_name, created_at FROM users ORDER BY id")

    # documents -----------------------------------------------------------
    def find_by_hash(self, user_id: str, sha256: str) -> sqlite3.Row | None:
        rows = self.database.rows(
            f"SELECT {DOCUMENT_COLUMNS} FROM documents WHERE user_id = ? AND sha256 = ?",
            (user_id, sha256),
        )
        return rows[0] if rows else None

    def add_document(
        self,
        document: dict,
        passages: Sequence[PassageRow],
        *,
        before_commit: Callable[[], None] | None = None,
    ) -> int:
        """Insert a document and its passages in one transaction; return the new id.
        ``before_commit`` runs inside it, once the document row holds the write lock (the
        library makes sure there its original is on disk: no other process can then remove
        the file before this document refers to it)."""
        columns = ", ".join(document)
        marks = ", ".join("?" for _ in document)
        with self.database.atomic() as conn:
            cursor = conn.execute(
                f"INSERT INTO documents ({columns}) VALUES ({marks})", tuple(document.values())
            )
            doc_id = int(cursor.lastrowid or 0)
            conn.executemany(
                "INSERT INTO passages"
                " (document_id, page, seq, heading_path, text, words, page_label)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (doc_id, p.page, p.seq, p.heading_path, p.text, p.words, p.page_label)
                    for p in passages
                ],
            )
            if before_commit is not None:
                before_commit()
        return doc_id

    def documents(self, user_id: str) -> list[sqlite3.Row]:
        return self.database.rows(
            f"SELECT {DOCUMENT_COLUMNS} FROM documents WHERE user_id = ? ORDER BY id", (user_id,)
        )

    def document(self, user_id: str, doc_id: int) -> sqlite3.Row | None:
        rows = self.database.rows(
            f"SELECT {DOCUMENT_COLUMNS} FROM documents WHERE user_id = ? AND id = ?",
            (user_id, doc_id),
        )
        return rows[0] if rows else None

    def delete_document(self, user_id: str, doc_id: int) -> str | None:
        """Delete a document (its passages go with it); return its original's stored path
        when no document refers to that file any more, decided in the same transaction."""
        with self.database.atomic(immediate=True) as conn:
            row = conn.execute(
                "SELECT stored_path FROM documents WHERE user_id = ? AND id = ?",
                (user_id, doc_id),
            ).fetchone()
            if row is None:
                return None
            conn.execute("DELETE FROM documents WHERE id = ?", (doc_id,))
            return None if self._references(conn, row[0]) else str(row[0])

    @contextmanager
    def references_held(self, stored_path: str) -> Iterator[int]:
        """How many documents refer to ``stored_path``, with the write lock held until the
        block ends: no document can start referring to it meanwhile, so a file found unused
        here can be removed without racing another process's ingest."""
        with self.database.atomic(immediate=True) as conn:
            yield self._references(conn, stored_path)

    @staticmethod
    def _references(conn: sqlite3.Connection, stored_path: str) -> int:
        return int(
            conn.execute(
                "SELECT COUNT(*) FROM documents WHERE stored_path = ?", (stored_path,)
            ).fetchone()[0]
        )

    def stored_paths(self) -> set[str]:
        """Every original's path that some document (of any profile) refers to."""
        rows = self.database.rows("SELECT DISTINCT stored_path FROM documents")
        return {row["stored_path"] for row in rows}

    # passages ------------------------------------------------------------
    def page_numbers(self, doc_id: int) -> list[int]:
        rows = self.database.rows(
            "SELECT DISTINCT page FROM passages WHERE document_id = ? ORDER BY page", (doc_id,)
        )
        return [row["page"] for row in rows]

    def page_passages(self, doc_id: int, page: int) -> list[sqlite3.Row]:
        return self.database.rows(
            "SELECT id, page, seq, heading_path, text, page_label FROM passages"
            " WHERE document_id = ? AND page = ? ORDER BY seq",
            (doc_id, page),
        )

    def passages(self, doc_id: int | None = None, ids: Sequence[int] = ()) -> list[sqlite3.Row]:
        """Passages with their document's title and unit: a whole document's, or the given ids'."""
        base = (
            "SELECT p.id, p.document_id AS doc_id, d.title, d.unit_name, p.page, p.seq,"
            " p.heading_path, p.text, p.words, p.page_label FROM passages AS p"
            " JOIN documents AS d ON d.id = p.document_id"
        )
        if doc_id is not None:
            return self.database.rows(
                f"{base} WHERE p.document_id = ? ORDER BY p.page, p.seq", (doc_id,)
            )
        if not ids:
            return []
        marks = ", ".join("?" for _ in ids)
        return self.database.rows(f"{base} WHERE p.id IN ({marks})", tuple(ids))

    def following_texts(self, ids: Sequence[int]) -> dict[int, str]:
        """For each passage id, the text of the passage after it in its document (none for a
        document's last)."""
        if not ids:
            return {}
        marks = ", ".join("?" for _ in ids)
        rows = self.database.rows(
            "SELECT p.id, (SELECT q.text FROM passages AS q WHERE q.document_id = p.document_id"
            " AND (q.page, q.seq) > (p.page, p.seq) ORDER BY q.page, q.seq LIMIT 1) AS next"
            f" FROM passages AS p WHERE p.id IN ({marks})",
            tuple(ids),
        )
        return {row["id"]: row["next"] for row in rows if row["next"] is not None}

    def texts_containing(
        self, user_id: str, fragment: str, doc_ids: Sequence[int] = (), per_document: int = 50
    ) -> list[tuple[int, str]]:
        """(document id, text) of the user's passages (of ``doc_ids``, else all) that contain
        ``fragment``, ignoring ASCII case, at most ``per_document`` of each document: the words
        as written, which the stemmed full-text index cannot tell apart ("determinant" from
        "determining")."""
        escaped = fragment.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        scope = ""
        params: list[object] = [user_id, f"%{escaped}%"]
        if doc_ids:
            scope = f" AND p.document_id IN ({', '.join('?' for _ in doc_ids)})"
            params += list(doc_ids)
        rows = self.database.rows(
            "SELECT document_id, text FROM (SELECT p.document_id, p.text, ROW_NUMBER() OVER"
            " (PARTITION BY p.document_id ORDER BY p.id) AS n FROM passages AS p"
            " JOIN documents AS d ON d.id = p.document_id"
            f" WHERE d.user_id = ? AND p.text LIKE ? ESCAPE '\\'{scope}) WHERE n <= ?",
            (*params, per_document),
        )
        return [(row["document_id"], row["text"]) for row in rows]

    def passage_count(self) -> int:
        return int(self.database.rows("SELECT COUNT(*) AS n FROM passages")[0]["n"])

    def search(
        self, user_id: str, match: str, *, doc_id: int | None, limit: int, snippet_tokens: int
    ) -> list[dict[str, Any]]:
        """Rank passages matching an FTS5 ``match`` expression (already escaped) by bm25.

        Ranking runs on the FTS index alone over a few times ``limit`` candidates, and only the
        winners are joined and given snippets: joins and snippets for every matching row cost
        more than the ranking. When other profiles' passages crowd the candidates out (or one
        document is asked for) it ranks with the join instead.
        """
        candidates = max(50, limit * 5)
        ranked: list[tuple[int, float]] = []
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
            if len(ranked) == candidates and len(owned) < min(limit, len(ranked)):
                ranked = []  # crowded out: rank with the join below
            else:
                ranked = [(rowid, rank) for rowid, rank in ranked if rowid in owned][:limit]
                return self._hits(match, ranked, snippet_tokens)
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
        return self._hits(match, [(row["rowid"], row["rank"]) for row in rows], snippet_tokens)

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
        self, match: str, ranked: list[tuple[int, float]], snippet_tokens: int
    ) -> list[dict[str, Any]]:
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
            (HIT_OPEN, HIT_CLOSE, snippet_tokens, match, *(rowid for rowid, _ in ranked)),
        )
        by_id = {row["passage_id"]: row for row in rows}
        return [
            {**dict(zip(by_id[rowid].keys(), by_id[rowid], strict=True)), "rank": rank}
            for rowid, rank in ranked
            if rowid in by_id
        ]
