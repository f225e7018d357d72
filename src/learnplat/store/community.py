"""Store methods for Teach Back's community: explanations, upvotes and the points they earn."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, Literal, TypeVar

from .database import Connection, Database
from .records import (
    ExplanationRecord,
    FeedRecord,
    PointsRecord,
    TeachLeaderRecord,
    UserRecord,
    from_row,
)
from .weeks import week_start
from .writes import RetryingWriter

T = TypeVar("T")
VoteOutcome = Literal["voted", "retracted", "duplicate", "no vote", "own", "pending", "missing"]
GradeOutcome = Literal["graded", "already graded", "missing"]
FeedSort = Literal["top", "new"]
# Decides an explanation's points from the author's earlier graded explanations of the topic
# (id, transcript); returns (points, reason). Runs inside the grading transaction.
Award = Callable[[list[tuple[int, str]]], tuple[int, str]]

EXPLANATION_COLUMNS = (
    "id, user_id, topic, topic_id, level, transcript, status, clarity_score, knowledge_points,"
    " points_reason, grade_json, upvotes, created_at, graded_at"
)
EXCERPT_SOURCE_CHARS = 400
# How many earlier explanations of a topic a new one is compared with for near-duplicates.
DUPLICATE_CANDIDATES = 100
_FEED_ORDER: dict[str, str] = {
    "top": "e.upvotes DESC, e.created_at DESC, e.id DESC",
    "new": "e.created_at DESC, e.id DESC",
}


class CommunityStore:
    """Explanations, votes and points. Every write is one transaction, retried when busy."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._writer = RetryingWriter(database)

    @property
    def retries(self) -> int:
        """Writes run again after "database is locked" (for tests and benches)."""
        return self._writer.retries

    def _write(self, work: Callable[[Connection], T]) -> T:
        return self._writer.write(work)

    def _rows(self, sql: str, params: tuple | dict = ()) -> list[Any]:
        return self.database.rows(sql, params)

    # explanations --------------------------------------------------------
    def add_explanation(
        self, user_id: str, topic: str, topic_id: str, level: str, transcript: str, created_at: str
    ) -> int:
        """Save an explanation as pending (before it is graded); return its id."""

        def work(conn: Connection) -> int:
            row = conn.execute(
                "INSERT INTO explanations (user_id, topic, topic_id, level, transcript, status,"
                " upvotes, created_at) VALUES (?, ?, ?, ?, ?, 'pending', 0, ?) RETURNING id",
                (user_id, topic, topic_id, level, transcript, created_at),
            ).fetchone()
            return int(row[0])

        return self._write(work)

    def explanation(self, explanation_id: int) -> ExplanationRecord | None:
        rows = self._rows(
            f"SELECT {EXPLANATION_COLUMNS} FROM explanations WHERE id = ?", (explanation_id,)
        )
        return from_row(ExplanationRecord, rows[0]) if rows else None

    def pending(self, user_id: str) -> list[ExplanationRecord]:
        rows = self._rows(
            f"SELECT {EXPLANATION_COLUMNS} FROM explanations"
            " WHERE user_id = ? AND status = 'pending' ORDER BY created_at, id",
            (user_id,),
        )
        return [from_row(ExplanationRecord, row) for row in rows]

    def record_grade(
        self,
        explanation_id: int,
        user_id: str,
        score: int,
        grade_json: str,
        graded_at: str,
        award: Award,
    ) -> GradeOutcome:
        """Grade a pending explanation of ``user_id``: score, grade, points (decided by ``award``
        from the author's earlier graded explanations of the topic) and the author's counters,
        all in one transaction."""

        def work(conn: Connection) -> GradeOutcome:
            # Claiming the row first takes the write lock before anything is read, so the
            # earlier explanations seen below cannot change until we commit.
            claimed = conn.execute(
                "UPDATE explanations SET status = 'graded', graded_at = ?"
                " WHERE id = ? AND user_id = ? AND status = 'pending'",
                (graded_at, explanation_id, user_id),
            ).rowcount
            if not claimed:
                row = conn.execute(
                    "SELECT status FROM explanations WHERE id = ? AND user_id = ?",
                    (explanation_id, user_id),
                ).fetchone()
                return "missing" if row is None else "already graded"
            topic_id = conn.execute(
                "SELECT topic_id FROM explanations WHERE id = ?", (explanation_id,)
            ).fetchone()[0]
            earlier = conn.execute(
                "SELECT id, transcript FROM explanations WHERE user_id = ? AND topic_id = ?"
                " AND status = 'graded' AND id <> ? ORDER BY id DESC LIMIT ?",
                (user_id, topic_id, explanation_id, DUPLICATE_CANDIDATES),
            ).fetchall()
            points, reason = award([(row[0], row[1]) for row in earlier])
            conn.execute(
                "UPDATE explanations SET clarity_score = ?, knowledge_points = ?,"
                " points_reason = ?, grade_json = ? WHERE id = ?",
                (score, points, reason, grade_json, explanation_id),
            )
            self._credit(
                conn,
                user_id,
                points=points,
                explanations=1,
                upvotes_received=0,
                changed_at=graded_at if points else None,
                earned_at=graded_at,
            )
            return "graded"

        return self._write(work)

    # votes ---------------------------------------------------------------
    def add_vote(self, voter_id: str, explanation_id: int, at: str) -> tuple[VoteOutcome, int]:
        """Upvote a graded explanation of someone else; return the outcome and its upvotes.

        The UNIQUE (user_id, explanation_id) constraint is what refuses a second vote, so two
        processes voting at once cannot both succeed. The vote row, the explanation's counter,
        the author's points and the voter's count change in one transaction.
        """

        def work(conn: Connection) -> tuple[VoteOutcome, int]:
            # DO NOTHING rather than catching the violation: on PostgreSQL an error ends the
            # transaction, and the count below is read in it.
            inserted = conn.execute(
                "INSERT INTO user_upvotes (user_id, explanation_id, author_id, created_at)"
                " SELECT ?, id, user_id, ? FROM explanations"
                " WHERE id = ? AND status = 'graded' AND user_id <> ?"
                " ON CONFLICT (user_id, explanation_id) DO NOTHING RETURNING author_id",
                (voter_id, at, explanation_id, voter_id),
            ).fetchall()
            if not inserted:
                voted = conn.execute(
                    "SELECT 1 FROM user_upvotes WHERE user_id = ? AND explanation_id = ?",
                    (voter_id, explanation_id),
                ).fetchone()
                if voted:
                    return "duplicate", self._upvotes(conn, explanation_id)
                return self._why_not(conn, voter_id, explanation_id), 0
            self._count_vote(conn, voter_id, inserted[0][0], explanation_id, +1, at, at)
            return "voted", self._upvotes(conn, explanation_id)

        return self._write(work)

    def remove_vote(self, voter_id: str, explanation_id: int, at: str) -> tuple[VoteOutcome, int]:
        """Retract an upvote; return the outcome and the explanation's upvotes. The points go
        from the week the vote was cast in."""

        def work(conn: Connection) -> tuple[VoteOutcome, int]:
            deleted = conn.execute(
                "DELETE FROM user_upvotes WHERE user_id = ? AND explanation_id = ?"
                " RETURNING author_id, created_at",
                (voter_id, explanation_id),
            ).fetchall()
            if not deleted:
                exists = conn.execute(
                    "SELECT 1 FROM explanations WHERE id = ?", (explanation_id,)
                ).fetchone()
                return ("no vote" if exists else "missing"), 0
            author, cast_at = deleted[0]
            self._count_vote(conn, voter_id, author, explanation_id, -1, at, cast_at)
            return "retracted", self._upvotes(conn, explanation_id)

        return self._write(work)

    @staticmethod
    def _upvotes(conn: Connection, explanation_id: int) -> int:
        row = conn.execute(
            "SELECT upvotes FROM explanations WHERE id = ?", (explanation_id,)
        ).fetchone()
        return int(row[0]) if row else 0

    @staticmethod
    def _why_not(conn: Connection, voter_id: str, explanation_id: int) -> VoteOutcome:
        row = conn.execute(
            "SELECT user_id, status FROM explanations WHERE id = ?", (explanation_id,)
        ).fetchone()
        if row is None:
            return "missing"
        return "own" if row[0] == voter_id else "pending"

    def _count_vote(
        self,
        conn: Connection,
        voter_id: str,
        author_id: str,
        explanation_id: int,
        delta: int,
        at: str,
        cast_at: str,
    ) -> None:
        """Move the explanation's upvotes, the author's points and votes received (all time
        and in the week the vote was cast) and the voter's votes given by ``delta`` (±1)."""
        conn.execute(
            "UPDATE explanations SET upvotes = upvotes + ? WHERE id = ?", (delta, explanation_id)
        )
        self._credit(
            conn,
            author_id,
            points=delta,
            explanations=0,
            upvotes_received=delta,
            changed_at=at,
            earned_at=cast_at,
        )
        conn.execute(
            "INSERT INTO user_points (user_id, upvotes_given) VALUES (?, ?)"
            " ON CONFLICT (user_id) DO UPDATE SET"
            " upvotes_given = user_points.upvotes_given + excluded.upvotes_given",
            (voter_id, delta),
        )

    @staticmethod
    def _credit(
        conn: Connection,
        user_id: str,
        *,
        points: int,
        explanations: int,
        upvotes_received: int,
        changed_at: str | None,
        earned_at: str,
    ) -> None:
        """Add to a user's all-time counters and to those of the week of ``earned_at``.
        ``changed_at`` is when the points total changed (None: it did not); ties on the
        leaderboards go to whoever reached their total first."""
        values = (points, explanations, upvotes_received, changed_at)
        conn.execute(
            "INSERT INTO user_points (user_id, total_points, explanations_count,"
            " upvotes_received, points_at) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (user_id) DO UPDATE SET"
            " total_points = user_points.total_points + excluded.total_points,"
            " explanations_count = user_points.explanations_count + excluded.explanations_count,"
            " upvotes_received = user_points.upvotes_received + excluded.upvotes_received,"
            " points_at = COALESCE(excluded.points_at, user_points.points_at)",
            (user_id, *values),
        )
        conn.execute(
            "INSERT INTO user_points_weekly (user_id, week_start, points, explanations_count,"
            " upvotes_received, points_at) VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (user_id, week_start) DO UPDATE SET"
            " points = user_points_weekly.points + excluded.points,"
            " explanations_count ="
            " user_points_weekly.explanations_count + excluded.explanations_count,"
            " upvotes_received = user_points_weekly.upvotes_received + excluded.upvotes_received,"
            " points_at = COALESCE(excluded.points_at, user_points_weekly.points_at)",
            (user_id, week_start(earned_at), *values),
        )

    # feed ----------------------------------------------------------------
    def feed(
        self,
        viewer_id: str,
        *,
        topic_id: str | None = None,
        level: str | None = None,
        sort: FeedSort = "top",
        limit: int = 20,
        offset: int = 0,
        min_score: int = 0,
    ) -> list[FeedRecord]:
        """Graded explanations scoring at least ``min_score``, best or newest first, with the
        author's display name, the start of the transcript and whether ``viewer_id`` upvoted
        each."""
        where = ["e.status = 'graded'", "e.clarity_score >= ?"]
        params: list[object] = [EXCERPT_SOURCE_CHARS, viewer_id, min_score]
        if topic_id is not None:
            where.append("e.topic_id = ?")
            params.append(topic_id)
        if level is not None:
            where.append("e.level = ?")
            params.append(level)
        params += [limit, offset]
        rows = self._rows(
            f"""SELECT e.id, e.user_id, e.topic, e.topic_id, e.level, u.display_name AS author,
                       e.clarity_score, e.upvotes, e.created_at,
                       substr(e.transcript, 1, ?) AS excerpt_source,
                       EXISTS (SELECT 1 FROM user_upvotes AS v
                               WHERE v.user_id = ? AND v.explanation_id = e.id) AS voted
                FROM explanations AS e JOIN users AS u ON u.id = e.user_id
                WHERE {" AND ".join(where)}
                ORDER BY {_FEED_ORDER[sort]} LIMIT ? OFFSET ?""",
            tuple(params),
        )
        return [from_row(FeedRecord, row, voted=bool(row["voted"])) for row in rows]

    def has_topic(self, topic_id: str) -> bool:
        """Whether any explanation is filed under ``topic_id``."""
        return bool(
            self._rows("SELECT 1 FROM explanations WHERE topic_id = ? LIMIT 1", (topic_id,))
        )

    # points --------------------------------------------------------------
    def user(self, user_id: str) -> UserRecord | None:
        rows = self._rows("SELECT id, display_name FROM users WHERE id = ?", (user_id,))
        return from_row(UserRecord, rows[0]) if rows else None

    def points(self, user_id: str) -> PointsRecord | None:
        rows = self._rows(
            "SELECT total_points, explanations_count, upvotes_given, upvotes_received, points_at"
            " FROM user_points WHERE user_id = ?",
            (user_id,),
        )
        return from_row(PointsRecord, rows[0]) if rows else None

    def average_score(self, user_id: str) -> float | None:
        rows = self._rows(
            "SELECT AVG(clarity_score) AS average FROM explanations"
            " WHERE user_id = ? AND status = 'graded'",
            (user_id,),
        )
        average = rows[0]["average"]
        return None if average is None else float(average)

    def rank(self, user_id: str, total_points: int, points_at: str) -> int:
        """1 + the users ahead on the all-time board: more points, or as many reached sooner."""
        rows = self._rows(
            """SELECT COUNT(*) AS ahead FROM user_points
               WHERE total_points > :points
                  OR (total_points = :points
                      AND (points_at < :at OR (points_at = :at AND user_id < :user)))""",
            {"points": total_points, "at": points_at, "user": user_id},
        )
        return int(rows[0]["ahead"]) + 1

    def leaderboard(self, limit: int) -> list[TeachLeaderRecord]:
        """Users with points, most first; a tie goes to whoever reached the total first."""
        rows = self._rows(
            """SELECT p.user_id, u.display_name, p.total_points AS points,
                      p.explanations_count AS explanations, p.upvotes_received
               FROM user_points AS p JOIN users AS u ON u.id = p.user_id
               WHERE p.total_points > 0
               ORDER BY p.total_points DESC, p.points_at, p.user_id LIMIT ?""",
            (limit,),
        )
        return [from_row(TeachLeaderRecord, row) for row in rows]

    def weekly_leaderboard(self, at: str, limit: int) -> list[TeachLeaderRecord]:
        """Points earned in the week (from Monday 00:00 UTC) holding ``at``: scores of the
        explanations graded in it and the upvotes cast in it that still stand."""
        rows = self._rows(
            """SELECT w.user_id, u.display_name, w.points, w.explanations_count AS explanations,
                      w.upvotes_received
               FROM user_points_weekly AS w JOIN users AS u ON u.id = w.user_id
               WHERE w.week_start = ? AND w.points > 0
               ORDER BY w.points DESC, w.points_at, w.user_id LIMIT ?""",
            (week_start(at), limit),
        )
        return [from_row(TeachLeaderRecord, row) for row in rows]

    # maintenance ---------------------------------------------------------
    def import_rows(
        self,
        explanations: Iterable[Sequence[object]],
        votes: Iterable[tuple[str, int, str]],
    ) -> None:
        """Bulk-insert graded explanations and votes in one transaction (imports, benchmarks),
        then recompute the counters they affect.

        ``explanations``: (id, user_id, topic, topic_id, level, transcript, clarity_score,
        knowledge_points, created_at, graded_at); ``votes``: (user_id, explanation_id, created_at).
        """
        explanation_rows = list(explanations)  # a retried transaction reads them again
        vote_rows = [(voter, at, explanation_id) for voter, explanation_id, at in votes]

        def work(conn: Connection) -> None:
            conn.executemany(
                "INSERT INTO explanations (id, user_id, topic, topic_id, level, transcript,"
                " clarity_score, knowledge_points, created_at, graded_at, status, upvotes,"
                " points_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'graded', 0, '')",
                explanation_rows,
            )
            conn.executemany(
                "INSERT INTO user_upvotes (user_id, explanation_id, author_id, created_at)"
                " SELECT ?, id, user_id, ? FROM explanations WHERE id = ?",
                vote_rows,
            )
            self._rebuild(conn)

        self._write(work)

    def rebuild_counters(self) -> None:
        """Recompute every counter (upvotes, points, counts) from the rows themselves."""
        self._write(self._rebuild)

    @staticmethod
    def _rebuild(conn: Connection) -> None:
        """All-time counters in SQL; weekly ones bucketed here (date arithmetic in SQL is not
        portable between SQLite and PostgreSQL)."""
        weekly: dict[tuple[str, str], list] = {}

        def credit(user_id: str, at: str, points: int, explanations: int, upvotes: int) -> None:
            bucket = weekly.setdefault((user_id, week_start(at)), [0, 0, 0, None])
            bucket[0] += points
            bucket[1] += explanations
            bucket[2] += upvotes
            if points and (bucket[3] is None or at > bucket[3]):
                bucket[3] = at

        graded = conn.execute(
            "SELECT user_id, graded_at, knowledge_points FROM explanations WHERE status = 'graded'"
        )
        for user_id, at, points in graded.fetchall():
            credit(user_id, at, points, 1, 0)
        for author_id, at in conn.execute("SELECT author_id, created_at FROM user_upvotes"):
            credit(author_id, at, 1, 0, 1)
        conn.execute("DELETE FROM user_points_weekly")
        conn.executemany(
            "INSERT INTO user_points_weekly (user_id, week_start, points, explanations_count,"
            " upvotes_received, points_at) VALUES (?, ?, ?, ?, ?, ?)",
            [(user_id, week, *bucket) for (user_id, week), bucket in weekly.items()],
        )
        conn.execute(
            "UPDATE explanations SET upvotes = (SELECT COUNT(*) FROM user_upvotes AS v"
            " WHERE v.explanation_id = explanations.id)"
        )
        conn.execute("DELETE FROM user_points")
        conn.execute(
            """INSERT INTO user_points (user_id, total_points, explanations_count,
                   upvotes_given, upvotes_received, points_at)
               SELECT u.id,
                      COALESCE((SELECT SUM(knowledge_points) FROM explanations AS e
                                WHERE e.user_id = u.id AND e.status = 'graded'), 0)
                      + (SELECT COUNT(*) FROM user_upvotes AS v WHERE v.author_id = u.id),
                      (SELECT COUNT(*) FROM explanations AS e
                       WHERE e.user_id = u.id AND e.status = 'graded'),
                      (SELECT COUNT(*) FROM user_upvotes AS v WHERE v.user_id = u.id),
                      (SELECT COUNT(*) FROM user_upvotes AS v WHERE v.author_id = u.id),
                      (SELECT MAX(at) FROM (
                           SELECT graded_at AS at FROM explanations AS e
                           WHERE e.user_id = u.id AND e.status = 'graded'
                             AND e.knowledge_points <> 0
                           UNION ALL
                           SELECT created_at FROM user_upvotes AS v WHERE v.author_id = u.id
                       ) AS contributions)
               FROM users AS u
               WHERE EXISTS (SELECT 1 FROM explanations AS e WHERE e.user_id = u.id)
                  OR EXISTS (SELECT 1 FROM user_upvotes AS v WHERE v.user_id = u.id)"""
        )
