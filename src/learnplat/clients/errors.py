"""ProviderError: a chat provider failure, classified so callers can react to its kind."""

from __future__ import annotations

from typing import Literal

from learnplat.errors import LearnplatError

Kind = Literal["auth", "throttled", "validation", "timeout", "unavailable", "bad-output"]

KINDS: tuple[Kind, ...] = (
    "auth",
    "throttled",
    "validation",
    "timeout",
    "unavailable",
    "bad-output",
)


class ProviderError(LearnplatError):
    """A model provider refused, failed or could not be reached.

    ``kind`` says what went wrong: ``auth`` (credentials or access), ``throttled`` (rate limits,
    after retries), ``validation`` (the provider rejected the request as invalid), ``timeout``,
    ``unavailable`` (connection refused, DNS, 5xx, a stream that broke) or ``bad-output`` (a reply
    we cannot read). ``provider`` is the client's name ("bedrock" | "openai"); ``code`` is the
    provider's own error code or HTTP status when there is one.
    """

    def __init__(
        self,
        message: str,
        hint: str | None = None,
        *,
        kind: Kind,
        provider: str,
        code: str | None = None,
    ) -> None:
        super().__init__(message, hint)
        self.kind: Kind = kind
        self.provider = provider
        self.code = code

    def __repr__(self) -> str:
        return f"ProviderError(kind={self.kind!r}, provider={self.provider!r}, {self.message!r})"


def one_line(text: object, limit: int = 200) -> str:
    """Collapse a provider's message onto one line and cut it to ``limit`` characters."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


class ContextTooSmall(ProviderError):
    """The prompt and the reply asked for do not fit the model's context window.

    ``window`` is the window in tokens when the server said it (llama.cpp, vLLM and OpenAI do),
    so the caller can ask again with less.
    """

    def __init__(
        self,
        message: str,
        hint: str | None = None,
        *,
        provider: str,
        window: int | None,
        code: str | None = None,
    ) -> None:
        super().__init__(message, hint, kind="validation", provider=provider, code=code)
        self.window = window
