"""The Tutor interface: the pedagogy that the offline engine and the LLM tutor both implement."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from ..domain.model import (
    Answer,
    Flashcard,
    Grade,
    Lesson,
    LessonRequest,
    Level,
    Quiz,
    Reference,
    Source,
)

TextSink = Callable[[str], None]


class Tutor(Protocol):
    """Makes lessons and answers. ``on_text`` receives Markdown as it is produced (streaming)."""

    name: str

    def lesson(self, request: LessonRequest, on_text: TextSink | None = None) -> Lesson:
        """A lesson in the requested level and format, cited to ``request.sources``."""
        ...

    def answer(
        self, question: str, sources: Sequence[Source], on_text: TextSink | None = None
    ) -> Answer:
        """An answer using only ``sources``; ``found`` False when they do not cover the question."""
        ...

    def quiz(self, sources: Sequence[Source], limit: int) -> Quiz:
        """Up to ``limit`` multiple-choice questions on ``sources``, each cited to the passage
        its answer comes from (unverified: the game checks every one before serving it)."""
        ...

    def flashcards(self, sources: Sequence[Source], limit: int) -> list[Flashcard]:
        """Up to ``limit`` term / definition cards from ``sources``, each cited."""
        ...


class Grader(Protocol):
    """Grades an explanation against a reference: the offline grader, or a model's rubric
    held to the offline coverage check."""

    name: str

    def grade(self, reference: Reference, explanation: str, level: Level) -> Grade:
        """A 1-10 grade with reasons. Raises BadInput for an empty or over-long explanation."""
        ...
