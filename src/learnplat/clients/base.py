"""The chat client interface every LLM transport implements: messages in, text out."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

Role = Literal["user", "assistant"]


@dataclass(frozen=True)
class Message:
    """One turn of a conversation; the system prompt is passed separately."""

    role: Role
    content: str


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
    ) -> Iterator[str]:
        """Yield the reply's text deltas as they arrive (the request starts on first ``next``)."""
        ...
