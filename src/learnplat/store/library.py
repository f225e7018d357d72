"""Store methods for users, documents and passages (with their full-text index)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from ..errors import BadInput
from ..profile_names import profile_key, skeleton
from .database import Connection, Database
from .records import from_row
from .search_index import IndexHit, SearchIndex, Term, open_search_index

DOCUMENT_COLUMNS = (
    "id, user_id, title, filename, source_path, stored_path, kind, unit_name, sha256,"
    " size_bytes, pages, words, passages, warnings, added_at"
)
_PASSAGES = (
    "SELECT p.id, p.document_id AS doc_id, d.title, d.unit_name, p.page, p.seq,"
    " p.heading_path, p.text, p.words, p.page_label FROM passages AS p"
    " JOIN documents AS d ON d.id = p.document_id"
)


@dataclass(frozen=True, slots=True)
class DocumentRecord:
    """A document as stored: ``stored_path`` relative to the data dir, ``warnings`` JSON."""

    id: int
    user_id: str
    title: str
    filename: str
    source_path: str
    stored_path: str
    kind: str
    unit_name: str
    sha256: str
    size_bytes: int
    pages: int
    words: int
    passages: int
    warnings: str
    added_at: str


@dataclass(frozen=True, slots=True)
class PassageRecord:
    """A passage with its document's title and unit; ``heading_path`` as stored (joined)."""

    id: int
    doc_id: int
    title: str
    unit_name: str
    page: int
    seq: int
    heading_path: str
    text: str
    words: int
    page_label: str | None


class DuplicateDocument(Exception):
    """The user's library already holds a document with these bytes (added meanwhile)."""


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

    def __init__(self, database: Database, index: SearchIndex | None = None) -> None:
        self.database = database
        self.index: SearchIndex = index or open_search_index(database)
        # SQLite's LIKE ignores ASCII case; PostgreSQL's does not, and ILIKE does.
        self._like = "ILIKE" if database.dialect == "postgresql" else "LIKE"

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

    # documents -----------------------------------------------------------
    def find_by_hash(self, user_id: str, sha256: str) -> DocumentRecord | None:
        rows = self.database.rows(
            f"SELECT {DOCUMENT_COLUMNS} FROM documents WHERE user_id = ? AND sha256 = ?",
            (user_id, sha256),
        )
        return from_row(DocumentRecord, rows[0]) if rows else None

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
        the file before this document refers to it). Raises DuplicateDocument when the user
        has a document of the same bytes (``sha256``)."""
        columns = ", ".join(document)
        marks = ", ".join("?" for _ in document)
        try:
            return self._add_document(columns, marks, document, passages, before_commit)
        except Exception as exc:
            if self.database.is_unique_violation(exc):
                raise DuplicateDocument(document.get("sha256")) from exc
            raise

    def _add_document(
        self,
        columns: str,
        marks: str,
        document: dict,
        passages: Sequence[PassageRow],
        before_commit: Callable[[], None] | None,
    ) -> int:
        # Immediate: a document and ``references_held`` exclude each other (see there).
        with self.database.atomic(immediate=True) as conn:
            doc_id = int(
                conn.execute(
                    f"INSERT INTO documents ({columns}) VALUES ({marks}) RETURNING id",
                    tuple(document.values()),
                ).fetchone()[0]
            )
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

    def documents(self, user_id: str) -> list[DocumentRecord]:
        rows = self.database.rows(
            f"SELECT {DOCUMENT_COLUMNS} FROM documents WHERE user_id = ? ORDER BY id", (user_id,)
        )
        return [from_row(DocumentRecord, row) for row in rows]

    def document(self, user_id: str, doc_id: int) -> DocumentRecord | None:
        rows = self.database.rows(
            f"SELECT {DOCUMENT_COLUMNS} FROM documents WHERE user_id = ? AND id = ?",
            (user_id, doc_id),
        )
        return from_row(DocumentRecord, rows[0]) if rows else None

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
    def _references(conn: Connection, stored_path: str) -> int:
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

    def page_passages(self, doc_id: int, page: int) -> list[PassageRecord]:
        rows = self.database.rows(
            f"{_PASSAGES} WHERE p.document_id = ? AND p.page = ? ORDER BY p.seq", (doc_id, page)
        )
        return [from_row(PassageRecord, row) for row in rows]

    def passages(
        self, doc_id: int | None = None, ids: Sequence[int] = ()
    ) -> list[PassageRecord]:
        """Passages with their document's title and unit: a whole document's, or the given ids'."""
        if doc_id is not None:
            rows = self.database.rows(
                f"{_PASSAGES} WHERE p.document_id = ? ORDER BY p.page, p.seq", (doc_id,)
            )
        elif ids:
            marks = ", ".join("?" for _ in ids)
            rows = self.database.rows(f"{_PASSAGES} WHERE p.id IN ({marks})", tuple(ids))
        else:
            rows = []
        return [from_row(PassageRecord, row) for row in rows]

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
            f" WHERE d.user_id = ? AND p.text {self._like} ? ESCAPE '\\'{scope}) AS numbered"
            " WHERE n <= ?",
            (*params, per_document),
        )
        return [(row["document_id"], row["text"]) for row in rows]

    def passage_count(self) -> int:
        """Every profile's passages."""
        return int(self.database.rows("SELECT COUNT(*) AS n FROM passages")[0]["n"])

    def document_count(self) -> int:
        """Every profile's documents."""
        return int(self.database.rows("SELECT COUNT(*) AS n FROM documents")[0]["n"])

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
        """The user's passages holding every term (any, unless ``every``), best first: the
        search index's answer (``SearchIndex.search``)."""
        return self.index.search(
            user_id, terms, every=every, doc_id=doc_id, limit=limit, snippet_words=snippet_words
        )
