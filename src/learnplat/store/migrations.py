"""Ordered schema migrations, recorded in ``schema_migrations`` and ``PRAGMA user_version``."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ..terminal_text import has_unsafe, safe_text

if TYPE_CHECKING:
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


def _v3_game(db: sqlite_utils.Database) -> None:
    """Challenges: the seed's ``challenges``, ``player_progress`` and ``challenge_attempts``,
    plus leaderboard scopes, spaced-repetition cards and the question sets made from documents.

    ``challenges.slug`` is the stable id a question is loaded by (the bank's ids, a hash for
    generated and imported questions), so a changed bank question updates in place.
    ``owner_id`` is NULL for the shipped bank, the user for imported cards; questions made
    from a document belong to its owner through ``document_id``. A question is served by
    inserting its attempt with a fresh token and answered by claiming that row
    (``completed_at IS NULL``), so a token is answered once however many processes try.
    ``game_scores`` holds the per-category and per-week boards (``category`` '' = all,
    ``week_start`` '' = all time); the overall all-time board is ``player_progress``.
    """
    db.execute(
        """CREATE TABLE challenges (
            id INTEGER PRIMARY KEY,
            slug TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL,
            question TEXT NOT NULL,
            correct_answer TEXT NOT NULL,
            options TEXT NOT NULL,
            explanation TEXT NOT NULL DEFAULT '',
            category TEXT NOT NULL,
            difficulty TEXT NOT NULL,
            points INTEGER NOT NULL,
            time_limit INTEGER NOT NULL,
            source TEXT NOT NULL CHECK (source IN ('bank', 'document', 'cards')),
            owner_id TEXT REFERENCES users(id) ON DELETE CASCADE,
            document_id INTEGER REFERENCES documents(id) ON DELETE CASCADE,
            passage_id INTEGER,
            page INTEGER,
            unit_name TEXT NOT NULL DEFAULT 'page',
            source_title TEXT NOT NULL DEFAULT '',
            quote TEXT NOT NULL DEFAULT '',
            topic_id TEXT,
            content_hash TEXT NOT NULL,
            active INTEGER NOT NULL DEFAULT 1,
            updated_at TEXT NOT NULL
        )"""
    )
    db.execute(
        "CREATE INDEX challenges_pick ON challenges (source, category, difficulty, active)"
    )
    db.execute("CREATE INDEX challenges_by_document ON challenges (document_id)")
    db.execute("CREATE INDEX challenges_by_owner ON challenges (owner_id)")
    db.execute(
        """CREATE TABLE player_progress (
            user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
            total_points INTEGER NOT NULL DEFAULT 0,
            challenges_completed INTEGER NOT NULL DEFAULT 0,
            correct_count INTEGER NOT NULL DEFAULT 0,
            current_streak INTEGER NOT NULL DEFAULT 0,
            best_streak INTEGER NOT NULL DEFAULT 0,
            level INTEGER NOT NULL DEFAULT 1,
            points_at TEXT
        )"""
    )
    db.execute(
        "CREATE INDEX player_progress_rank"
        " ON player_progress (total_points DESC, best_streak DESC, points_at, user_id)"
    )
    db.execute(
        """CREATE TABLE game_scores (
            category TEXT NOT NULL,
            week_start TEXT NOT NULL,
            user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            points INTEGER NOT NULL DEFAULT 0,
            answered INTEGER NOT NULL DEFAULT 0,
            correct INTEGER NOT NULL DEFAULT 0,
            current_streak INTEGER NOT NULL DEFAULT 0,
            best_streak INTEGER NOT NULL DEFAULT 0,
            points_at TEXT,
            PRIMARY KEY (category, week_start, user_id)
        )"""
    )
    db.execute(
        "CREATE INDEX game_scores_rank ON game_scores"
        " (category, week_start, points DESC, best_streak DESC, points_at, user_id)"
    )
    db.execute(
        """CREATE TABLE challenge_attempts (
            id INTEGER PRIMARY KEY,
            user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            challenge_id INTEGER NOT NULL REFERENCES challenges(id) ON DELETE CASCADE,
            token TEXT NOT NULL UNIQUE,
            mode TEXT NOT NULL DEFAULT 'play' CHECK (mode IN ('play', 'review')),
            category TEXT NOT NULL,
            served_at TEXT NOT NULL,
            time_limit INTEGER NOT NULL,
            answer TEXT,
            is_correct INTEGER,
            outcome TEXT CHECK (outcome IN ('correct', 'wrong', 'timeout')),
            points_earned INTEGER,
            time_taken_ms INTEGER,
            streak INTEGER,
            completed_at TEXT
        )"""
    )
    db.execute(
        "CREATE INDEX challenge_attempts_seen"
        " ON challenge_attempts (user_id, challenge_id, served_at)"
    )
    db.execute(
        "CREATE INDEX challenge_attempts_done ON challenge_attempts (user_id, completed_at)"
    )
    db.execute("CREATE INDEX challenge_attempts_by_challenge ON challenge_attempts (challenge_id)")
    db.execute(
        """CREATE TABLE review_cards (
            user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            challenge_id INTEGER NOT NULL REFERENCES challenges(id) ON DELETE CASCADE,
            card TEXT NOT NULL,
            due TEXT NOT NULL,
            reviews INTEGER NOT NULL DEFAULT 0,
            lapses INTEGER NOT NULL DEFAULT 0,
            last_rating INTEGER,
            PRIMARY KEY (user_id, challenge_id)
        )"""
    )
    db.execute("CREATE INDEX review_cards_due ON review_cards (user_id, due)")
    db.execute(
        """CREATE TABLE question_sets (
            document_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
            generator TEXT NOT NULL,
            candidates INTEGER NOT NULL,
            kept INTEGER NOT NULL,
            dropped TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL
        )"""
    )


def _v4_page_labels(db: sqlite_utils.Database) -> None:
    # The page number printed on a PDF page ("23", "xii") where it differs from the page's
    # place in the file; NULL where they agree or nothing printed tells.
    db.execute("ALTER TABLE passages ADD COLUMN page_label TEXT")


# What text the store has kept from users and files, by table: one-line columns (titles, names,
# topics), text columns, and JSON columns whose strings are text.
_STORED_TEXT: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...], tuple[str, ...]], ...] = (
    ("documents", "", ("title", "filename"), ("source_path",), ("warnings",)),
    ("explanations", "", ("topic",), ("transcript",), ("grade_json",)),
    (
        "challenges",
        "source IN ('cards', 'document')",
        ("title", "source_title"),
        ("question", "correct_answer", "explanation", "quote"),
        ("options",),
    ),
    ("challenge_attempts", "", (), ("answer",), ()),
)


# JSON escapes every control and (with ensure_ascii) every non-ASCII character: in a JSON
# column an unsafe character shows as its escape. A tab or newline matches too, harmlessly.
_UNSAFE_ESCAPE = re.compile(
    r"\\u(?:00[01][0-9a-f]|007f|00[89][0-9a-f]|202[a-e]|206[6-9]|d[89a-f])", re.IGNORECASE
)


def _needs_cleaning(value: object, is_json: int) -> bool:
    if not isinstance(value, str):
        return False
    return has_unsafe(value) or bool(is_json and _UNSAFE_ESCAPE.search(value))


def _clean_json(value: Any) -> Any:
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, list):
        return [_clean_json(item) for item in value]
    if isinstance(value, dict):
        return {key: _clean_json(item) for key, item in value.items()}
    return value


def _cleaned(value: str, one_line: bool, is_json: bool) -> str:
    if is_json:
        return json.dumps(_clean_json(json.loads(value)))
    return safe_text(value, one_line=one_line)


def _v5_clean_stored_text(db: sqlite_utils.Database) -> None:
    """Text stored before it was cleaned on the way in (explanations, document titles, file
    names and warnings, imported cards, passages) loses its terminal controls and bidi
    overrides, as ``safe_text`` cleans new text; a card's answer and its options are cleaned
    alike, so that the answer stays one of them. Only rows holding such a character are read
    into Python (the test runs inside the query)."""
    db.conn.create_function("needs_cleaning", 2, _needs_cleaning, deterministic=True)
    for table, scope, one_line, texts, jsons in _STORED_TEXT:
        columns = (*one_line, *texts, *jsons)
        where = " OR ".join(
            f"needs_cleaning({column}, {int(column in jsons)})" for column in columns
        )
        rows = db.execute(
            f"SELECT rowid, {', '.join(columns)} FROM {table}"
            f" WHERE ({where}){f' AND {scope}' if scope else ''}"
        ).fetchall()
        for rowid, *values in rows:
            cleaned = {
                column: _cleaned(value, column in one_line, column in jsons)
                for column, value in zip(columns, values, strict=True)
                if value is not None
            }
            db.execute(
                f"UPDATE {table} SET {', '.join(f'{column} = ?' for column in cleaned)}"
                " WHERE rowid = ?",
                (*cleaned.values(), rowid),
            )
    # Passages are indexed by FTS5 (external content, no update trigger): each changed one
    # leaves the index and comes back with its new text.
    changed = db.execute(
        "SELECT id, heading_path, text FROM passages"
        " WHERE needs_cleaning(heading_path, 0) OR needs_cleaning(text, 0)"
    ).fetchall()
    for passage_id, heading_path, text in changed:
        db.execute(
            "INSERT INTO passages_fts (passages_fts, rowid, heading_path, text)"
            " VALUES ('delete', ?, ?, ?)",
            (passage_id, heading_path, text),
        )
        new_heading, new_text = safe_text(heading_path), safe_text(text)
        db.execute(
            "UPDATE passages SET heading_path = ?, text = ? WHERE id = ?",
            (new_heading, new_text, passage_id),
        )
        db.execute(
            "INSERT INTO passages_fts (rowid, heading_path, text) VALUES (?, ?, ?)",
            (passage_id, new_heading, new_text),
        )


def _v6_documents_by_original(db: sqlite_utils.Database) -> None:
    # Removing a document counts the others that share its original (any profile's), under
    # the write lock: an index keeps that lock short.
    db.execute("CREATE INDEX documents_by_stored_path ON documents (stored_path)")


def _v7_accounts(db: sqlite_utils.Database) -> None:
    # Web accounts are profiles with a password (NULL: a terminal profile, not yet claimed).
    db.execute("ALTER TABLE users ADD COLUMN password_hash TEXT")
    # Failed logins by profile name (known or not), for slowing down guessing across every
    # server process; rows older than the window are removed as new ones come.
    db.execute(
        """CREATE TABLE login_failures (
            id INTEGER PRIMARY KEY,
            name_key TEXT NOT NULL,
            failed_at_ms INTEGER NOT NULL
        )"""
    )
    db.execute("CREATE INDEX login_failures_by_name ON login_failures (name_key, failed_at_ms)")


MIGRATIONS: tuple[tuple[int, str, Callable[[sqlite_utils.Database], None]], ...] = (
    (1, "users and library", _v1_users_and_library),
    (2, "community: explanations, upvotes, points", _v2_community),
    (3, "game: challenges, attempts, progress, boards, reviews", _v3_game),
    (4, "passages: printed page labels", _v4_page_labels),
    (5, "stored text: terminal controls removed", _v5_clean_stored_text),
    (6, "documents: index on the original's path", _v6_documents_by_original),
    (7, "accounts: password hashes and failed logins", _v7_accounts),
)


def pending(conn: sqlite3.Connection) -> bool:
    """Whether the database lacks a migration (read without sqlite-utils: the usual open)."""
    known = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
    ).fetchone()
    if known is None:
        return True
    done = {row[0] for row in conn.execute("SELECT version FROM schema_migrations")}
    return any(version not in done for version, _name, _step in MIGRATIONS)


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
        # Under the write lock, and only if no other process opening the same new database
        # applied it meanwhile (each would otherwise run it on the other's tables).
        db.execute("BEGIN IMMEDIATE")
        try:
            if version not in applied_versions(db):
                step(db)
                db.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (version, name, datetime.now(UTC).isoformat(timespec="seconds")),
                )
                db.execute(f"PRAGMA user_version = {int(version)}")
                applied.append(version)
        except BaseException:
            db.conn.rollback()
            raise
        db.execute("COMMIT")
    return applied


def schema_version(db: sqlite_utils.Database) -> int:
    return max(applied_versions(db), default=0)
