"""PostgreSQL behind the stores' ``Database`` interface, for several app servers sharing one
database: SQLAlchemy 2 Core's engine and connection pool over psycopg 3.

The stores write their SQL once, in the dialect both engines share, with SQLite's ``?`` and
``:name`` parameters; ``pyformat`` turns them into psycopg's. What differs stays in the store:
full-text search (``search_index.TsvectorIndex``), ``ILIKE``, ``FOR UPDATE`` and the schema's
types (``pg_schema``).

Transactions run at READ COMMITTED, PostgreSQL's default. Every write the stores make is a
claim (``UPDATE … WHERE completed_at IS NULL``), a counter moved in place (``x = x + ?``) or a
row a unique constraint lets in once, and those are right under it; what SQLite's write lock
gave ``atomic(immediate=True)`` (nothing it read changes before it commits) a transaction-level
advisory lock gives here. A serialization failure or a deadlock (SQLSTATE 40001, 40P01) undoes
the transaction and ``RetryingWriter`` runs it again.

Each thread gets its own pooled connection for a transaction (Textual workers, a web server's
request threads), so nothing is serialised in the process: ``lock`` holds nothing.
"""

from __future__ import annotations

import contextlib
import functools
import re
import threading
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

import sqlalchemy
from psycopg.adapt import Loader
from sqlalchemy import event
from sqlalchemy.exc import ArgumentError, DBAPIError

from ..errors import ConfigError, StoreError, number_too_large

RETRY_SQLSTATES = frozenset({"40001", "40P01"})  # serialization failure, deadlock detected
UNIQUE_VIOLATION = "23505"
OUT_OF_RANGE = "22003"
# Advisory lock keys (any two 64-bit numbers no other application of the database uses).
IMMEDIATE_LOCK = 0x6C65_6172_6E70_6C01
MIGRATION_LOCK = 0x6C65_6172_6E70_6C02
POOL_SIZE = 5  # connections kept per process; up to MAX_OVERFLOW more under load
MAX_OVERFLOW = 10
CONNECT_TIMEOUT_S = 10
_INT64 = 2**63


def driver_url(url: str) -> sqlalchemy.URL:
    """The SQLAlchemy URL for psycopg 3 from what a user wrote (``postgres://``,
    ``postgresql://`` or ``postgresql+psycopg://``). Raises ConfigError."""
    try:
        parsed = sqlalchemy.make_url(url)
    except ArgumentError as exc:
        raise ConfigError(
            f"cannot read the database URL: {exc}",
            "write postgresql://user:password@host:5432/dbname",
        ) from exc
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername != "postgresql+psycopg":
        raise ConfigError(
            f"learnplat talks to PostgreSQL through psycopg 3, not {parsed.drivername!r}",
            "write postgresql://user:password@host:5432/dbname",
        )
    return parsed


_PARAMETER = re.compile(r"'(?:[^']|'')*'|\?|%|(?<![:\w]):([A-Za-z_]\w*)")


@functools.lru_cache(maxsize=1024)
def pyformat(sql: str, with_params: bool = True) -> str:
    """SQLite's ``?`` and ``:name`` parameters as psycopg's ``%s`` and ``%(name)s``, and ``%``
    doubled (psycopg reads the query for placeholders only when it is given parameters).
    Nothing inside a quoted string is taken for a parameter; ``::type`` casts stay."""
    if not with_params:
        return sql

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if token.startswith("'"):
            return token.replace("%", "%%")
        if token == "?":
            return "%s"
        if token == "%":
            return "%%"
        return f"%({match.group(1)})s"

    return _PARAMETER.sub(replace, sql)


def _checked(params: Any) -> Any:
    """Parameters as psycopg takes them (a tuple or a dict); an integer past 64 bits (an id
    typed by hand) is refused as SQLite refuses it. Raises BadInput."""
    values = params.values() if isinstance(params, dict) else params
    for value in values:
        if type(value) is int and not -_INT64 <= value < _INT64:
            raise number_too_large()
    return params if isinstance(params, dict) else tuple(params)


class Row:
    """A row read by index or by column name, as ``sqlite3.Row`` is."""

    __slots__ = ("_index", "_values")

    def __init__(self, values: tuple, index: dict[str, int]) -> None:
        self._values = values
        self._index = index

    def __getitem__(self, key: int | str) -> Any:
        if isinstance(key, str):
            return self._values[self._index[key]]
        return self._values[key]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def keys(self) -> list[str]:
        return list(self._index)

    def __repr__(self) -> str:
        return f"Row({dict(zip(self._index, self._values, strict=True))!r})"


class _Cursor:
    """A statement's outcome: its rows (read at once) and how many rows it changed."""

    def __init__(self, result: sqlalchemy.CursorResult | None) -> None:
        self.rowcount = result.rowcount if result is not None else 0
        self._rows: list[Row] = []
        if result is not None and result.returns_rows:
            index = {name: at for at, name in enumerate(result.keys())}
            self._rows = [Row(tuple(values), index) for values in result.fetchall()]
        self._next = 0

    def fetchone(self) -> Row | None:
        if self._next >= len(self._rows):
            return None
        self._next += 1
        return self._rows[self._next - 1]

    def fetchall(self) -> list[Row]:
        rest, self._next = self._rows[self._next :], len(self._rows)
        return rest

    def __iter__(self) -> Iterator[Row]:
        return iter(self.fetchall())


class PgConnection:
    """One transaction's connection, taking SQL as the stores write it."""

    def __init__(self, connection: sqlalchemy.Connection) -> None:
        self.connection = connection

    def execute(self, sql: str, params: Any = ()) -> _Cursor:
        if not params:
            return _Cursor(self.connection.exec_driver_sql(pyformat(sql, False)))
        return _Cursor(self.connection.exec_driver_sql(pyformat(sql), _checked(params)))

    def executemany(self, sql: str, params: Sequence[Any]) -> _Cursor:
        rows = [_checked(row) for row in params]
        if not rows:
            return _Cursor(None)
        return _Cursor(self.connection.exec_driver_sql(pyformat(sql), rows))


class _NumberLoader(Loader):
    """NUMERIC (what SUM and AVG of integers give) as an int when whole, else a float: what
    SQLite gives, and what the stores' records and the JSON output expect."""

    def load(self, data: Any) -> int | float:
        value = Decimal(bytes(data).decode())
        return int(value) if value == value.to_integral_value() else float(value)


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.adapters.register_loader("numeric", _NumberLoader)


def sqlstate(exc: BaseException) -> str | None:
    """The SQLSTATE of a PostgreSQL error (wrapped by SQLAlchemy or not)."""
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    return getattr(orig, "sqlstate", None)


class PostgresDatabase:
    """A PostgreSQL database through a pool of connections. Opening it applies the migrations
    it lacks (under an advisory lock: several servers may start at once). Raises StoreError
    when the server cannot be reached or refuses us, ConfigError for a bad URL."""

    dialect = "postgresql"
    lock: contextlib.nullcontext[None] = contextlib.nullcontext()

    def __init__(self, url: str) -> None:
        from .pg_schema import migrate, pending

        self.url = driver_url(url)
        self.engine = sqlalchemy.create_engine(
            self.url,
            pool_size=POOL_SIZE,
            max_overflow=MAX_OVERFLOW,
            pool_pre_ping=True,  # a server restarted since is met with a fresh connection
            connect_args={"connect_timeout": CONNECT_TIMEOUT_S, "application_name": "learnplat"},
        )
        event.listen(self.engine, "connect", _on_connect)
        # Reads outside a transaction run in autocommit: no BEGIN and no ROLLBACK, two round
        # trips fewer for each (the same pool; the mode is reset when a connection goes back).
        self._reads = self.engine.execution_options(isolation_level="AUTOCOMMIT")
        self._local = threading.local()
        with self._errors():
            with self._reads.connect() as connection:
                version = connection.exec_driver_sql("SHOW server_version").scalar()
                due = pending(connection)
            self._version = str(version).split()[0]
            if due:  # the lock and the DDL only when there is work for them
                migrate(self.engine, MIGRATION_LOCK)

    @property
    def location(self) -> str:
        """Where the database is, its password hidden."""
        return self.url.set(drivername="postgresql").render_as_string(hide_password=True)

    @property
    def backend(self) -> str:
        return f"PostgreSQL {self._version}"

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        """A server that cannot be reached or refuses us, said plainly; the errors the stores
        act on (retryable, unique violations) go up as they are."""
        try:
            yield
        except DBAPIError as exc:
            state = sqlstate(exc)
            if state == OUT_OF_RANGE:
                raise number_too_large() from exc
            # No SQLSTATE (the server never answered), or connection, authorization, unknown
            # database, operator intervention: the server, not the query.
            if state is None or state.startswith(("08", "28", "3D", "57P")):
                reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
                raise StoreError(
                    f"cannot use the PostgreSQL database {self.location}: {reason}",
                    hint="is the server running, and does database_url name it right? "
                    "`learnplat doctor` checks it",
                ) from exc
            raise

    def _current(self) -> PgConnection | None:
        return getattr(self._local, "connection", None)

    @contextlib.contextmanager
    def atomic(self, *, immediate: bool = False) -> Iterator[PgConnection]:
        """A transaction on this thread's connection (a savepoint when nested); rolls back on
        any error. With ``immediate`` it holds the database-wide advisory lock that every
        immediate transaction takes, so that what it reads cannot change before it commits."""
        outer = self._current()
        if outer is not None:
            savepoint = outer.connection.begin_nested()
            try:
                yield outer
            except BaseException:
                savepoint.rollback()
                raise
            savepoint.commit()
            return
        with self._errors(), self.engine.connect() as connection, connection.begin():
            if immediate:
                connection.exec_driver_sql(
                    "SELECT pg_advisory_xact_lock(%s)", (IMMEDIATE_LOCK,)
                )
            current = PgConnection(connection)
            self._local.connection = current
            try:
                yield current
            finally:
                self._local.connection = None

    def rows(self, sql: str, params: tuple | dict | list = ()) -> list[Row]:
        """Run a read query (in this thread's transaction, if one is open) and return its rows."""
        current = self._current()
        if current is not None:
            return current.execute(sql, params).fetchall()
        with self._errors(), self._reads.connect() as connection:
            return PgConnection(connection).execute(sql, params).fetchall()

    def in_transaction(self) -> bool:
        return self._current() is not None

    def is_retryable(self, exc: BaseException) -> bool:
        return sqlstate(exc) in RETRY_SQLSTATES

    def is_unique_violation(self, exc: BaseException) -> bool:
        return sqlstate(exc) == UNIQUE_VIOLATION

    def schema_version(self) -> int:
        rows = self.rows("SELECT MAX(version) AS version FROM schema_migrations")
        return int(rows[0]["version"] or 0)

    def integrity_ok(self) -> bool:
        """PostgreSQL checks its own pages and constraints; here, that it answers."""
        return bool(self.rows("SELECT 1 AS ok")[0]["ok"])

    def close(self) -> None:
        self.engine.dispose()
