"""OfflineTutor: lessons and answers made from the sources alone, with no model and no network."""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Sequence

from ...domain.model import Answer, Flashcard, Lesson, LessonRequest, Quiz, Source
from ..base import TextSink
from ..render import answer_markdown, lesson_markdown

_SECTION_START = re.compile(r"(?=\n\n## )")


class OfflineTutor:
    """The Tutor that needs nothing but the text: extractive, deterministic, cited."""

    name = "offline"

    def __init__(self, *, semantic: bool = False) -> None:
        # Answers are ranked by meaning too when the semantic tier is installed and wanted.
        self.semantic = semantic

    def warm_up(self) -> None:
        """Load what a first lesson needs (``_warm``) on a background thread, once a process:
        begun while the learner's notes are read, the lesson does not wait for it."""
        _start_warming()

    def lesson(self, request: LessonRequest, on_text: TextSink | None = None) -> Lesson:
        """A lesson in the requested level and format; every statement from a source cites it.

        ``on_text`` receives the lesson's Markdown section by section (the pieces join into
        ``render.lesson_markdown(lesson)``)."""
        # Imported here: numpy and YAKE load on the first lesson, not when the CLI starts.
        from .lessons import build_lesson

        lesson = build_lesson(request)
        if on_text is not None:
            for piece in _SECTION_START.split(lesson_markdown(lesson)):
                on_text(piece)
        return lesson

    def answer(
        self, question: str, sources: Sequence[Source], on_text: TextSink | None = None
    ) -> Answer:
        """The 1-3 best-matching sentences of ``sources``, cited; ``found`` False when none
        matches the question well enough."""
        from .answer import answer

        result = answer(question, sources, semantic=self.semantic)
        if on_text is not None:
            on_text(answer_markdown(result))
        return result

    def quiz(self, sources: Sequence[Source], limit: int) -> Quiz:
        """Up to ``limit`` multiple-choice questions on ``sources``: definitions asked back and
        blanks on key terms, the distractors other key terms of the same notes."""
        from .quiz import make_quiz

        return make_quiz(sources, limit)

    def flashcards(self, sources: Sequence[Source], limit: int) -> list[Flashcard]:
        """Up to ``limit`` term / definition cards from the definitions in ``sources``."""
        from .quiz import make_flashcards

        return make_flashcards(sources, limit)


@functools.cache
def _start_warming() -> threading.Thread:
    thread = threading.Thread(target=_warm, name="learnplat-warm-up", daemon=True)
    thread.start()
    return thread


def _warm() -> None:
    """Import the lesson builder with YAKE (which loads networkx and numpy, a fifth of a second)
    and the sentence splitter, and read the hyphenation patterns the grade counts with."""
    from learnplat.tutors import readability

    from . import lessons  # noqa: F401

    readability.hyphenation_points("warming")
    readability.sentences("Warm up. Done.")
    import yake  # noqa: F401
