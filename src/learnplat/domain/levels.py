"""The levels a lesson, a question or an explanation is pitched at, and the formats of a lesson."""

from __future__ import annotations

from typing import Literal

Level = Literal["beginner", "intermediate", "advanced"]
Format = Literal["chat", "visual", "audio", "ebook"]
LEVELS: tuple[Level, ...] = ("beginner", "intermediate", "advanced")
FORMATS: tuple[Format, ...] = ("chat", "visual", "audio", "ebook")
