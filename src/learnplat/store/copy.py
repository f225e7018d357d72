"""Copy every row of one learnplat database into another, empty one: SQLite to PostgreSQL when
a learner outgrows one machine (or back, or to another file).

The copy is one transaction on the target: it arrives whole, with each table's rows counted
on both sides before it commits, or not at all. Ids are kept (citations, tokens and votes
refer to them); PostgreSQL's identity sequences are moved past them afterwards. The source is
read in one transaction too, so it is copied as it stood at one moment.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from ..errors import BadInput, StoreError
from .database import Connection, Database

# Parents before children (every foreign key points up this list).
TABLES = (
    "users",
    "documents",
    "passages",
    "explanations",
    "user_upvotes",
    "user_points",
    "user_points_weekly",
    "challenges",
    "player_progress",
    "game_scores",
    "challenge_attempts",
    "review_cards",
    "question_sets",
)
# Tables whose id PostgreSQL hands out (an identity column); users' ids are names.
IDENTITY_TABLES = frozenset(TABLES) - {
    "users", "user_points", "user_points_weekly", "player_progress", "game_scores",
    "review_cards", "question_sets",
}  # fmt: skip
BATCH = 5_000

def not_empty(target: Database) -> BadInput:
    return BadInput(
        f"{target.location} already holds learners' documents or progress: a copy goes into "
        "an empty database only",
        hint="give the URL of a new database (createdb learnplat), or remove its data",
    )


Progress = Callable[[str, int, int], None]  # table, rows copied so far, rows in the table


def columns(database: Database, conn: Connection, table: str) -> list[str]:
    """The columns a copy writes: all but those the database computes itself (PostgreSQL's
    search vector)."""
    rows: Any
    if database.dialect == "postgresql":
        rows = conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ?"
            " AND table_schema = current_schema() AND is_generated = 'NEVER'"
            " ORDER BY ordinal_position",
            (table,),
        ).fetchall()
    else:
        rows = conn.execute("SELECT name FROM pragma_table_info(?) ORDER BY cid", (table,))
    return [row[0] for row in rows]


def count(conn: Connection, table: str) -> int:
    return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def _batches(conn: Connection, table: str, names: list[str]) -> Iterator[list[tuple]]:
    """The table's rows, a batch at a time: by id where it has one (no offset to skip past)."""
    selected = ", ".join(names)
    if "id" not in names:
        rows = conn.execute(f"SELECT {selected} FROM {table}").fetchall()
        for start in range(0, len(rows), BATCH):
            yield [tuple(row) for row in rows[start : start + BATCH]]
        return
    last = None
    while True:
        params: tuple[Any, ...]
        if last is None:
            sql, params = f"SELECT {selected} FROM {table} ORDER BY id LIMIT ?", (BATCH,)
        else:
            sql = f"SELECT {selected} FROM {table} WHERE id > ? ORDER BY id LIMIT ?"
            params = (last, BATCH)
        rows = [tuple(row) for row in conn.execute(sql, params).fetchall()]
        if not rows:
            return
        yield rows
        last = rows[-1][names.index("id")]


def holds_learner_data(database: Database) -> bool:
    """Whether a learner made anything in ``database``: a document, an explanation, a vote, an
    answer, a review card or an imported card. A database only opened (a profile made, the
    question bank loaded) holds none; its rows are replaced by the copy's."""
    return any(database.rows(f"SELECT 1 AS found FROM {table} LIMIT 1") for table in _MADE) or bool(
        database.rows("SELECT 1 AS found FROM challenges WHERE source <> 'bank' LIMIT 1")
    )


_MADE = ("documents", "explanations", "user_upvotes", "challenge_attempts", "review_cards")


def copy_database(
    source: Database, target: Database, on_progress: Progress | None = None
) -> dict[str, int]:
    """Copy every row of ``source`` into ``target`` (migrated, and holding no learner's data);
    return each table's row count. Raises BadInput when the target holds data, StoreError when
    the counts differ (nothing is then kept)."""
    copied: dict[str, int] = {}
    with source.atomic() as reading, target.atomic(immediate=True) as writing:
        if holds_learner_data(target):
            raise not_empty(target)
        for table in reversed(TABLES):  # what opening it made: profiles, the bank, counters
            writing.execute(f"DELETE FROM {table}")
        for table in TABLES:
            present = set(columns(source, reading, table))
            names = [name for name in columns(target, writing, table) if name in present]
            total = count(reading, table)
            done = 0
            if on_progress is not None:
                on_progress(table, 0, total)
            marks = ", ".join("?" for _ in names)
            insert = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})"
            for rows in _batches(reading, table, names):
                writing.executemany(insert, rows)
                done += len(rows)
                if on_progress is not None:
                    on_progress(table, done, total)
            arrived = count(writing, table)
            if arrived != total:
                raise StoreError(
                    f"the copy of {table} holds {arrived:,} rows, not {total:,}: nothing was kept",
                    hint="is another learnplat process writing to the source? stop it and copy "
                    "again",
                )
            copied[table] = total
            if target.dialect == "postgresql" and table in IDENTITY_TABLES:
                # The next id the server hands out comes after the copied ones.
                writing.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                    f" COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
                )
    return copied
