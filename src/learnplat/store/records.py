"""What the game and community stores return: one frozen record per shape of row they read, so
that the services above them see attributes, never the schema's columns or a database row;
and ``from_row``, which every store uses to make its records."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, TypeVar

R = TypeVar("R")


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def from_row(cls: type[R], row: Any, **given: Any) -> R:
    """A record of ``cls`` from a database row whose columns are named as its fields (the
    schema's names stay in the store); ``given`` fields are taken as they are instead."""
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(field.name for field in fields(cls))  # type: ignore[arg-type]
    values = {name: row[name] for name in names if name not in given}
    return cls(**values, **given)

# game ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CategoryCountRecord:
    """How many bank questions are on offer in one category at one difficulty."""

    category: str
    difficulty: str
    questions: int


@dataclass(frozen=True, slots=True)
class CandidateRecord:
    """A question of a pool with when the player was last served it (None: never)."""

    id: int
    last_served: str | None


@dataclass(frozen=True, slots=True)
class ChallengeRecord:
    """A question with where it comes from and the printed label of its page, if any."""

    id: int
    slug: str
    title: str
    question: str
    correct_answer: str
    options: str  # JSON list of the options
    explanation: str
    category: str
    difficulty: str
    points: int
    time_limit: int
    source: str
    owner_id: str | None
    document_id: int | None
    passage_id: int | None
    page: int | None
    unit_name: str
    source_title: str
    quote: str
    topic_id: str | None
    page_label: str | None


@dataclass(frozen=True, slots=True)
class AttemptRecord(ChallengeRecord):
    """A served question by its token: the challenge (``id`` is its id) and the attempt."""

    attempt_id: int
    user_id: str
    token: str
    mode: str
    served_at: str
    completed_at: str | None
    outcome: str | None


@dataclass(frozen=True, slots=True)
class AnsweringRecord:
    """What scoring an answer reads of its attempt, inside the answer's transaction."""

    attempt_id: int
    challenge_id: int
    category: str
    served_at: str
    time_limit: int
    points: int
    correct_answer: str


@dataclass(frozen=True, slots=True)
class QuestionSetRecord:
    """The summary of the questions made from one document."""

    document_id: int
    generator: str
    candidates: int
    kept: int
    dropped: str  # JSON object: reason -> how many candidates it dropped
    created_at: str


@dataclass(frozen=True, slots=True)
class ProgressRecord:
    """A player's all-time totals, streaks and level."""

    total_points: int
    challenges_completed: int
    correct_count: int
    current_streak: int
    best_streak: int
    level: int
    points_at: str | None


@dataclass(frozen=True, slots=True)
class GameLeaderRecord:
    """A player's line on a game board (all time or a week, overall or in a category)."""

    user_id: str
    display_name: str
    points: int
    answered: int
    correct: int
    best_streak: int
    level: int


@dataclass(frozen=True, slots=True)
class CategoryScoreRecord:
    """A player's all-time answers, correct answers and points in one category."""

    category: str
    answered: int
    correct: int
    points: int


@dataclass(frozen=True, slots=True)
class DayPointsRecord:
    """A player's points, answers and correct answers on one UTC day (YYYY-MM-DD)."""

    day: str
    points: int | None
    answered: int
    correct: int | None


# community -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExplanationRecord:
    """An explanation as stored: pending (no score yet) or graded."""

    id: int
    user_id: str
    topic: str
    topic_id: str
    level: str
    transcript: str
    status: str
    clarity_score: int | None
    knowledge_points: int | None
    points_reason: str | None
    grade_json: str | None
    upvotes: int
    created_at: str
    graded_at: str | None


@dataclass(frozen=True, slots=True)
class FeedRecord:
    """A graded explanation in the feed: its author's name, its start, the viewer's vote."""

    id: int
    user_id: str
    topic: str
    topic_id: str
    level: str
    author: str
    clarity_score: int
    upvotes: int
    created_at: str
    excerpt_source: str
    voted: bool


@dataclass(frozen=True, slots=True)
class UserRecord:
    """A user's id and display name."""

    id: str
    display_name: str


@dataclass(frozen=True, slots=True)
class PointsRecord:
    """A user's all-time community points and counters."""

    total_points: int
    explanations_count: int
    upvotes_given: int
    upvotes_received: int
    points_at: str | None


@dataclass(frozen=True, slots=True)
class TeachLeaderRecord:
    """A user's line on a community board (all time or a week)."""

    user_id: str
    display_name: str
    points: int
    explanations: int
    upvotes_received: int
