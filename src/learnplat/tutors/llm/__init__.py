"""The LLM tutor: lessons and answers from a chat model as checked, cited JSON, with a fallback."""

from __future__ import annotations

from .tutor import LLMTutor

__all__ = ["LLMTutor"]
