"""Helpers shared by the benchmarks: a results table on stdout and a JSON file in bench/results/,
and the database a bench runs on (``--database-url``)."""

from __future__ import annotations

import json
import platform
import secrets
import statistics
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # so `tests.corpus` builds the same documents as the tests


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def report(name: str, rows: list[tuple[str, str]], data: dict) -> None:
    width = max(len(label) for label, _ in rows)
    print(f"\n{name}")
    for label, value in rows:
        print(f"  {label:<{width}}  {value}")
    RESULTS.mkdir(exist_ok=True)
    data = {**data, "python": sys.version.split()[0], "machine": platform.machine()}
    target = RESULTS / f"{name}.json"
    target.write_text(json.dumps(data, indent=2))
    print(f"  (written to {target.relative_to(ROOT)})")


@contextmanager
def fresh_database(url: str) -> Iterator[str]:
    """The database_url a bench runs on. ``""`` stays ``""`` (SQLite in the bench's temporary
    data dir); a PostgreSQL URL gives a fresh, empty schema of that server, named in the URL's
    search_path and dropped afterwards. The unaccent extension is made once in ``public`` (a
    schema that made its own would take it along when dropped)."""
    if not url:
        yield ""
        return
    import psycopg

    scheme, sep, rest = url.partition("://")
    server = ("postgresql" if scheme.startswith("postgresql+") else scheme) + sep + rest
    schema = f"bench_{secrets.token_hex(8)}"
    with psycopg.connect(server, autocommit=True) as connection:
        with suppress(psycopg.Error):  # without it search keeps accents: hardly slower
            connection.execute("CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public")
        connection.execute(f"CREATE SCHEMA {schema}")
    try:
        yield url + ("&" if "?" in url else "?") + "options=-csearch_path%3D" + schema
    finally:
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(f"DROP SCHEMA {schema} CASCADE")


def results_name(bench: str, dialect: str) -> str:
    """The name a bench's results go under: SQLite's as before, PostgreSQL's beside them."""
    return bench if dialect == "sqlite" else f"{bench}_{dialect}"


__all__ = ["fresh_database", "percentile", "report", "results_name", "statistics"]
