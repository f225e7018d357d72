"""Challenges latency with a big database: `challenge next` and `challenge answer` in-process,
and the game leaderboards, over 1,000,000 attempts by 100,000 players.

Run: .venv/bin/python bench/game_speed.py [--players 100000] [--attempts 1000000] [--rounds 2000]
     [--database-url postgresql://user@host:5432/db]   (default: SQLite in a temporary data dir;
     a PostgreSQL URL runs in a fresh schema of that database, dropped afterwards)
Targets: next and answer p99 under 10 ms; every leaderboard under 20 ms.

The synthetic history is written straight into the tables (as a store migration from another
system would): attempts spread over the last 60 days, players' activity on a long tail, each
player's progress, per-category and weekly board rows and review cards derived from those
attempts. The timed player then plays through the real service, review queue included.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

from _common import fresh_database, percentile, report, results_name

from learnplat.core import Session
from learnplat.services import scoring
from learnplat.services.community import timestamp
from learnplat.settings import load_settings
from learnplat.store.database import Connection
from learnplat.store.weeks import week_start

NOW = datetime.now(UTC)
PLAYER = "bench-player"
BATCH = 10_000  # rows per executemany: PostgreSQL's pipelines each batch in one round trip


def _card(card_id: int, due: str) -> str:
    return json.dumps(
        {"card_id": card_id, "state": 2, "step": None, "stability": 3.2, "difficulty": 5.0,
         "due": due, "last_review": due}
    )


def _count(row: list, earned: int, correct: bool, done: str) -> None:
    """Add an answer to a [points, answered, correct, streak, best streak, points_at] row."""
    row[0] += earned
    row[1] += 1
    row[2] += correct
    row[3] = row[3] + 1 if correct else 0
    row[4] = max(row[4], row[3])
    row[5] = done if earned else row[5]


def insert(conn: Connection, sql: str, rows: list[tuple]) -> None:
    for start in range(0, len(rows), BATCH):
        conn.executemany(sql, rows[start : start + BATCH])


def build(platform: Session, args: argparse.Namespace, rng: random.Random) -> dict[str, float]:
    game = platform.game
    game.sync_bank()
    database = platform.database
    # In the order SQLite's index gave them before there was an ORDER BY (the same history on
    # both backends, and as before on SQLite).
    challenges = [
        (row["id"], row["category"], row["points"])
        for row in database.rows(
            "SELECT id, category, points FROM challenges WHERE source = 'bank'"
            " ORDER BY category, difficulty, active, id"
        )
    ]
    # The timed player is one of them, with a history and review cards of its own.
    users = [PLAYER, *(f"player{n:06d}" for n in range(1, args.players))]
    started = time.perf_counter()
    weights = [1 / (rank + 10) for rank in range(args.players)]
    weights[0] = weights[10]  # the timed player: active, not the most active
    who = rng.choices(range(args.players), weights=weights, k=args.attempts)
    attempts, progress = [], defaultdict(lambda: [0, 0, 0, 0, 0, None])
    scores: dict[tuple[str, str, str], list] = defaultdict(lambda: [0, 0, 0, 0, 0, None])
    cards: dict[tuple[str, int], str] = {}
    events = sorted(
        ((NOW - timedelta(seconds=rng.uniform(0, 60 * 86400)), user) for user in who),
        key=lambda event: event[0],
    )
    for number, (served, user_index) in enumerate(events):
        user = users[user_index]
        challenge_id, category, points = rng.choice(challenges)
        taken = rng.uniform(1, 40)
        correct = rng.random() < 0.65
        earned = scoring.award(points, taken, progress[user][3]).total if correct else 0
        done = timestamp(served + timedelta(seconds=taken))
        attempts.append(
            (user, challenge_id, f"bench-{number}", category, timestamp(served), 45,
             "x", int(correct), "correct" if correct else "wrong", earned, int(taken * 1000),
             done)
        )
        _count(progress[user], earned, correct, done)
        for scope in ((category, ""), ("", week_start(done)), (category, week_start(done))):
            _count(scores[(*scope, user)], earned, correct, done)
        cards[(user, challenge_id)] = timestamp(served + timedelta(days=rng.uniform(0, 20)))
    generated = time.perf_counter()
    with database.atomic() as conn:
        insert(
            conn,
            "INSERT INTO users (id, display_name, created_at) VALUES (?, ?, ?)"
            " ON CONFLICT (id) DO NOTHING",
            [(user, user, timestamp(NOW)) for user in users],
        )
        insert(
            conn,
            "INSERT INTO challenge_attempts (user_id, challenge_id, token, category, served_at,"
            " time_limit, answer, is_correct, outcome, points_earned, time_taken_ms,"
            " completed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            attempts,
        )
        insert(
            conn,
            "INSERT INTO player_progress (user_id, total_points, challenges_completed,"
            " correct_count, current_streak, best_streak, level, points_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (user, s[0], s[1], s[2], s[3], s[4], scoring.level_for(s[0]), s[5])
                for user, s in progress.items()
            ],
        )
        insert(
            conn,
            "INSERT INTO game_scores (category, week_start, user_id, points, answered, correct,"
            " current_streak, best_streak, points_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(*key, *row) for key, row in scores.items()],
        )
        insert(
            conn,
            "INSERT INTO review_cards (user_id, challenge_id, card, due, reviews)"
            " VALUES (?, ?, ?, ?, 1)",
            [(user, cid, _card(cid, due), due) for (user, cid), due in cards.items()],
        )
    with database.atomic() as conn:
        conn.execute("ANALYZE")  # the planner's statistics, on either backend
    loaded = time.perf_counter()
    return {
        "generate_s": round(generated - started, 1),
        "load_s": round(loaded - generated, 1),
        "attempts": len(attempts),
        "players": len(progress),
        "board_rows": len(scores),
        "review_cards": len(cards),
    }


def timed(call, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--players", type=int, default=100_000)
    parser.add_argument("--attempts", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument(
        "--database-url", default="", help='PostgreSQL server to run on (default "": SQLite)'
    )
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as folder, fresh_database(args.database_url) as url:
        settings = load_settings({"user": PLAYER, "data_dir": Path(folder), "database_url": url})
        with Session.open(settings) as platform:
            backend, dialect = platform.database.backend, platform.database.dialect
            sizes = build(platform, args, rng)
            game = platform.game
            categories = [c.name for c in game.categories()]
            nexts, answers, reviews = [], [], []
            for number in range(args.rounds):
                category = categories[number % len(categories)] if number % 2 else None
                started = time.perf_counter()
                served = game.next(category=category, review_first=number % 5 == 0)
                middle = time.perf_counter()
                game.answer(served.token, served.options[rng.randrange(4)])
                ended = time.perf_counter()
                (reviews if served.mode == "review" else nexts).append((middle - started) * 1000)
                answers.append((ended - middle) * 1000)
            boards = {
                "all time": lambda: game.leaderboard(),
                "this week": lambda: game.leaderboard(period="week"),
                "category, all time": lambda: game.leaderboard(category="biology"),
                "category, this week": lambda: game.leaderboard(period="week", category="biology"),
                "stats (rank, reviews due)": lambda: game.stats(),
            }
            board_times = {name: timed(call, args.repeat) for name, call in boards.items()}
    rows = [
        ("backend", backend),
        ("attempts / players", f"{sizes['attempts']:,} / {sizes['players']:,}"),
        ("board rows / review cards", f"{sizes['board_rows']:,} / {sizes['review_cards']:,}"),
        ("generate + load", f"{sizes['generate_s']} s + {sizes['load_s']} s"),
    ]
    data: dict[str, object] = {"backend": backend, "sizes": sizes}
    for name, values in (("next", nexts), ("next (review card)", reviews), ("answer", answers)):
        if values:
            rows.append(
                (f"{name} p50 / p99 / max",
                 f"{percentile(values, 0.5):.2f} / {percentile(values, 0.99):.2f} /"
                 f" {max(values):.2f} ms ({len(values)})")
            )
            data[name] = {"p50": percentile(values, 0.5), "p99": percentile(values, 0.99)}
    for name, values in board_times.items():
        rows.append(
            (f"{name} p50 / p99", f"{percentile(values, 0.5):.2f} / {percentile(values, 0.99):.2f} ms")
        )
        data[name] = {"p50": percentile(values, 0.5), "p99": percentile(values, 0.99)}
    report(results_name("game_speed", dialect), rows, data)


if __name__ == "__main__":
    main()
