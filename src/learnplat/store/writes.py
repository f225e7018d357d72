"""Write transactions that survive another process holding the database: retried with backoff."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from ..errors import StoreError
from .database import Connection, Database

log = logging.getLogger("learnplat.store")

T = TypeVar("T")
# A write that meets "database is locked" (another process holds the write lock past the busy
# timeout, or our snapshot went stale) is run again this many times, backing off in between.
# On PostgreSQL the same holds for a serialization failure or a deadlock (SQLSTATE 40001 and
# 40P01: the server undid our transaction so that another's could go on).
WRITE_ATTEMPTS = 6
BACKOFF_S = 0.02


class RetryingWriter:
    """Runs write transactions on ``database``; ``retries`` counts the runs repeated after
    "database is locked" (or a PostgreSQL serialization failure or deadlock; for tests and
    benchmarks)."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.retries = 0

    def write(self, work: Callable[[Connection], T]) -> T:
        """Run ``work`` in a transaction; run it again on "database is locked" with backoff.

        Inside a caller's transaction there is nothing to retry from, so the error goes up.
        Raises StoreError when the database stays locked.
        """
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            try:
                # Under the lock, so that another thread's transaction is not taken for ours;
                # released before the backoff, so that the other threads can go on meanwhile.
                with self.database.lock:
                    nested = self.database.in_transaction()
                    with self.database.atomic() as conn:
                        return work(conn)
            except Exception as exc:
                if nested or not self.database.is_retryable(exc):
                    raise
                if attempt == WRITE_ATTEMPTS:
                    raise StoreError(
                        "the database stayed busy: another learnplat process kept it locked",
                        hint="try again in a moment",
                    ) from exc
                self.retries += 1
                log.info("database busy (%s); attempt %d of %d", exc, attempt, WRITE_ATTEMPTS)
                time.sleep(BACKOFF_S * 2 ** (attempt - 1) * (1 + random.random()))
        raise AssertionError("unreachable")
