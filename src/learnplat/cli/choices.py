"""The allowed values of the CLI's options, as enums: `--help` lists them (`[chat|visual|…]`),
shell completion offers them, and a value outside them is refused before any work with the
choices named. Handlers pass `.value` on, so services see plain strings."""

from __future__ import annotations

from enum import StrEnum

from ..domain.levels import FORMATS, LEVELS


class Level(StrEnum):
    beginner = "beginner"
    intermediate = "intermediate"
    advanced = "advanced"


class LessonFormat(StrEnum):
    chat = "chat"
    visual = "visual"
    audio = "audio"
    ebook = "ebook"


# The domain's lists are the truth; these spell them out for the type checker.
assert tuple(Level) == LEVELS and tuple(LessonFormat) == FORMATS


class Provider(StrEnum):
    offline = "offline"
    bedrock = "bedrock"
    openai = "openai"


class Board(StrEnum):
    teach = "teach"
    game = "game"


class Period(StrEnum):
    all = "all"
    week = "week"


class Sort(StrEnum):
    top = "top"
    new = "new"


class CardFormat(StrEnum):
    anki = "anki"
    csv = "csv"
