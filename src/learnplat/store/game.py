"""Store methods for Challenges: questions, served tokens and answers, progress, boards, reviews."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .database import Connection, Database
from .records import (
    AnsweringRecord,
    AttemptRecord,
    CandidateRecord,
    CategoryCountRecord,
    CategoryScoreRecord,
    ChallengeRecord,
    DayPointsRecord,
    GameLeaderRecord,
    ProgressRecord,
    QuestionSetRecord,
    from_row,
)
from .weeks import week_start
from .writes import RetryingWriter

CHALLENGE_COLUMNS = (
    "c.id, c.slug, c.title, c.question, c.correct_answer, c.options, c.explanation, c.category,"
    " c.difficulty, c.points, c.time_limit, c.source, c.owner_id, c.document_id, c.passage_id,"
    " c.page, c.unit_name, c.source_title, c.quote, c.topic_id,"
    " (SELECT p.page_label FROM passages AS p WHERE p.id = c.passage_id) AS page_label"
)
# The columns a question is written with (bank sync, generated sets, imported cards).
WRITE_COLUMNS = (
    "slug", "title", "question", "correct_answer", "options", "explanation", "category",
    "difficulty", "points", "time_limit", "source", "owner_id", "document_id", "passage_id",
    "page", "unit_name", "source_title", "quote", "topic_id", "content_hash",
)
# (category, week_start) of the boards an answer counts on besides player_progress.
ALL = ""


@dataclass(frozen=True)
class Pool:
    """Which questions a user may be served: the bank, one document's, or imported cards."""

    source: str = "bank"
    category: str | None = None
    difficulty: str | None = None
    document_id: int | None = None
    owner_id: str | None = None

    def where(self, alias: str = "c") -> tuple[str, list[Any]]:
        clauses = [f"{alias}.active = 1", f"{alias}.source = ?"]
        params: list[Any] = [self.source]
        for column, value in (
            ("category", self.category),
            ("difficulty", self.difficulty),
            ("document_id", self.document_id),
            ("owner_id", self.owner_id),
        ):
            if value is not None:
                clauses.append(f"{alias}.{column} = ?")
                params.append(value)
        return " AND ".join(clauses), params


@dataclass(frozen=True)
class AnswerState:
    """What deciding an answer needs, read inside its transaction."""

    attempt: AnsweringRecord
    current_streak: int
    best_streak: int
    total_points: int
    card: str | None


@dataclass(frozen=True)
class AnswerWrite:
    """What the service decided about an answer, written in the same transaction."""

    answer: str | None
    outcome: str
    points: int
    time_taken_ms: int
    level: int
    card: str
    due: str
    rating: int


# Decides an answer from its state (see Game.answer); runs inside the answer's transaction.
Decide = Callable[[AnswerState], AnswerWrite]


class GameStore:
    """The SQL of the game. Every write is one transaction, retried when the database is busy."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._writer = RetryingWriter(database)
        # PostgreSQL: the player's row stays locked from the read their answer is decided on
        # to the write (SQLite's transaction holds the whole database's write lock anyway).
        self._for_update = " FOR UPDATE" if database.dialect == "postgresql" else ""

    def _rows(self, sql: str, params: tuple | dict | list = ()) -> list[Any]:
        return self.database.rows(sql, tuple(params) if isinstance(params, list) else params)

    # questions ------------------------------------------------------------
    def bank_hashes(self) -> dict[str, tuple[str, int]]:
        """Every bank question's slug -> (content hash, active)."""
        rows = self._rows("SELECT slug, content_hash, active FROM challenges WHERE source = 'bank'")
        return {row["slug"]: (row["content_hash"], row["active"]) for row in rows}

    def upsert_questions(
        self, questions: Iterable[dict[str, Any]], at: str, *, retire: Sequence[str] = ()
    ) -> None:
        """Insert or update questions by slug (a changed question keeps its id and history),
        and retire the slugs in ``retire`` (no longer offered; their attempts stay)."""
        rows = list(questions)
        self._writer.write(lambda conn: _upsert(conn, rows, at, retire))

    def categories(self) -> list[CategoryCountRecord]:
        """Bank questions on offer per category and difficulty."""
        rows = self._rows(
            "SELECT category, difficulty, COUNT(*) AS questions FROM challenges"
            " WHERE source = 'bank' AND active = 1 GROUP BY category, difficulty"
        )
        return [from_row(CategoryCountRecord, row) for row in rows]

    def pool_size(self, pool: Pool) -> int:
        where, params = pool.where()
        rows = self._rows(f"SELECT COUNT(*) AS n FROM challenges AS c WHERE {where}", params)
        return int(rows[0]["n"])

    def candidates(self, user_id: str, pool: Pool) -> list[CandidateRecord]:
        """The pool's questions with when ``user_id`` was last served each (None: never)."""
        where, params = pool.where()
        rows = self._rows(
            f"""SELECT c.id, (SELECT MAX(a.served_at) FROM challenge_attempts AS a
                              WHERE a.user_id = ? AND a.challenge_id = c.id) AS last_served
                FROM challenges AS c WHERE {where}""",
            [user_id, *params],
        )
        return [from_row(CandidateRecord, row) for row in rows]

    def due_card(self, user_id: str, now: str, pool: Pool | None) -> int | None:
        """The question of ``user_id``'s most overdue review card (in ``pool``, if given)."""
        if pool is None:
            rows = self._rows(
                "SELECT challenge_id FROM review_cards AS r JOIN challenges AS c"
                " ON c.id = r.challenge_id WHERE r.user_id = ? AND r.due <= ? AND c.active = 1"
                " ORDER BY r.due LIMIT 1",
                (user_id, now),
            )
        else:
            where, params = pool.where()
            rows = self._rows(
                "SELECT challenge_id FROM review_cards AS r JOIN challenges AS c"
                f" ON c.id = r.challenge_id WHERE r.user_id = ? AND r.due <= ? AND {where}"
                " ORDER BY r.due LIMIT 1",
                [user_id, now, *params],
            )
        return int(rows[0]["challenge_id"]) if rows else None

    def challenge(self, challenge_id: int) -> ChallengeRecord | None:
        rows = self._rows(
            f"SELECT {CHALLENGE_COLUMNS} FROM challenges AS c WHERE c.id = ?", (challenge_id,)
        )
        return from_row(ChallengeRecord, rows[0]) if rows else None

    def questions_of(
        self, *, owner_id: str, document_ids: Sequence[int], answered_by: str | None
    ) -> list[ChallengeRecord]:
        """Questions for export: the user's imported cards, those made from ``document_ids``,
        and (``answered_by``) every question that user has a review card for."""
        clauses = ["(c.source = 'cards' AND c.owner_id = ?)"]
        params: list[Any] = [owner_id]
        if document_ids:
            clauses.append(f"c.document_id IN ({', '.join('?' * len(document_ids))})")
            params += list(document_ids)
        if answered_by is not None:
            clauses.append(
                "EXISTS (SELECT 1 FROM review_cards AS r WHERE r.user_id = ?"
                " AND r.challenge_id = c.id)"
            )
            params.append(answered_by)
        rows = self._rows(
            f"SELECT {CHALLENGE_COLUMNS} FROM challenges AS c WHERE c.active = 1"
            f" AND ({' OR '.join(clauses)}) ORDER BY c.category, c.id",
            params,
        )
        return [from_row(ChallengeRecord, row) for row in rows]

    # question sets from documents ------------------------------------------
    def question_set(self, document_id: int) -> QuestionSetRecord | None:
        rows = self._rows(
            "SELECT document_id, generator, candidates, kept, dropped, created_at"
            " FROM question_sets WHERE document_id = ?",
            (document_id,),
        )
        return from_row(QuestionSetRecord, rows[0]) if rows else None

    def save_question_set(
        self,
        document_id: int,
        questions: Sequence[dict[str, Any]],
        *,
        generator: str,
        candidates: int,
        dropped: str,
        at: str,
    ) -> None:
        """Replace a document's questions (those made before and not made again retire)."""
        kept_slugs = {q["slug"] for q in questions}
        old = self._rows(
            "SELECT slug FROM challenges WHERE document_id = ? AND active = 1", (document_id,)
        )
        retire = [row["slug"] for row in old if row["slug"] not in kept_slugs]

        def work(conn: Connection) -> None:
            conn.execute(
                "INSERT INTO question_sets (document_id, generator, candidates, kept,"
                " dropped, created_at) VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (document_id) DO UPDATE SET generator = excluded.generator,"
                " candidates = excluded.candidates, kept = excluded.kept,"
                " dropped = excluded.dropped, created_at = excluded.created_at",
                (document_id, generator, candidates, len(questions), dropped, at),
            )
            _upsert(conn, questions, at, retire)

        self._writer.write(work)

    # serving and answering --------------------------------------------------
    def serve(
        self, user_id: str, challenge_id: int, token: str, mode: str, served_at: str
    ) -> ChallengeRecord:
        """Record that ``challenge_id`` was served to ``user_id`` under ``token``; return the
        challenge."""

        def work(conn: Connection) -> None:
            conn.execute(
                "INSERT INTO challenge_attempts (user_id, challenge_id, token, mode, category,"
                " served_at, time_limit) SELECT ?, id, ?, ?, category, ?, time_limit"
                " FROM challenges WHERE id = ?",
                (user_id, token, mode, served_at, challenge_id),
            )

        self._writer.write(work)
        row = self.challenge(challenge_id)
        assert row is not None
        return row

    def attempt(self, token: str) -> AttemptRecord | None:
        """A served question by its token, with its challenge's columns."""
        rows = self._rows(
            f"""SELECT a.id AS attempt_id, a.user_id, a.token, a.mode, a.served_at,
                       a.completed_at, a.outcome, {CHALLENGE_COLUMNS}
                FROM challenge_attempts AS a JOIN challenges AS c ON c.id = a.challenge_id
                WHERE a.token = ?""",
            (token,),
        )
        return from_row(AttemptRecord, rows[0]) if rows else None

    def record_answer(
        self, token: str, user_id: str, answered_at: str, decide: Decide
    ) -> AnswerWrite | None:
        """Answer a served question once: claim its token, let ``decide`` score it from the
        player's streak and review card, then write the attempt, the player's progress, the
        category and weekly boards and the review card, all in one transaction.
        Returns what was written, or None when the token was answered already."""

        def work(conn: Connection) -> AnswerWrite | None:
            # Claiming first takes the write lock before anything is read: of two processes
            # answering one token, exactly one sees its UPDATE change a row.
            claimed = conn.execute(
                "UPDATE challenge_attempts SET completed_at = ?"
                " WHERE token = ? AND user_id = ? AND completed_at IS NULL",
                (answered_at, token, user_id),
            ).rowcount
            if not claimed:
                return None
            row = conn.execute(
                "SELECT a.id AS attempt_id, a.challenge_id, a.category, a.served_at,"
                " a.time_limit, c.points, c.correct_answer FROM challenge_attempts AS a"
                " JOIN challenges AS c ON c.id = a.challenge_id WHERE a.token = ?",
                (token,),
            ).fetchone()
            attempt = from_row(AnsweringRecord, row)
            progress = conn.execute(
                "SELECT current_streak, best_streak, total_points FROM player_progress"
                f" WHERE user_id = ?{self._for_update}",
                (user_id,),
            ).fetchone() or (0, 0, 0)
            card = conn.execute(
                "SELECT card FROM review_cards WHERE user_id = ? AND challenge_id = ?",
                (user_id, attempt.challenge_id),
            ).fetchone()
            decided = decide(
                AnswerState(attempt, progress[0], progress[1], progress[2], card and card[0])
            )
            self._write_answer(conn, user_id, attempt, decided, answered_at)
            return decided

        return self._writer.write(work)

    @staticmethod
    def _write_answer(
        conn: Connection,
        user_id: str,
        attempt: AnsweringRecord,
        decided: AnswerWrite,
        at: str,
    ) -> None:
        correct = 1 if decided.outcome == "correct" else 0
        streak = conn.execute(
            f"""INSERT INTO player_progress (user_id, total_points, challenges_completed,
                   correct_count, current_streak, best_streak, level, points_at)
               VALUES (?, ?, 1, ?, ?, ?, ?, ?)
               ON CONFLICT (user_id) DO UPDATE SET
                   total_points = player_progress.total_points + excluded.total_points,
                   challenges_completed = player_progress.challenges_completed + 1,
                   correct_count = player_progress.correct_count + excluded.correct_count,
                   {_streaks("player_progress", "correct_count")},
                   level = excluded.level,
                   points_at = COALESCE(excluded.points_at, player_progress.points_at)
               RETURNING current_streak""",
            (
                user_id,
                decided.points,
                correct,
                correct,
                correct,
                decided.level,
                at if decided.points else None,
            ),
        ).fetchone()[0]
        conn.execute(
            "UPDATE challenge_attempts SET answer = ?, is_correct = ?, outcome = ?,"
            " points_earned = ?, time_taken_ms = ?, streak = ? WHERE id = ?",
            (
                decided.answer,
                correct,
                decided.outcome,
                decided.points,
                decided.time_taken_ms,
                streak,
                attempt.attempt_id,
            ),
        )
        week = week_start(at)
        category = attempt.category
        conn.executemany(
            f"""INSERT INTO game_scores (category, week_start, user_id, points, answered,
                   correct, current_streak, best_streak, points_at)
               VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?)
               ON CONFLICT (category, week_start, user_id) DO UPDATE SET
                   points = game_scores.points + excluded.points,
                   answered = game_scores.answered + 1,
                   correct = game_scores.correct + excluded.correct,
                   {_streaks("game_scores", "correct")},
                   points_at = COALESCE(excluded.points_at, game_scores.points_at)""",
            [
                (scope_category, scope_week, user_id, decided.points, correct, correct, correct,
                 at if decided.points else None)
                for scope_category, scope_week in ((category, ALL), (ALL, week), (category, week))
            ],
        )
        conn.execute(
            """INSERT INTO review_cards (user_id, challenge_id, card, due, reviews, lapses,
                   last_rating) VALUES (?, ?, ?, ?, 1, ?, ?)
               ON CONFLICT (user_id, challenge_id) DO UPDATE SET card = excluded.card,
                   due = excluded.due, reviews = review_cards.reviews + 1,
                   lapses = review_cards.lapses + excluded.lapses,
                   last_rating = excluded.last_rating""",
            (
                user_id,
                attempt.challenge_id,
                decided.card,
                decided.due,
                1 - correct,
                decided.rating,
            ),
        )

    # standing ---------------------------------------------------------------
    def progress(self, user_id: str) -> ProgressRecord | None:
        rows = self._rows(
            "SELECT total_points, challenges_completed, correct_count, current_streak,"
            " best_streak, level, points_at FROM player_progress WHERE user_id = ?",
            (user_id,),
        )
        return from_row(ProgressRecord, rows[0]) if rows else None

    def leaderboard(self, category: str, week: str, limit: int) -> list[GameLeaderRecord]:
        """A board's players: most points, then best streak, then who got there first.
        ``category`` and ``week`` are ALL ('') for every category / all time."""
        if category == ALL and week == ALL:
            rows = self._rows(
                """SELECT p.user_id, u.display_name, p.total_points AS points,
                          p.challenges_completed AS answered, p.correct_count AS correct,
                          p.best_streak, p.level
                   FROM player_progress AS p JOIN users AS u ON u.id = p.user_id
                   WHERE p.total_points > 0
                   ORDER BY p.total_points DESC, p.best_streak DESC, p.points_at, p.user_id
                   LIMIT ?""",
                (limit,),
            )
            return [from_row(GameLeaderRecord, row) for row in rows]
        rows = self._rows(
            """SELECT s.user_id, u.display_name, s.points, s.answered, s.correct,
                      s.best_streak, COALESCE(p.level, 1) AS level
               FROM game_scores AS s JOIN users AS u ON u.id = s.user_id
               LEFT JOIN player_progress AS p ON p.user_id = s.user_id
               WHERE s.category = ? AND s.week_start = ? AND s.points > 0
               ORDER BY s.points DESC, s.best_streak DESC, s.points_at, s.user_id LIMIT ?""",
            (category, week, limit),
        )
        return [from_row(GameLeaderRecord, row) for row in rows]

    def rank(self, user_id: str) -> int | None:
        """1 + the players ahead of ``user_id`` on the all-time board (None: not on it)."""
        mine = self.progress(user_id)
        if mine is None or mine.total_points <= 0:
            return None
        rows = self._rows(
            """SELECT COUNT(*) AS ahead FROM player_progress
               WHERE total_points > :points
                  OR (total_points = :points AND best_streak > :streak)
                  OR (total_points = :points AND best_streak = :streak
                      AND (points_at < :at OR (points_at = :at AND user_id < :user)))""",
            {
                "points": mine.total_points,
                "streak": mine.best_streak,
                "at": mine.points_at,
                "user": user_id,
            },
        )
        return int(rows[0]["ahead"]) + 1

    def accuracy_by_category(self, user_id: str) -> list[CategoryScoreRecord]:
        rows = self._rows(
            "SELECT category, answered, correct, points FROM game_scores"
            " WHERE user_id = ? AND week_start = '' AND category <> '' ORDER BY category",
            (user_id,),
        )
        return [from_row(CategoryScoreRecord, row) for row in rows]

    def points_by_day(self, user_id: str, since: str) -> list[DayPointsRecord]:
        """Points and answers per UTC day (YYYY-MM-DD) from ``since`` on."""
        rows = self._rows(
            "SELECT substr(completed_at, 1, 10) AS day, SUM(points_earned) AS points,"
            " COUNT(*) AS answered, SUM(is_correct) AS correct FROM challenge_attempts"
            " WHERE user_id = ? AND completed_at >= ? GROUP BY substr(completed_at, 1, 10)"
            " ORDER BY day",
            (user_id, since),
        )
        return [from_row(DayPointsRecord, row) for row in rows]

    def dues(self, user_id: str, until: str) -> list[str]:
        """When each of ``user_id``'s review cards due before ``until`` falls due."""
        rows = self._rows(
            "SELECT due FROM review_cards WHERE user_id = ? AND due < ? ORDER BY due",
            (user_id, until),
        )
        return [row["due"] for row in rows]

    def display_name(self, user_id: str) -> str:
        rows = self._rows("SELECT display_name FROM users WHERE id = ?", (user_id,))
        return str(rows[0]["display_name"]) if rows else user_id

    def review_count(self, user_id: str) -> int:
        rows = self._rows("SELECT COUNT(*) AS n FROM review_cards WHERE user_id = ?", (user_id,))
        return int(rows[0]["n"])


def _streaks(table: str, correct: str) -> str:
    """The SET clauses of an upsert that carry a streak on (``excluded.<correct>`` is 1) or
    end it, keeping the best. CASE rather than MAX(a, b), which PostgreSQL spells GREATEST."""
    grown = f"{table}.current_streak + 1"
    return (
        f"current_streak = CASE WHEN excluded.{correct} = 1 THEN {grown} ELSE 0 END,"
        f" best_streak = CASE WHEN excluded.{correct} = 1 AND {grown} > {table}.best_streak"
        f" THEN {grown} ELSE {table}.best_streak END"
    )


def _upsert(
    conn: Connection,
    questions: Sequence[dict[str, Any]],
    at: str,
    retire: Sequence[str],
) -> None:
    rows = [(*(q[column] for column in WRITE_COLUMNS), at) for q in questions]
    columns = ", ".join(WRITE_COLUMNS)
    updates = ", ".join(f"{c} = excluded.{c}" for c in WRITE_COLUMNS if c != "slug")
    marks = ", ".join("?" * (len(WRITE_COLUMNS) + 1))
    conn.executemany(
        f"INSERT INTO challenges ({columns}, updated_at) VALUES ({marks})"
        f" ON CONFLICT (slug) DO UPDATE SET {updates}, active = 1,"
        " updated_at = excluded.updated_at",
        rows,
    )
    conn.executemany(
        "UPDATE challenges SET active = 0, updated_at = ? WHERE slug = ?",
        [(at, slug) for slug in retire],
    )
