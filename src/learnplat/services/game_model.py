"""What the game service returns: served questions, answer results, standings and progress."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

NOTES_CATEGORY = "notes"  # the category of the questions made from a document

Outcome = Literal["correct", "wrong", "timeout"]
Mode = Literal["play", "review"]


@dataclass(frozen=True)
class QuestionSource:
    """Where a question made from notes comes from (shown with its answer)."""

    title: str
    doc_id: int | None
    page: int | None
    unit_name: str
    label: str
    page_label: str | None = None  # the printed page number, where it differs from ``page``


@dataclass(frozen=True)
class ServedQuestion:
    """A question as a player sees it: never its answer. ``token`` answers it, once."""

    token: str
    challenge_id: int
    title: str
    question: str
    options: tuple[str, ...]
    time_limit: int
    category: str
    difficulty: str
    points: int
    mode: Mode
    served_at: str
    source: QuestionSource | None = None
    # Review mode with nothing due: an ordinary question is served, and this says so.
    notice: str = ""


@dataclass(frozen=True)
class AnswerResult:
    """The verdict on one answer, and the player's standing after it."""

    correct: bool
    outcome: Outcome
    answer: str | None
    correct_answer: str
    explanation: str
    source: QuestionSource | None
    points: int
    speed_points: int
    streak_bonus: int
    time_taken_s: float
    time_limit: int
    streak: int
    best_streak: int
    level: int
    total_points: int
    next_level_at: int
    leveled_up: bool
    next_review: str
    category: str
    difficulty: str


@dataclass(frozen=True)
class RoundSummary:
    """A round's totals, for the end-of-round screen."""

    answered: int
    correct: int
    timed_out: int
    points: int
    best_streak: int
    average_time_s: float
    level: int
    total_points: int
    leveled_up: bool

    @property
    def accuracy(self) -> float:
        return self.correct / self.answered if self.answered else 0.0


def summarize(results: Sequence[AnswerResult]) -> RoundSummary:
    """Totals of a round of answers (in the order given)."""
    best = run = 0
    for result in results:
        run = run + 1 if result.correct else 0
        best = max(best, run)
    last = results[-1] if results else None
    return RoundSummary(
        answered=len(results),
        correct=sum(r.correct for r in results),
        timed_out=sum(r.outcome == "timeout" for r in results),
        points=sum(r.points for r in results),
        best_streak=best,
        average_time_s=(
            round(sum(r.time_taken_s for r in results) / len(results), 1) if results else 0.0
        ),
        level=last.level if last else 1,
        total_points=last.total_points if last else 0,
        leveled_up=any(r.leveled_up for r in results),
    )


@dataclass(frozen=True)
class Category:
    """A category of the bank with its questions per difficulty."""

    name: str
    questions: dict[str, int]


@dataclass(frozen=True)
class GameLeaderRow:
    """A line of a game leaderboard; ``is_me`` marks the current user."""

    rank: int
    display_name: str
    points: int
    answered: int
    correct: int
    best_streak: int
    level: int
    is_me: bool


@dataclass(frozen=True)
class GameStats:
    """A player's standing in the game; ``rank`` on the all-time board (None without points)."""

    display_name: str
    points: int
    level: int
    next_level_at: int
    answered: int
    correct: int
    accuracy: float
    current_streak: int
    best_streak: int
    rank: int | None
    reviews_due: int
    review_cards: int


@dataclass(frozen=True)
class DayPoints:
    day: str
    points: int
    answered: int
    correct: int


@dataclass(frozen=True)
class CategoryAccuracy:
    category: str
    answered: int
    correct: int
    points: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.answered if self.answered else 0.0


@dataclass(frozen=True)
class Progress:
    """What the Progress tab plots: points per day, accuracy per category, reviews ahead."""

    points_by_day: tuple[DayPoints, ...]
    accuracy: tuple[CategoryAccuracy, ...]
    reviews_due_by_day: tuple[tuple[str, int], ...]
    overdue: int


@dataclass(frozen=True)
class QuestionSet:
    """The verified questions made from one document, and what the checks dropped."""

    doc_id: int
    title: str
    generator: str
    candidates: int
    kept: int
    dropped: dict[str, int]
    notices: tuple[str, ...] = ()

    @property
    def drop_rate(self) -> float:
        return (self.candidates - self.kept) / self.candidates if self.candidates else 0.0
