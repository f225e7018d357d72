"""Store methods for web accounts: a profile's password hash, and the attempts counted against a
name or an address (failed logins, sign-ups) in ``login_failures``."""

from __future__ import annotations

from .database import Connection, Database
from .writes import RetryingWriter


class AccountStore:
    """Password hashes (on the ``users`` row: a terminal profile has none until claimed) and
    failed logins, kept in the database so that every server process sees the same."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._writer = RetryingWriter(database)

    def password_hash(self, user_id: str) -> str | None:
        rows = self.database.rows("SELECT password_hash FROM users WHERE id = ?", (user_id,))
        return str(rows[0]["password_hash"]) if rows and rows[0]["password_hash"] else None

    def claim(self, user_id: str, password_hash: str) -> bool:
        """Give the profile its first password; False when it already has one."""

        def work(conn: Connection) -> int:
            return int(
                conn.execute(
                    "UPDATE users SET password_hash = ? WHERE id = ? AND password_hash IS NULL",
                    (password_hash, user_id),
                ).rowcount
            )

        return self._writer.write(work) == 1

    def set_password(self, user_id: str, password_hash: str) -> None:
        def work(conn: Connection) -> None:
            conn.execute(
                "UPDATE users SET password_hash = ? WHERE id = ?", (password_hash, user_id)
            )

        self._writer.write(work)

    def attempts_since(self, name_key: str, since_ms: int) -> list[int]:
        """The times (ms) of the attempts counted against ``name_key`` since ``since_ms``,
        oldest first."""
        rows = self.database.rows(
            "SELECT failed_at_ms FROM login_failures WHERE name_key = ? AND failed_at_ms >= ?"
            " ORDER BY failed_at_ms",
            (name_key, since_ms),
        )
        return [int(row["failed_at_ms"]) for row in rows]

    def add_attempt(self, name_key: str, at_ms: int, forget_before_ms: int) -> None:
        def work(conn: Connection) -> None:
            conn.execute("DELETE FROM login_failures WHERE failed_at_ms < ?", (forget_before_ms,))
            conn.execute(
                "INSERT INTO login_failures (name_key, failed_at_ms) VALUES (?, ?)",
                (name_key, at_ms),
            )

        self._writer.write(work)

    def clear_attempts(self, name_key: str) -> None:
        def work(conn: Connection) -> None:
            conn.execute("DELETE FROM login_failures WHERE name_key = ?", (name_key,))

        self._writer.write(work)
