"""Transport to chat models: the ChatClient interface, Bedrock and OpenAI-compatible clients."""

from __future__ import annotations

from learnplat.clients.base import ChatClient, Message
from learnplat.clients.bedrock import BedrockChat
from learnplat.clients.errors import ProviderError
from learnplat.clients.openai import OpenAIChat

__all__ = ["BedrockChat", "ChatClient", "Message", "OpenAIChat", "ProviderError"]
