"""What the Learn tab asks the tutor for (a lesson request, described as the learner reads it)
and the messages that take the learner from a lesson to another tab."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from ..domain.model import Lesson

FORMAT_LABELS = {"chat": "Chat", "visual": "Concept map", "audio": "Narration", "ebook": "E-book"}


class TeachItBack(Message):
    """The learner wants to explain the lesson's topic in their own words (the app switches
    to the Teach Back tab)."""

    def __init__(self, topic: str, level: str) -> None:
        super().__init__()
        self.topic = topic
        self.level = level


class QuizMe(Message):
    """The learner wants a round on what the lesson covered (the app switches to the Challenges
    tab): ``doc_id`` when it was made from one document, else its topic at its level."""

    def __init__(self, topic: str, level: str, doc_id: int | None) -> None:
        super().__init__()
        self.topic = topic
        self.level = level
        self.doc_id = doc_id


@dataclass(frozen=True)
class LessonAsk:
    """What the learner asked for; ``serial`` tells the current lesson from replaced ones."""

    serial: int
    topic: str
    level: str
    format: str
    doc_ids: tuple[int, ...]

    @property
    def describe(self) -> str:
        what = f"“{self.topic}”" if self.topic else "your documents"
        return f"a {self.level} {FORMAT_LABELS[self.format].lower()} lesson on {what}"


def lesson_status(lesson: Lesson) -> str:
    """What a lesson shown is: "beginner · chat · by offline · from the lesson cache"."""
    provider = lesson.provider + (f" ({lesson.model})" if lesson.model else "")
    parts = [lesson.level, FORMAT_LABELS[lesson.format].lower(), f"by {provider}"]
    if lesson.from_cache:
        parts.append("from the lesson cache")
    return " · ".join(parts)
