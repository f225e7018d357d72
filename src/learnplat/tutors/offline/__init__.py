"""The offline tutor engine: extractive lessons and answers built from the sources alone."""

from __future__ import annotations

from .tutor import OfflineTutor

__all__ = ["OfflineTutor"]
