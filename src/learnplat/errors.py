"""The one error hierarchy: every failure a user can see carries a message and a hint."""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Literal

StatusKind = Literal["auth", "throttled", "validation", "unavailable"]


class LearnplatError(Exception):
    """A failure reported to the user as one line plus an optional hint.

    ``exit_code`` is what the CLI exits with: 1 for a runtime failure, 2 for bad input.
    """

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class BadInput(LearnplatError):
    """The user gave something we cannot use: a wrong path, flag value or query."""

    exit_code = 2


class NotFound(BadInput):
    """A named thing (document, profile, page) does not exist."""


class DocumentError(BadInput):
    """A file cannot be ingested: wrong type, too large, corrupt, empty or unreadable."""


class EncryptedDocument(DocumentError):
    """A PDF needs a password (or the one given is wrong)."""


class ConfigError(BadInput):
    """The config file or a setting's value is invalid."""


class StoreError(LearnplatError):
    """The database cannot be opened or migrated."""


class DiskFull(LearnplatError):
    """The disk (or quota) holding the data dir has no room left to write (exit code 1)."""

    def __init__(self, data_dir: Path | str) -> None:
        super().__init__(
            f"the disk is full: no room left to write to {data_dir}",
            hint="free some space on that disk (`df -h` shows it) and try again",
        )


# SQLite says "database or disk is full" with this code; the OS says ENOSPC, or EDQUOT when a
# quota is used up.
SQLITE_FULL = 13
_FULL_ERRNOS = frozenset(code for code in (errno.ENOSPC, getattr(errno, "EDQUOT", None)) if code)


def is_disk_full(exc: BaseException) -> bool:
    """Whether ``exc`` (an OSError or a sqlite3 error) says that the disk is full."""
    if isinstance(exc, OSError) and exc.errno in _FULL_ERRNOS:
        return True
    code = getattr(exc, "sqlite_errorcode", None)
    return code is not None and code & 0xFF == SQLITE_FULL


# SQLite stores integers in 64 bits: a larger number cannot be an id of anything stored.
MAX_ID = 2**63 - 1


def number_too_large() -> BadInput:
    """The error for a number given by the user that no database row can carry."""
    return BadInput(
        f"that number is too large: ids and counts go up to {MAX_ID:,}",
        hint="`learnplat docs list` and `learnplat community` show the ids",
    )


class NotSignedIn(BadInput):
    """A name and password that do not match an account (web mode)."""


class TooManyAttempts(BadInput):
    """Too many failed logins for a name: the next try waits ``retry_after_s`` seconds."""

    def __init__(self, message: str, hint: str | None, retry_after_s: int) -> None:
        super().__init__(message, hint)
        self.retry_after_s = retry_after_s


class NothingToTeach(LearnplatError):
    """No source covers the topic and no provider can generate a lesson (exit code 1)."""


def kind_for_status(status: int | None) -> StatusKind:
    """What an HTTP error status says about a failure when the service's own error code does
    not: refused credentials, too many requests, a bad request, or the service being down."""
    if status in (401, 403):
        return "auth"
    if status == 429:
        return "throttled"
    if status is not None and 400 <= status < 500:
        return "validation"
    return "unavailable"
