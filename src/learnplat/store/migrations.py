"""Ordered schema migrations, recorded in ``schema_migrations`` and ``PRAGMA user_version``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import sqlite_utils


def _v1_users_and_library(db: sqlite_utils.Database) -> None:
    db.execute(
        """CREATE TABLE users (
            id TEXT PRIMARY KEY,
            display_name TEXT NOT NULL,
            created_at TEXT NOT NULL
        )"""
    )
    db.execute(
        """CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            title TEXT NOT NULL,
            filename TEXT NOT NULL,
            source_path TEXT NOT NULL,
            stored_path TEXT NOT NULL,
            kind TEXT NOT NULL,
            unit_name TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            size_bytes INTEGER NOT NULL,
            pages INTEGER NOT NULL,
            words INTEGER NOT NULL,
            passages INTEGER NOT NULL,
            warnings TEXT NOT NULL DEFAULT '[]',
            added_at TEXT NOT NULL,
            UNIQUE (user_id, sha256)
        )"""
    )
    db.execute(
        """CREATE TABLE passages (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            page INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            heading_path TEXT NOT NULL DEFAULT '',
            text TEXT NOT NULL,
            words INTEGER NOT NULL
        )"""
    )
    db.execute("CREATE INDEX passages_by_document ON passages (document_id, page, seq)")
    # FTS5 over passages (external content), kept in step by triggers. Porter stemming lets
    # "reaction" find "reactions"; remove_diacritics lets "cafe" find "café".
    db.execute(
        """CREATE VIRTUAL TABLE passages_fts USING fts5(
            heading_path, text, content='passages', content_rowid='id',
            tokenize='porter unicode61 remove_diacritics 2'
        )"""
    )
    db.execute(
        """CREATE TRIGGER passages_ai AFTER INSERT ON passages BEGIN
            INSERT INTO passages_fts (rowid, heading_path, text)
            VALUES (new.id, new.heading_path, new.text);
        END"""
    )
    db.execute(
        """CREATE TRIGGER passages_ad AFTER DELETE ON passages BEGIN
            INSERT INTO passages_fts (passages_fts, rowid, heading_path, text)
            VALUES ('delete', old.id, old.heading_path, old.text);
        END"""
    )


MIGRATIONS: tuple[tuple[int, str, Callable[[sqlite_utils.Database], None]], ...] = (
    (1, "users and library", _v1_users_and_library),
)


def applied_versions(db: sqlite_utils.Database) -> set[int]:
    if "schema_migrations" not in db.table_names():
        return set()
    return {row["version"] for row in db.query("SELECT version FROM schema_migrations")}


def migrate(db: sqlite_utils.Database) -> list[int]:
    """Apply the migrations this database lacks, each in its own transaction; return them."""
    db.execute(
        """CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL
        )"""
    )
    done = applied_versions(db)
    applied = []
    for version, name, step in MIGRATIONS:
        if version in done:
            continue
        with db.atomic():
            step(db)
            db.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                (version, name, datetime.now(UTC).isoformat(timespec="seconds")),
            )
            db.execute(f"PRAGMA user_version = {int(version)}")
        applied.append(version)
    return applied


def schema_version(db: sqlite_utils.Database) -> int:
    return max(applied_versions(db), default=0)
