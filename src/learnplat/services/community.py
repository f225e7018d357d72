"""Teach Back's community: save and grade explanations, upvote them, rank who teaches best."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal

from ..domain.levels import LEVELS
from ..errors import BadInput, NotFound
from ..store.community import CommunityStore, FeedSort, VoteOutcome
from ..store.records import ExplanationRecord
from .dataclass_codec import DecodeError, decode, encode
from .safe_text import safe_text
from .topic_match import canonical, normalise

if TYPE_CHECKING:
    from ..domain.model import Grade

Status = Literal["pending", "graded"]
Period = Literal["all", "week"]
PERIODS: tuple[Period, ...] = ("all", "week")
SORTS: tuple[FeedSort, ...] = ("top", "new")
MAX_TRANSCRIPT_CHARS = 50_000
EXCERPT_CHARS = 160
MAX_PAGE = 100
# Near-duplicates: the share of word pairs (2-word shingles) two explanations have in common
# (Jaccard). Pairs rather than longer shingles, so that a few words changed here and there in
# a short explanation still count as the same explanation.
SHINGLE_WORDS = 2
NEAR_DUPLICATE = 0.8
# Below a pass an explanation stays private: it is not in the feed, cannot be upvoted and
# earns no points, so a confident wrong explanation is never offered to others as a model.
# (The grader caps any explanation with a contradiction below this.)
SHARE_MIN = 5


@dataclass(frozen=True)
class Submission:
    """One of the current user's explanations: pending until graded, then with its points.

    ``points`` is what grading awarded (the score, or 0 for a near-duplicate); ``points_reason``
    says why.
    """

    id: int
    topic: str
    topic_id: str
    level: str
    transcript: str
    status: Status
    created_at: str
    score: int | None = None
    points: int | None = None
    points_reason: str = ""
    grade: Grade | None = None
    graded_at: str | None = None
    upvotes: int = 0

    @property
    def shared(self) -> bool:
        """Whether it is in the community feed: graded, with a passing score."""
        return self.status == "graded" and (self.score or 0) >= SHARE_MIN


@dataclass(frozen=True)
class FeedItem:
    """A shared explanation as anyone sees it: the author by display name only."""

    id: int
    topic: str
    topic_id: str
    level: str
    author: str
    score: int
    upvotes: int
    created_at: str
    excerpt: str
    voted_by_me: bool
    mine: bool


@dataclass(frozen=True)
class VoteResult:
    """An explanation's upvotes after the current user voted or took the vote back."""

    explanation_id: int
    upvotes: int
    voted_by_me: bool


@dataclass(frozen=True)
class Stats:
    """A user's standing. ``rank`` is on the all-time board, None until they have points."""

    display_name: str
    points: int
    explanations: int
    average_score: float | None
    upvotes_given: int
    upvotes_received: int
    rank: int | None


@dataclass(frozen=True)
class LeaderRow:
    """A line of the leaderboard; ``is_me`` marks the current user."""

    rank: int
    display_name: str
    points: int
    explanations: int
    upvotes_received: int
    is_me: bool


def utc_now() -> datetime:
    return datetime.now(UTC)


def timestamp(moment: datetime) -> str:
    """One fixed-width ISO form (UTC, microseconds), so that stored times sort as text."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def shingles(text: str, size: int = SHINGLE_WORDS) -> frozenset[tuple[str, ...]]:
    """The runs of ``size`` consecutive words of ``text`` (normalised); short texts: the text."""
    words = normalise(text).split()
    if len(words) <= size:
        return frozenset([tuple(words)]) if words else frozenset()
    return frozenset(tuple(words[i : i + size]) for i in range(len(words) - size + 1))


def similarity(first: str, second: str) -> float:
    """Jaccard similarity of the two texts' word shingles, from 0 (nothing shared) to 1."""
    a, b = shingles(first), shingles(second)
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The start of ``text`` on one line, cut at a word boundary."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0] or flat[:limit]
    return cut.rstrip(",;:.-") + "…"


def _grade_of(grade_json: str | None) -> Grade | None:
    if not grade_json:
        return None
    from ..domain.model import Grade  # here: stats and boards skip its import (~10 ms)

    try:
        return decode(Grade, json.loads(grade_json))
    except (DecodeError, ValueError):
        return None  # written by a model version that no longer decodes: the score remains


def _submission(explanation: ExplanationRecord) -> Submission:
    return Submission(
        id=explanation.id,
        topic=explanation.topic,
        topic_id=explanation.topic_id,
        level=explanation.level,
        transcript=explanation.transcript,
        status=explanation.status,  # type: ignore[arg-type]
        created_at=explanation.created_at,
        score=explanation.clarity_score,
        points=explanation.knowledge_points,
        points_reason=explanation.points_reason or "",
        grade=_grade_of(explanation.grade_json),
        graded_at=explanation.graded_at,
        upvotes=explanation.upvotes,
    )


_VOTE_REFUSALS: dict[VoteOutcome, tuple[str, str]] = {
    "duplicate": ("you already upvoted #{id}", "one upvote per person per explanation"),
    "own": ("#{id} is your own explanation", "only other learners can upvote it"),
    "pending": ("#{id} is not graded yet", "explanations are shared once they are graded"),
    "no vote": ("you have not upvoted #{id}", "there is no upvote to take back"),
}


class Community:
    """The current user's view of the community. Every public method raises LearnplatError
    subclasses: BadInput for something the rules refuse, NotFound for an unknown id."""

    def __init__(
        self, store: CommunityStore, user: str, *, clock: Callable[[], datetime] = utc_now
    ) -> None:
        self.store = store
        self.user = user
        self.clock = clock

    def _now(self) -> str:
        return timestamp(self.clock())

    # submitting and grading ----------------------------------------------
    def submit(self, topic: str, topic_id: str | None, level: str, transcript: str) -> Submission:
        """Save an explanation as pending, before it is graded, so a failed grading loses
        nothing. ``topic_id`` is the curated topic's id, or None to use the normalised topic.
        Returns the pending Submission. Raises BadInput for an empty or over-long
        explanation, an empty topic or an unknown level. Terminal controls are removed from
        the topic and the explanation: other learners' terminals show them."""
        topic = safe_text(topic, one_line=True)
        transcript = safe_text(transcript)
        if not topic:
            raise BadInput("the topic is empty", hint="name the topic you are explaining")
        if level not in LEVELS:
            raise BadInput(f"unknown level {level!r}", hint=f"one of: {', '.join(LEVELS)}")
        if not transcript.strip():
            raise BadInput("the explanation is empty", hint="explain the topic in your own words")
        if len(transcript) > MAX_TRANSCRIPT_CHARS:
            raise BadInput(
                f"the explanation is {len(transcript):,} characters; the limit is "
                f"{MAX_TRANSCRIPT_CHARS:,}",
                hint="explain the core ideas more briefly",
            )
        resolved_id = (topic_id or "").strip() or canonical(topic) or topic.lower()
        explanation_id = self.store.add_explanation(
            self.user, topic, resolved_id, level, transcript, self._now()
        )
        return self.get(explanation_id)

    def record_grade(self, explanation_id: int, grade: Grade) -> Submission:
        """Store a pending explanation's grade and award its knowledge points: the score, or 0
        for a near-duplicate of an earlier explanation of the same topic by the same user.
        The points, the explanation count and the explanation change together.
        Returns the graded Submission. Raises NotFound (not one of the user's explanations),
        BadInput (already graded, or a score outside 0-10)."""
        if not 0 <= grade.score <= 10:
            raise BadInput(f"a grade is 0 to 10, got {grade.score}")
        transcript = self.get(explanation_id).transcript

        def award(earlier: list[tuple[int, str]]) -> tuple[int, str]:
            if grade.score < SHARE_MIN:
                return 0, (
                    f"no points and not shared: {grade.score}/10 is below {SHARE_MIN}; fix "
                    "what the feedback points out and teach it again"
                )
            best_id, best = 0, 0.0
            for other_id, other_text in earlier:
                score = similarity(transcript, other_text)
                if score > best:
                    best_id, best = other_id, score
            if best >= NEAR_DUPLICATE:
                return 0, (
                    f"no points: {best:.0%} the same as your explanation #{best_id} of this "
                    "topic; a new explanation in your own words earns points"
                )
            return grade.score, f"{grade.score} knowledge points for a score of {grade.score}/10"

        outcome = self.store.record_grade(
            explanation_id,
            self.user,
            grade.score,
            json.dumps(encode(grade)),
            self._now(),
            award,
        )
        if outcome == "missing":
            raise self._not_yours(explanation_id)
        if outcome == "already graded":
            raise BadInput(
                f"#{explanation_id} is already graded",
                hint="only pending explanations can be graded again",
            )
        return self.get(explanation_id)

    def pending(self) -> list[Submission]:
        """The current user's explanations still waiting for a grade, oldest first."""
        return [_submission(row) for row in self.store.pending(self.user)]

    def get(self, explanation_id: int) -> Submission:
        """One of the current user's explanations. Raises NotFound."""
        explanation = self.store.explanation(explanation_id)
        if explanation is None or explanation.user_id != self.user:
            raise self._not_yours(explanation_id)
        return _submission(explanation)

    @staticmethod
    def _not_yours(explanation_id: int) -> NotFound:
        return NotFound(
            f"you have no explanation #{explanation_id}",
            hint="the pending list shows the explanations waiting for a grade",
        )

    # votes ---------------------------------------------------------------
    def upvote(self, explanation_id: int) -> VoteResult:
        """Upvote someone else's graded explanation (once). Returns its upvotes.
        Raises BadInput (already upvoted, your own, not graded yet, private), NotFound."""
        explanation = self.store.explanation(explanation_id)
        if (
            explanation is not None
            and explanation.status == "graded"
            and (explanation.clarity_score or 0) < SHARE_MIN
        ):
            raise BadInput(
                f"#{explanation_id} is private",
                hint=f"explanations scoring below {SHARE_MIN}/10 are not shared",
            )
        outcome, upvotes = self.store.add_vote(self.user, explanation_id, self._now())
        self._refuse(outcome, explanation_id)
        return VoteResult(explanation_id, upvotes, voted_by_me=True)

    def unvote(self, explanation_id: int) -> VoteResult:
        """Take back an upvote. Returns the explanation's upvotes.
        Raises BadInput (no upvote to take back), NotFound."""
        outcome, upvotes = self.store.remove_vote(self.user, explanation_id, self._now())
        self._refuse(outcome, explanation_id)
        return VoteResult(explanation_id, upvotes, voted_by_me=False)

    @staticmethod
    def _refuse(outcome: VoteOutcome, explanation_id: int) -> None:
        if outcome == "missing":
            raise NotFound(
                f"no explanation #{explanation_id}", hint="the community feed lists the ids"
            )
        if outcome in _VOTE_REFUSALS:
            message, hint = _VOTE_REFUSALS[outcome]
            raise BadInput(message.format(id=explanation_id), hint=hint)

    # reading -------------------------------------------------------------
    def feed(
        self,
        topic: str | None = None,
        level: str | None = None,
        sort: str = "top",
        limit: int = 20,
        offset: int = 0,
    ) -> list[FeedItem]:
        """Graded explanations, most upvoted ("top") or newest ("new") first, optionally of one
        topic (its id or name) and level. Raises BadInput for an unknown sort or level or a
        limit outside 1-100."""
        if sort not in SORTS:
            raise BadInput(f"unknown sort {sort!r}", hint="one of: top, new")
        if level is not None and level not in LEVELS:
            raise BadInput(f"unknown level {level!r}", hint=f"one of: {', '.join(LEVELS)}")
        _check_page(limit, offset)
        rows = self.store.feed(
            self.user,
            topic_id=self._topic_id(topic),
            level=level,
            sort="top" if sort == "top" else "new",
            limit=limit,
            offset=offset,
            min_score=SHARE_MIN,
        )
        return [
            FeedItem(
                id=row.id,
                topic=row.topic,
                topic_id=row.topic_id,
                level=row.level,
                author=row.author,
                score=row.clarity_score,
                upvotes=row.upvotes,
                created_at=row.created_at,
                excerpt=excerpt(row.excerpt_source),
                voted_by_me=row.voted,
                mine=row.user_id == self.user,
            )
            for row in rows
        ]

    def _topic_id(self, topic: str | None) -> str | None:
        """The topic id explanations of ``topic`` are filed under: the text as given when it is
        one (a curated topic's id), else its normalised form."""
        if topic is None or not topic.strip():
            return None
        given = topic.strip()
        if self.store.has_topic(given):
            return given
        return canonical(given) or given.lower()

    def stats(self, user: str | None = None) -> Stats:
        """A profile's points, explanations, average score, upvotes and all-time rank (the
        current user's when ``user`` is None). Raises NotFound for an unknown profile."""
        user_id = self.user if user is None else user
        profile = self.store.user(user_id)
        if profile is None:
            raise NotFound(f"no profile named {user_id!r}")
        points = self.store.points(user_id)
        total = points.total_points if points else 0
        rank = None
        if points and total > 0 and points.points_at:
            rank = self.store.rank(user_id, total, points.points_at)
        return Stats(
            display_name=profile.display_name,
            points=total,
            explanations=points.explanations_count if points else 0,
            average_score=self.store.average_score(user_id),
            upvotes_given=points.upvotes_given if points else 0,
            upvotes_received=points.upvotes_received if points else 0,
            rank=rank,
        )

    def leaderboard(self, period: str = "all", limit: int = 10) -> list[LeaderRow]:
        """The users with the most points, of all time or of this week (since Monday 00:00 UTC:
        explanations graded and upvotes cast in it); a tie goes to whoever reached the total
        first.
        Raises BadInput for an unknown period or a limit outside 1-100."""
        if period not in PERIODS:
            raise BadInput(f"unknown period {period!r}", hint="one of: all, week")
        _check_page(limit, 0)
        if period == "all":
            rows = self.store.leaderboard(limit)
        else:
            rows = self.store.weekly_leaderboard(self._now(), limit)
        return [
            LeaderRow(
                rank=position,
                display_name=row.display_name,
                points=row.points,
                explanations=row.explanations,
                upvotes_received=row.upvotes_received,
                is_me=row.user_id == self.user,
            )
            for position, row in enumerate(rows, 1)
        ]


def _check_page(limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_PAGE:
        raise BadInput(f"limit must be between 1 and {MAX_PAGE}, got {limit}")
    if offset < 0:
        raise BadInput(f"offset cannot be negative, got {offset}")
