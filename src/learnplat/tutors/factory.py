"""Build what the settings ask for: the tutor and the grader, offline or over a chat model."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..settings import Settings
from .base import Grader, Tutor

if TYPE_CHECKING:
    from ..clients.base import ChatClient


def make_client(settings: Settings) -> ChatClient | None:
    """The chat client for the configured provider (None offline). Opens no connection yet."""
    if settings.provider == "bedrock":
        from ..clients.bedrock import BedrockChat

        return BedrockChat(
            model=settings.model_id or "",
            region=settings.region,
            context_window=settings.context_window or None,
        )
    if settings.provider == "openai":
        from ..clients.openai import OpenAIChat
        from ..clients.server_memory import ServerMemory
        from ..paths import model_servers_file

        return OpenAIChat(
            base_url=settings.base_url,
            model=settings.model_id or "",
            api_key_env=settings.api_key_env,
            timeout=settings.timeout,
            memory=ServerMemory(model_servers_file()),
            context_window=settings.context_window or None,
        )
    return None


def make_tutor(settings: Settings, client: ChatClient | None = None) -> Tutor:
    """The offline engine, or an LLM tutor over ``client`` that falls back to it."""
    from .offline import OfflineTutor

    offline = OfflineTutor(semantic=settings.semantic_search)
    if client is None:
        return offline
    from .llm import LLMTutor

    return LLMTutor(
        client,
        offline,
        temperature=settings.temperature,
        max_tokens=settings.max_tokens,
        timeout=settings.timeout,
    )


def make_grader(
    client: ChatClient | None = None, *, semantic: bool = True, settings: Settings | None = None
) -> Grader:
    """The offline grader, or a model's rubric held to its coverage check (falls back to it).

    The offline grader matches by meaning too when ``semantic`` is on and learnplat[semantic]
    is installed (the model loads on the first grade, not here).
    """
    from .grader import OfflineGrader

    offline = OfflineGrader(semantic=semantic)
    if client is None:
        return offline
    from .llm.grading import LLMGrader

    if settings is None:
        return LLMGrader(client, offline)
    return LLMGrader(client, offline, timeout=settings.timeout)
