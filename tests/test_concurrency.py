"""Many users at once, each process with its own Core and a Session per user, as app servers
are: eight processes casting and retracting votes and answering challenges, on SQLite (one
file) and on PostgreSQL (one server). Nothing is lost or doubled, every counter equals the rows
it counts, and no error reaches a user."""

from __future__ import annotations

import multiprocessing
import random
import time
from collections import Counter
from pathlib import Path
from typing import Any

from learnplat.core import Core
from learnplat.errors import BadInput
from learnplat.settings import load_settings
from tests.test_community import make_grade

PROCESSES = 8
OPERATIONS = 2_000
USERS = [f"learner{n:02d}" for n in range(16)]


def _settings(home: str, database_url: str, user: str = "learner00") -> Any:
    return load_settings({"data_dir": home, "user": user, "database_url": database_url})


def _worker(
    home: str,
    database_url: str,
    explanation_ids: list[int],
    seed: int,
    operations: int,
    start: Any,
    results: Any,
) -> None:
    """Vote, retract and answer at random as random users; report what each did."""
    core = Core(_settings(home, database_url))
    sessions = {user: core.session(user) for user in USERS}
    rng = random.Random(seed)
    votes: list[tuple[str, int, int]] = []
    answers: list[tuple[str, int]] = []
    refused: Counter[str] = Counter()
    errors: list[str] = []
    start.wait()
    for _ in range(operations):
        user = rng.choice(USERS)
        session = sessions[user]
        roll = rng.random()
        try:
            if roll < 0.6:
                explanation = rng.choice(explanation_ids)
                if roll < 0.4:
                    session.community.upvote(explanation)
                    votes.append((user, explanation, 1))
                else:
                    session.community.unvote(explanation)
                    votes.append((user, explanation, -1))
            else:
                served = session.game.next()
                result = session.game.answer(served.token, rng.choice(served.options))
                answers.append((user, result.points))
        except BadInput as exc:  # the rules: one's own explanation, a vote twice, none to take
            refused[exc.message.split("#")[0]] += 1
        except Exception as exc:  # anything else ("database is locked" above all) is a failure
            errors.append(f"{type(exc).__name__}: {exc}")
    retries = core.community_store.retries + core.game_store._writer.retries
    core.close()
    results.put(
        {
            "votes": votes,
            "answers": answers,
            "refused": refused,
            "errors": errors,
            "retries": retries,
        }
    )


def test_eight_processes_voting_and_answering_at_once_lose_nothing(
    tmp_path: Path, database_url: str
) -> None:
    home = str(tmp_path / "home")
    core = Core(_settings(home, database_url))
    scores: dict[int, tuple[str, int]] = {}
    for n in range(10):
        author = USERS[n % 5]
        community = core.session(author).community
        text = f"Explanation number {n}: " + " ".join(f"idea{n}x{k}" for k in range(30))
        submission = community.submit(f"Topic {n}", None, "beginner", text)
        community.record_grade(submission.id, make_grade(n % 6 + 5))
        scores[submission.id] = (author, n % 6 + 5)
    for user in USERS:
        core.session(user)  # every profile exists before the processes start
    core.session(USERS[0]).game.categories()  # the bank is in the store
    core.close()

    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(PROCESSES), context.Queue()
    per_process = OPERATIONS // PROCESSES
    workers = [
        context.Process(
            target=_worker,
            args=(home, database_url, list(scores), seed, per_process, start, results),
        )
        for seed in range(PROCESSES)
    ]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    reports = [results.get(timeout=240) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
    elapsed = time.perf_counter() - started

    assert [error for report in reports for error in report["errors"]] == []
    net: Counter[tuple[str, int]] = Counter()
    for report in reports:
        for user, explanation, delta in report["votes"]:
            net[(user, explanation)] += delta
    assert set(net.values()) <= {0, 1}  # a vote was never cast twice nor retracted twice
    answers = [answer for report in reports for answer in report["answers"]]
    refused: Counter[str] = sum((report["refused"] for report in reports), Counter())
    applied = sum(len(report["votes"]) for report in reports) + len(answers)
    assert applied + refused.total() == per_process * PROCESSES
    assert len(answers) > OPERATIONS // 4 and applied - len(answers) > OPERATIONS // 5

    with Core(_settings(home, database_url)) as core:
        rows = core.database.rows

        standing = {
            (row["user_id"], row["explanation_id"])
            for row in rows("SELECT user_id, explanation_id FROM user_upvotes")
        }
        assert standing == {pair for pair, votes in net.items() if votes == 1}
        votes_for = Counter(explanation for _, explanation in standing)
        for explanation_id, (author, _) in scores.items():
            (counted,) = rows("SELECT upvotes FROM explanations WHERE id = ?", (explanation_id,))
            assert counted["upvotes"] == votes_for[explanation_id]
            assert (author, explanation_id) not in standing
        answered = Counter(user for user, _ in answers)
        earned = Counter()
        for user, points in answers:
            earned[user] += points
        for user in USERS:
            received = sum(votes_for[e] for e, (author, _) in scores.items() if author == user)
            score_points = sum(score for author, score in scores.values() if author == user)
            given = sum(1 for voter, _ in standing if voter == user)
            points = core.session(user).community.stats()
            assert (points.points, points.upvotes_received, points.upvotes_given) == (
                score_points + received,
                received,
                given,
            ), user
            (attempts,) = rows(
                "SELECT COUNT(*) AS n, COALESCE(SUM(points_earned), 0) AS points"
                " FROM challenge_attempts WHERE user_id = ? AND completed_at IS NOT NULL",
                (user,),
            )
            assert (attempts["n"], attempts["points"]) == (answered[user], earned[user]), user
            progress = core.game_store.progress(user)
            assert (progress.challenges_completed if progress else 0) == answered[user], user
            assert (progress.total_points if progress else 0) == earned[user], user
            boards = rows(
                "SELECT COALESCE(SUM(answered), 0) AS n, COALESCE(SUM(points), 0) AS points"
                " FROM game_scores WHERE user_id = ? AND category <> '' AND week_start = ''",
                (user,),
            )
            assert (boards[0]["n"], boards[0]["points"]) == (answered[user], earned[user]), user
    retries = sum(report["retries"] for report in reports)
    backend = "PostgreSQL" if database_url else "SQLite"
    print(
        f"\n{backend}: {applied} votes, retractions and answers applied"
        f" ({len(answers)} answers), {refused.total()} refused by the rules, {retries} retries,"
        f" {elapsed:.1f} s"
    )

