"""Challenges: serve timed multiple-choice questions, score answers, rank players, schedule review.

Timing is the service's: ``next`` stamps when a question is served and ``answer`` measures the
time taken when the answer arrives, by ``clock``; whatever time a client claims is ignored.
"""

from __future__ import annotations

import json
import random
import re
import threading
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from ..citations import page_mark
from ..domain.levels import LEVELS
from ..errors import BadInput
from ..store.game import ALL, AnswerState, AnswerWrite, GameStore, Pool
from ..store.records import AttemptRecord, ChallengeRecord
from ..store.weeks import week_start
from . import review, scoring
from .challenge_bank import load_bank
from .community import timestamp, utc_now
from .game_model import (
    NOTES_CATEGORY,
    AnswerResult,
    Category,
    CategoryAccuracy,
    DayPoints,
    GameLeaderRow,
    GameStats,
    Mode,
    Progress,
    QuestionSet,
    QuestionSource,
    ServedQuestion,
)

if TYPE_CHECKING:
    from ..tutors.base import Tutor
    from .library import Library

PERIODS = ("all", "week")
CARDS_CATEGORY = "cards"
LETTERS = "abcd"
MAX_PAGE = 100
TOKEN_BYTES = 10
# A served token is hex (``secrets.token_hex``): never starts with "-", so it never reads as an
# option on a command line, and anything else typed is refused before it reaches a query.
_TOKEN = re.compile(rf"[0-9a-f]{{{2 * TOKEN_BYTES}}}")


def checked_token(token: str) -> str:
    """``token`` as served (trimmed, lower case). Raises BadInput when it is not of the form
    ``challenge next`` prints (bytes that are not UTF-8, say, which no query can carry)."""
    token = token.strip().lower()
    if _TOKEN.fullmatch(token) is None:
        raise BadInput(
            f"unknown question token: a token is {2 * TOKEN_BYTES} hex digits (0-9, a-f)",
            hint="use the token `learnplat challenge next` printed",
        )
    return token


def question_source(challenge: ChallengeRecord) -> QuestionSource | None:
    """Where a question made from notes or cards comes from; None for the bank."""
    if not challenge.source_title:
        return None
    page = challenge.page
    printed = challenge.page_label
    mark = page_mark(challenge.unit_name, page, printed) if page else ""
    label = challenge.source_title + (f", {mark}" if mark else "")
    return QuestionSource(
        challenge.source_title, challenge.document_id, page, challenge.unit_name, label, printed
    )


def resolve_answer(given: str | None, options: Sequence[str]) -> str | None:
    """The option ``given`` names: its text (any case and spacing), else its number (1-4) or
    letter (A-D). None stays None (no answer before time ran out).
    Raises BadInput for anything else; such an answer is not counted."""
    if given is None:
        return None
    flat = " ".join(given.split()).lower()
    for option in options:
        if " ".join(option.split()).lower() == flat:
            return option
    if flat.isdigit() and 1 <= int(flat) <= len(options):
        return options[int(flat) - 1]
    if len(flat) == 1 and flat in LETTERS[: len(options)]:
        return options[LETTERS.index(flat)]
    raise BadInput(
        f"{given!r} is not one of the options",
        hint="answer with the option's number (1-4), its letter (A-D) or its text; "
        "this did not count as an answer",
    )


class BankSync:
    """The shipped challenge bank in the store. One per process (the Core's): it is synced
    once, before the first question or board any user asks for."""

    def __init__(self, store: GameStore, *, clock: Callable[[], datetime] = utc_now) -> None:
        self.store = store
        self.clock = clock
        self._synced = False
        self._lock = threading.Lock()

    def sync(self) -> int:
        """Load the shipped bank into the store: new questions are added, changed ones updated
        in place (same id, history kept), removed ones retired. Returns how many changed.
        Idempotent."""
        with self._lock:
            questions = [question.row() for question in load_bank()]
            stored = self.store.bank_hashes()
            changed = [
                row for row in questions if stored.get(row["slug"]) != (row["content_hash"], 1)
            ]
            shipped = {row["slug"] for row in questions}
            retire = [
                slug for slug, (_hash, active) in stored.items() if active and slug not in shipped
            ]
            if changed or retire:
                self.store.upsert_questions(changed, timestamp(self.clock()), retire=retire)
            self._synced = True
            return len(changed) + len(retire)

    def ensure(self) -> None:
        """Sync unless this process has already."""
        if not self._synced:
            self.sync()


class Game:
    """The current user's game. Public methods raise LearnplatError subclasses: BadInput for
    what the rules refuse (a filter nothing matches, an answer that is not an option, a token
    answered before or never issued), NotFound for an unknown document."""

    def __init__(
        self,
        store: GameStore,
        library: Library | Callable[[], Library],
        tutor: Tutor | Callable[[], Tutor],
        user: str,
        *,
        clock: Callable[[], datetime] = utc_now,
        rng: random.Random | None = None,
        bank: BankSync | None = None,
    ) -> None:
        """``library`` and ``tutor`` may be given as functions that make them: only questions
        from notes need them, and a command that only serves the bank or shows the scores
        should not import and build them."""
        self.store = store
        self._library = library
        self._tutor = tutor
        self.user = user
        self.clock = clock
        self.rng = rng or random.Random()
        self.bank = bank or BankSync(store, clock=clock)

    @property
    def library(self) -> Library:
        if callable(self._library):
            self._library = self._library()
        return self._library

    @property
    def tutor(self) -> Tutor:
        if callable(self._tutor):
            self._tutor = self._tutor()
        return self._tutor

    # the bank ---------------------------------------------------------------
    def sync_bank(self) -> int:
        """Load the shipped bank into the store now (``BankSync.sync``); how many changed."""
        return self.bank.sync()

    def _ensure_bank(self) -> None:
        self.bank.ensure()

    def categories(self) -> list[Category]:
        """The bank's categories with their questions per difficulty (easiest first)."""
        self._ensure_bank()
        found: dict[str, dict[str, int]] = {}
        for row in self.store.categories():
            found.setdefault(row.category, {})[row.difficulty] = row.questions
        return [
            Category(name, {level: found[name][level] for level in LEVELS if level in found[name]})
            for name in sorted(found)
        ]

    # serving ----------------------------------------------------------------
    def _now(self) -> str:
        return timestamp(self.clock())

    def _pool(
        self,
        category: str | None,
        difficulty: str | None,
        doc_id: int | None,
    ) -> Pool:
        if difficulty is not None and difficulty not in LEVELS:
            raise BadInput(
                f"unknown difficulty {difficulty!r}", hint=f"one of: {', '.join(LEVELS)}"
            )
        if doc_id is not None:
            self.question_set(doc_id)
            return Pool("document", difficulty=difficulty, document_id=doc_id)
        if category == CARDS_CATEGORY:
            return Pool("cards", difficulty=difficulty, owner_id=self.user)
        if category is not None:
            names = [c.name for c in self.categories()]
            if category not in names:
                raise BadInput(
                    f"unknown category {category!r}",
                    hint=f"one of: {', '.join([*names, CARDS_CATEGORY])}",
                )
        return Pool("bank", category=category, difficulty=difficulty)

    def next(
        self,
        *,
        category: str | None = None,
        difficulty: str | None = None,
        doc_id: int | None = None,
        review_first: bool = False,
    ) -> ServedQuestion:
        """Serve a question: with ``review_first``, the user's most overdue review card (in
        the chosen pool when filters are given), else one of the pool the user has not seen,
        else the one seen longest ago. The pool is the bank, a document's questions
        (``doc_id``, made on first use) or the user's imported cards (category "cards").
        Raises BadInput (unknown filter, nothing in the pool), NotFound (no such document)."""
        self._ensure_bank()
        pool = self._pool(category, difficulty, doc_id)
        now = self._now()
        notice = ""
        challenge_id = None
        if review_first:
            filtered = category is not None or difficulty is not None or doc_id is not None
            challenge_id = self.store.due_card(self.user, now, pool if filtered else None)
            if challenge_id is None:
                notice = "nothing is due for review: here is a new question"
        mode: Mode = "review" if challenge_id is not None else "play"
        if challenge_id is None:
            challenge_id = self._pick(pool)
        import secrets  # here: showing scores needs no token (its import costs ~3 ms)

        token = secrets.token_hex(TOKEN_BYTES)
        challenge = self.store.serve(self.user, challenge_id, token, mode, now)
        return ServedQuestion(
            token=token,
            challenge_id=challenge.id,
            title=challenge.title,
            question=challenge.question,
            options=tuple(json.loads(challenge.options)),
            time_limit=challenge.time_limit,
            category=challenge.category,
            difficulty=challenge.difficulty,
            points=challenge.points,
            mode=mode,
            served_at=now,
            source=question_source(challenge),
            notice=notice,
        )

    def _pick(self, pool: Pool) -> int:
        candidates = self.store.candidates(self.user, pool)
        if not candidates:
            raise self._empty(pool)
        unseen = [row.id for row in candidates if row.last_served is None]
        if unseen:
            return int(self.rng.choice(unseen))
        oldest = min(candidates, key=lambda row: (row.last_served, row.id))
        return int(oldest.id)

    def _empty(self, pool: Pool) -> BadInput:
        if pool.source == "cards":
            at = f" at {pool.difficulty}" if pool.difficulty else ""
            return BadInput(
                f"you have no imported cards{at}",
                hint="learnplat cards import deck.csv (front,back per line) or deck.apkg",
            )
        if pool.source == "document":
            return BadInput(
                f"no questions at {pool.difficulty} from document {pool.document_id}",
                hint="leave out --difficulty to play all of its questions",
            )
        offered = {c.name: c.questions for c in self.categories()}
        if pool.category is not None:
            levels = ", ".join(offered.get(pool.category, {})) or "none"
            return BadInput(
                f"no {pool.difficulty} questions in {pool.category}",
                hint=f"difficulties with questions in {pool.category}: {levels}",
            )
        return BadInput(
            "the challenge bank has no questions for these filters",
            hint="is the package's data/challenges folder missing? `learnplat doctor` checks it",
        )

    # answering --------------------------------------------------------------
    def answer(self, token: str, answer: str | None) -> AnswerResult:
        """Answer the question served under ``token``: its option text, number (1-4) or letter
        (A-D), or None for no answer. Correct within the time limit earns points (see
        ``scoring``); wrong or late ("time's up") earns none and resets the streak. Every
        answer updates the review schedule.
        Raises BadInput: a malformed or unknown token, already answered, not one of the
        options."""
        token = checked_token(token)
        attempt = self.store.attempt(token)
        if attempt is None or attempt.user_id != self.user:
            raise BadInput(
                "unknown question token", hint="use the token `learnplat challenge next` printed"
            )
        if attempt.completed_at is not None:
            raise self._answered_already()
        options = tuple(json.loads(attempt.options))
        chosen = resolve_answer(answer, options)
        answered = self.clock()
        served = datetime.fromisoformat(attempt.served_at)
        time_taken_s = max(0.0, (answered - served).total_seconds())
        time_limit = int(attempt.time_limit)
        before: dict[str, int] = {}

        def decide(state: AnswerState) -> AnswerWrite:
            before.update(
                streak=state.current_streak, best=state.best_streak, total=state.total_points
            )
            if time_taken_s >= time_limit:  # at the limit is too late: the bar is empty
                outcome, points = "timeout", 0
            elif chosen is not None and chosen == attempt.correct_answer:
                outcome = "correct"
                points = scoring.award(attempt.points, time_taken_s, state.current_streak).total
            else:
                outcome, points = "wrong", 0
            rating = review.rating_for(outcome, time_taken_s, time_limit)
            card, due = review.schedule(state.card, attempt.id, rating, answered)
            return AnswerWrite(
                answer=chosen,
                outcome=outcome,
                points=points,
                time_taken_ms=round(time_taken_s * 1000),
                level=scoring.level_for(state.total_points + points),
                card=card,
                due=timestamp(due),
                rating=rating,
            )

        written = self.store.record_answer(token, self.user, timestamp(answered), decide)
        if written is None:
            raise self._answered_already()
        return self._result(attempt, written, before, time_taken_s)

    @staticmethod
    def _answered_already() -> BadInput:
        return BadInput(
            "this question was answered already",
            hint="each token is answered once: `learnplat challenge next` serves another",
        )

    @staticmethod
    def _result(
        attempt: AttemptRecord, written: AnswerWrite, before: dict[str, int], time_taken_s: float
    ) -> AnswerResult:
        correct = written.outcome == "correct"
        streak = before["streak"] + 1 if correct else 0
        total = before["total"] + written.points
        speed = 0
        if correct:
            speed = scoring.speed_points(attempt.points, time_taken_s)
        return AnswerResult(
            correct=correct,
            outcome=written.outcome,  # type: ignore[arg-type]
            answer=written.answer,
            correct_answer=attempt.correct_answer,
            explanation=attempt.explanation,
            source=question_source(attempt),
            points=written.points,
            speed_points=speed,
            streak_bonus=written.points - speed if correct else 0,
            time_taken_s=round(time_taken_s, 2),
            time_limit=attempt.time_limit,
            streak=streak,
            best_streak=max(before["best"], streak),
            level=written.level,
            total_points=total,
            next_level_at=scoring.level_threshold(written.level + 1),
            leveled_up=written.level > scoring.level_for(before["total"]),
            next_review=written.due,
            category=attempt.category,
            difficulty=attempt.difficulty,
        )

    # questions from documents -------------------------------------------------
    def question_set(self, doc_id: int, *, refresh: bool = False) -> QuestionSet:
        """The verified questions made from one of the user's documents (made on first use,
        or again with ``refresh``). Raises NotFound, BadInput (too little text)."""
        document = self.library.document(doc_id)
        stored = self.store.question_set(doc_id)
        if stored is not None and not refresh:
            return QuestionSet(
                doc_id=doc_id,
                title=document.title,
                generator=stored.generator,
                candidates=stored.candidates,
                kept=stored.kept,
                dropped=json.loads(stored.dropped),
            )
        from .question_sets import make_question_set

        made = make_question_set(self.tutor, document, self.library.passages(doc_id))
        self.store.save_question_set(
            doc_id,
            made.rows,
            generator=made.summary.generator,
            candidates=made.summary.candidates,
            dropped=json.dumps(made.summary.dropped),
            at=self._now(),
        )
        return made.summary

    # standings --------------------------------------------------------------
    def leaderboard(
        self, period: str = "all", category: str | None = None, limit: int = 10
    ) -> list[GameLeaderRow]:
        """The players with the most points, all time or this calendar week (from Monday
        00:00 UTC), overall or in one category; ties go to the better best streak, then to
        whoever got there first. Raises BadInput for an unknown period or a bad limit."""
        if period not in PERIODS:
            raise BadInput(f"unknown period {period!r}", hint="one of: all, week")
        if not 1 <= limit <= MAX_PAGE:
            raise BadInput(f"limit must be between 1 and {MAX_PAGE}, got {limit}")
        if category is not None:
            known = [*(c.name for c in self.categories()), NOTES_CATEGORY, CARDS_CATEGORY]
            if category not in known:
                raise BadInput(f"unknown category {category!r}", hint=f"one of: {', '.join(known)}")
        week = week_start(self._now()) if period == "week" else ALL
        rows = self.store.leaderboard(category or ALL, week, limit)
        return [
            GameLeaderRow(
                rank=position,
                display_name=row.display_name,
                points=row.points,
                answered=row.answered,
                correct=row.correct,
                best_streak=row.best_streak,
                level=row.level,
                is_me=row.user_id == self.user,
            )
            for position, row in enumerate(rows, 1)
        ]

    def stats(self) -> GameStats:
        """The current user's points, level, accuracy, streaks, rank and reviews due."""
        progress = self.store.progress(self.user)
        total = progress.total_points if progress else 0
        answered = progress.challenges_completed if progress else 0
        correct = progress.correct_count if progress else 0
        level = scoring.level_for(total)
        return GameStats(
            display_name=self.store.display_name(self.user),
            points=total,
            level=level,
            next_level_at=scoring.level_threshold(level + 1),
            answered=answered,
            correct=correct,
            accuracy=round(correct / answered, 3) if answered else 0.0,
            current_streak=progress.current_streak if progress else 0,
            best_streak=progress.best_streak if progress else 0,
            rank=self.store.rank(self.user),
            reviews_due=len(self.store.dues(self.user, self._now())),
            review_cards=self.store.review_count(self.user),
        )

    def progress(self, days: int = 30, ahead: int = 14) -> Progress:
        """Points per day for the last ``days`` days (days without play included, as 0),
        accuracy per category, and review cards falling due on each of the next ``ahead``
        days (today's count includes the overdue ones)."""
        now = self.clock()
        today = now.date()
        first = today - timedelta(days=days - 1)
        played = {row.day: row for row in self.store.points_by_day(self.user, first.isoformat())}
        points = tuple(
            DayPoints(
                day,
                int(played[day].points or 0) if day in played else 0,
                int(played[day].answered) if day in played else 0,
                int(played[day].correct or 0) if day in played else 0,
            )
            for day in ((first + timedelta(days=n)).isoformat() for n in range(days))
        )
        until = datetime.combine(today + timedelta(days=ahead), datetime.min.time(), now.tzinfo)
        dues = self.store.dues(self.user, timestamp(until))
        now_text = timestamp(now)
        counts = {(today + timedelta(days=n)).isoformat(): 0 for n in range(ahead)}
        overdue = 0
        for due in dues:
            day = max(due[:10], today.isoformat())
            counts[day] = counts.get(day, 0) + 1
            overdue += due <= now_text
        accuracy = tuple(
            CategoryAccuracy(row.category, row.answered, row.correct, row.points)
            for row in self.store.accuracy_by_category(self.user)
        )
        return Progress(points, accuracy, tuple(counts.items()), overdue)

