"""The chat client interface every LLM transport implements: messages in, text out."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

Role = Literal["user", "assistant"]


@dataclass(frozen=True)
class Message:
    """One turn of a conversation; the system prompt is passed separately."""

    role: Role
    content: str


@dataclass(frozen=True)
class ReplyShape:
    """The JSON a reply must be: a name and a JSON Schema (servers that take structured output
    constrain the model to it; the others get it only through the prompt)."""

    name: str
    schema: dict[str, Any] = field(hash=False, compare=False)


class ChatClient(Protocol):
    """Transport to a chat model. No prompts, no pedagogy: callers build the messages.

    Both methods raise ``ProviderError`` (``learnplat.clients.errors``) on any provider failure.
    """

    name: str
    model: str

    def complete(
        self,
        messages: Sequence[Message],
        *,
        system: str | None = None,
        max_tokens: int = 2000,
        temperature: float = 0.3,
        json_mode: bool = False,
    ) -> str:
        """Return the model's whole reply."""
        ...

    def stream(
        self,
        messages: Sequence[Message],
        *,
        system: str | None = None,
        max_tokens: int = 2000,
        temperature: float = 0.3,
        shape: ReplyShape | None = None,
        deadline: float | None = None,
    ) -> Iterator[str]:
        """Yield the reply's text deltas as they arrive (the request starts on first ``next``).

        ``shape`` asks for structured output where the server supports it. ``deadline`` (a
        ``time.monotonic()`` value) ends a reply not finished by then with a "timeout"
        ProviderError. Closing the iterator early closes the connection, which makes a streaming
        server stop generating.
        """
        ...
