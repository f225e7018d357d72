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


def _v2_community(db: sqlite_utils.Database) -> None:
    """Teach Back's community: explanations, one upvote per user per explanation, points.

    ``user_points`` (all time) and ``user_points_weekly`` (per ISO week, Monday 00:00 UTC) hold
    running counters changed in the same transaction as the rows they count, so both
    leaderboards read a few index entries however many votes there are;
    ``CommunityStore.rebuild_counters`` recomputes them from ``explanations.graded_at`` and
    ``user_upvotes.created_at``. ``user_upvotes.author_id`` (an explanation's author never
    changes) counts the votes a user received without a join.
    """
    db.execute(
        """CREATE TABLE explanations (
            id INTEGER PRIMARY KEY,
            user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            topic TEXT NOT NULL,
            topic_id TEXT NOT NULL,
            level TEXT NOT NULL,
            transcript TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'graded')),
            clarity_score INTEGER,
            knowledge_points INTEGER,
            points_reason TEXT,
            grade_json TEXT,
            upvotes INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            graded_at TEXT
        )"""
    )
    # No index leads with status: nearly every row is graded, and an equality on it would
    # tempt the planner away from the topic indexes below.
    db.execute("CREATE INDEX explanations_feed_new ON explanations (created_at)")
    db.execute("CREATE INDEX explanations_feed_top ON explanations (upvotes, created_at)")
    db.execute("CREATE INDEX explanations_by_topic_new ON explanations (topic_id, created_at)")
    db.execute(
        "CREATE INDEX explanations_by_topic_top ON explanations (topic_id, upvotes, created_at)"
    )
    db.execute("CREATE INDEX explanations_by_user ON explanations (user_id, topic_id, status)")
    db.execute(
        """CREATE TABLE user_points (
            user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
            total_points INTEGER NOT NULL DEFAULT 0,
            explanations_count INTEGER NOT NULL DEFAULT 0,
            upvotes_given INTEGER NOT NULL DEFAULT 0,
            upvotes_received INTEGER NOT NULL DEFAULT 0,
            points_at TEXT
        )"""
    )
    db.execute(
        "CREATE INDEX user_points_rank ON user_points (total_points DESC, points_at, user_id)"
    )
    db.execute(
        """CREATE TABLE user_points_weekly (
            user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            week_start TEXT NOT NULL,
            points INTEGER NOT NULL DEFAULT 0,
            explanations_count INTEGER NOT NULL DEFAULT 0,
            upvotes_received INTEGER NOT NULL DEFAULT 0,
            points_at TEXT,
            PRIMARY KEY (user_id, week_start)
        )"""
    )
    db.execute(
        "CREATE INDEX user_points_weekly_rank"
        " ON user_points_weekly (week_start, points DESC, points_at, user_id)"
    )
    db.execute(
        """CREATE TABLE user_upvotes (
            id INTEGER PRIMARY KEY,
            user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            explanation_id INTEGER NOT NULL REFERENCES explanations(id) ON DELETE CASCADE,
            author_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            created_at TEXT NOT NULL,
            UNIQUE (user_id, explanation_id)
        )"""
    )
    db.execute("CREATE INDEX user_upvotes_by_explanation ON user_upvotes (explanation_id)")
    db.execute("CREATE INDEX user_upvotes_by_author ON user_upvotes (author_id)")


MIGRATIONS: tuple[tuple[int, str, Callable[[sqlite_utils.Database], None]], ...] = (
    (1, "users and library", _v1_users_and_library),
    (2, "community: explanations, upvotes, points", _v2_community),
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
