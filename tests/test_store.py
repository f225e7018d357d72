"""The SQLite store: pragmas, ordered migrations recorded in the database, cascade deletes."""

from __future__ import annotations

from pathlib import Path

from learnplat.store.database import Database
from learnplat.store.migrations import MIGRATIONS, schema_version


def test_new_database_is_migrated_with_wal_and_foreign_keys(tmp_path: Path) -> None:
    database = Database(tmp_path / "new" / "learnplat.db")
    conn = database.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
    latest = MIGRATIONS[-1][0]
    assert schema_version(database.db) == latest
    assert conn.execute("PRAGMA user_version").fetchone()[0] == latest
    recorded = [row[0] for row in conn.execute("SELECT version FROM schema_migrations ORDER BY 1")]
    assert recorded == [version for version, _, _ in MIGRATIONS]
    database.close()


def test_reopening_does_not_run_migrations_again(tmp_path: Path) -> None:
    path = tmp_path / "learnplat.db"
    Database(path).close()
    database = Database(path)
    count = database.conn.execute("SELECT COUNT(*) FROM schema_migrations").fetchone()[0]
    assert count == len(MIGRATIONS)
    database.close()


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    import pytest

    from learnplat.errors import StoreError

    path = tmp_path / "learnplat.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="cannot open the database"):
        Database(path)
