"""Build the tutor the settings ask for: offline, or an LLM tutor over Bedrock or OpenAI."""

from __future__ import annotations

from ..settings import Settings
from .base import Tutor


def make_tutor(settings: Settings) -> Tutor:
    """The offline engine, or an LLM tutor that falls back to it. Opens no connection yet."""
    from .offline import OfflineTutor

    offline = OfflineTutor()
    if settings.provider == "offline":
        return offline
    from ..clients.base import ChatClient
    from .llm import LLMTutor

    client: ChatClient
    if settings.provider == "bedrock":
        from ..clients.bedrock import BedrockChat

        client = BedrockChat(model=settings.model_id or "", region=settings.region)
    else:
        from ..clients.openai import OpenAIChat

        client = OpenAIChat(
            base_url=settings.base_url,
            model=settings.model_id or "",
            api_key_env=settings.api_key_env,
        )
    return LLMTutor(
        client, offline, temperature=settings.temperature, max_tokens=settings.max_tokens
    )
