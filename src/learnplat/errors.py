"""The one error hierarchy: every failure a user can see carries a message and a hint."""

from __future__ import annotations

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
