"""The database behind every store: what the stores ask of it (``Database``), SQLite's
(``SqliteDatabase``: one file, opened with the pragmas we rely on) and ``open_database``,
which opens the one a ``database_url`` names (PostgreSQL's is in ``postgres.py``)."""

from __future__ import annotations

import itertools
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from .. import paths
from ..errors import ConfigError, DiskFull, StoreError, is_disk_full, number_too_large
from .migrations import migrate, pending

if TYPE_CHECKING:
    import sqlite_utils

BUSY_TIMEOUT_MS = 5000
sqlite_version = sqlite3.sqlite_version  # the SQLite library this Python runs, for `doctor`


def _write_ahead_log(conn: sqlite3.Connection) -> None:
    """Put the database in WAL mode. SQLite may refuse the switch with "database is locked"
    without waiting (a busy handler is not called where waiting could deadlock), as when other
    processes open the same new database at once: it is tried again until BUSY_TIMEOUT_MS."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    pause = 0.005
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() + pause > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.1)


class Cursor(Protocol):
    """What running a statement gives back: rows read by index or by column name."""

    rowcount: int

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    """A transaction's connection: SQL with ``?`` (or ``:name``) parameters, as SQLite writes
    them; PostgreSQL's translates them for its driver."""

    def execute(self, sql: str, params: Any = ..., /) -> Cursor: ...

    def executemany(self, sql: str, params: Any, /) -> Cursor: ...


class Database(Protocol):
    """What the stores need of a database, whichever it is."""

    dialect: str  # "sqlite" or "postgresql"
    # What a thread holds to check for and run a transaction: SQLite's one shared connection
    # needs it; PostgreSQL gives each thread its own connection from a pool.
    lock: Any  # an RLock, or a null context

    @property
    def backend(self) -> str: ...

    @property
    def location(self) -> str: ...

    # The connection is a Connection (sqlite3's, or PostgresDatabase's).
    def atomic(self, *, immediate: bool = False) -> AbstractContextManager[Any]: ...

    def rows(self, sql: str, params: tuple | dict | list = ()) -> list[Any]: ...

    def in_transaction(self) -> bool: ...

    def is_retryable(self, exc: BaseException) -> bool: ...

    def is_unique_violation(self, exc: BaseException) -> bool: ...

    def schema_version(self) -> int: ...

    def integrity_ok(self) -> bool: ...

    def close(self) -> None: ...


def open_database(url: str, data_dir: Path) -> Database:
    """The database ``url`` names: ``""`` is ``learnplat.db`` in the data dir,
    ``sqlite:///PATH`` another SQLite file, ``postgresql://…`` a PostgreSQL server (needs
    ``learnplat[postgres]``). Opens it and applies what migrations it lacks. Raises ConfigError
    for a URL of another kind, StoreError when it cannot be opened."""
    value = url.strip()
    if not value:
        return SqliteDatabase(paths.database_file(data_dir))
    scheme = value.partition(":")[0].lower()
    if scheme == "sqlite":
        if not value.startswith("sqlite:///") or len(value) == len("sqlite:///"):
            raise ConfigError(
                f"database URL {url!r} names no file",
                "write sqlite:///relative/path.db or sqlite:////absolute/path.db",
            )
        named = Path(value[len("sqlite:///") :]).expanduser().resolve()
        return SqliteDatabase(named, private_folder=False)
    if scheme in ("postgresql", "postgres") or scheme.startswith("postgresql+"):
        try:
            from .postgres import PostgresDatabase
        except ImportError as exc:
            raise ConfigError(
                f"database_url names PostgreSQL, but {exc.name or 'its driver'} is not installed",
                "pip install 'learnplat[postgres]' (SQLAlchemy and psycopg)",
            ) from exc
        return PostgresDatabase(value)
    raise ConfigError(
        f"database URL {url!r} is neither SQLite nor PostgreSQL",
        "leave database_url empty for the data dir's SQLite file, or give "
        "postgresql://user:password@host:5432/dbname",
    )


def is_busy(exc: BaseException) -> bool:
    """SQLite's "database is locked" (SQLITE_BUSY or SQLITE_LOCKED)."""
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _BUSY_CODES
    return "locked" in str(exc) or "busy" in str(exc)


_BUSY_CODES = (5, 6)  # SQLITE_BUSY, SQLITE_LOCKED (extended codes share the low byte)


class SqliteDatabase:
    """One connection shared by the threads of a process, serialised by a lock.

    Textual workers run in threads; a single connection behind an RLock keeps every
    transaction whole without each worker opening its own connection.
    """

    dialect = "sqlite"

    def __init__(self, path: Path, *, private_folder: bool = True) -> None:
        """``private_folder``: the folder is the data dir, made 0700 each time. A file named by
        ``database_url`` lives in the user's own folder: made 0700 only if missing, and an
        existing one left as it is (the file itself is always 0600)."""
        self.path = path
        self.lock = threading.RLock()
        self._savepoints = itertools.count(1)  # names unique on this connection
        try:
            # 0700 and 0600 whatever the umask, and made so again when an older version left
            # them open: the database holds text decrypted from password-protected PDFs.
            if private_folder or not path.parent.exists():
                paths.private_dir(path.parent)
            paths.private_file(path)
            self.conn = sqlite3.connect(
                str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
            )
            self.conn.row_factory = sqlite3.Row  # by index or by column name, as PostgreSQL's
            _write_ahead_log(self.conn)
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            # SQLite makes the -wal and -shm files with the database's mode; these may be left
            # from before, made from a looser one.
            for suffix in ("-wal", "-shm"):
                paths.restrict_if_present(Path(f"{path}{suffix}"))
            if pending(self.conn):  # sqlite-utils is loaded only when there is work for it
                migrate(self.db)
        except sqlite3.DatabaseError as exc:
            if is_disk_full(exc):
                raise DiskFull(path.parent) from exc
            raise StoreError(
                f"cannot open the database {path}: {exc}",
                hint="is it a learnplat database? `learnplat doctor` checks it",
            ) from exc
        except OSError as exc:
            if is_disk_full(exc):
                raise DiskFull(path.parent) from exc
            raise StoreError(f"cannot create the data dir {path.parent}: {exc.strerror}") from exc

    @property
    def db(self) -> sqlite_utils.Database:
        """The connection seen through sqlite-utils: migrations and schema introspection."""
        import sqlite_utils

        return sqlite_utils.Database(self.conn, execute_plugins=False)

    @contextmanager
    def atomic(self, *, immediate: bool = False) -> Iterator[sqlite3.Connection]:
        """A transaction (a savepoint when nested) holding the lock; rolls back on any error.
        With ``immediate`` it holds the database's write lock from its start, so that what it
        reads cannot change before it commits, even when it writes nothing (another process's
        write waits for it). Raises DiskFull, and BadInput for a number past 64 bits."""
        with self.lock, self._users_errors():
            if self.conn.in_transaction:
                with self._savepoint():
                    yield self.conn
                return
            self.conn.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
            try:
                yield self.conn
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
            try:
                self.conn.execute("COMMIT")
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise

    @contextmanager
    def _savepoint(self) -> Iterator[None]:
        """A nested transaction: undone alone on error, kept with the outer one otherwise."""
        name = f"learnplat_{next(self._savepoints)}"
        self.conn.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            # A RAISE(ROLLBACK) trigger may have ended the whole transaction, savepoint and all.
            if self.conn.in_transaction:
                self.conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                self.conn.execute(f"RELEASE SAVEPOINT {name}")
            raise
        self.conn.execute(f"RELEASE SAVEPOINT {name}")

    def rows(self, sql: str, params: tuple | dict | list = ()) -> list[sqlite3.Row]:
        """Run a read query under the lock and return its rows (``sqlite3.Row``).
        Raises BadInput for a number past 64 bits."""
        with self.lock, self._users_errors():
            return self.conn.execute(sql, params).fetchall()

    def in_transaction(self) -> bool:
        return self.conn.in_transaction

    def is_retryable(self, exc: BaseException) -> bool:
        return is_busy(exc)

    def is_unique_violation(self, exc: BaseException) -> bool:
        return (
            isinstance(exc, sqlite3.IntegrityError)
            and getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_CONSTRAINT_UNIQUE
        )

    @contextmanager
    def _users_errors(self) -> Iterator[None]:
        """The errors of every query that are the user's to fix, said plainly: a full disk, and
        a number too large for a 64-bit integer (an id typed by hand), checked here once."""
        try:
            yield
        except OverflowError as exc:
            raise number_too_large() from exc
        except sqlite3.OperationalError as exc:
            if is_disk_full(exc):
                raise DiskFull(self.path.parent) from exc
            raise

    @property
    def backend(self) -> str:
        """The database engine and its version, for `doctor`: "SQLite 3.40.1"."""
        return f"SQLite {sqlite_version}"

    @property
    def location(self) -> str:
        return str(self.path)

    def schema_version(self) -> int:
        """The newest migration applied (0 for none)."""
        with self.lock:
            row = self.conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
        return int(row[0] or 0)

    def integrity_ok(self) -> bool:
        with self.lock:
            return self.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    def close(self) -> None:
        with self.lock:
            self.conn.close()
