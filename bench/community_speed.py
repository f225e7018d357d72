"""Community feed and leaderboard latency over 100,000 explanations and 1,000,000 upvotes.

Run: PYTHONPATH=src /work/venv/bin/python bench/community_speed.py [--explanations 100000]
     [--votes 1000000] [--users 10000] [--topics 300] [--repeat 200]
Target: p50 under 20 ms for the feed (every sort and filter) and both leaderboards.

Explanations are spread over the past year across levels and topics, a few topics popular (the
biggest holds about a sixth of all explanations, timed on its own line) and most rare; upvotes
follow a long tail too (a few explanations collect thousands, most a handful) and arrive in the
days after the explanation was written. Votes and retractions are timed as well: they write
and keep every counter in step.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from _common import percentile, report

from learnplat.domain.model import LEVELS
from learnplat.services.community import Community, timestamp
from learnplat.store.community import CommunityStore
from learnplat.store.database import Database, SqliteDatabase
from learnplat.store.library import LibraryStore
from learnplat.store.weeks import week_start

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
WORDS = "energy cell light water carbon force mass atom wave market price vote law gene".split()


def build(database: Database, args: argparse.Namespace, rng: random.Random) -> dict[str, object]:
    users = [f"learner{n:05d}" for n in range(args.users)]
    started = time.perf_counter()
    with database.atomic():
        library = LibraryStore(database)
        for user in users:
            library.ensure_user(user)
    explanations, created = [], []
    topic_weights = [1 / (rank + 1) for rank in range(args.topics)]
    topics = rng.choices(range(args.topics), weights=topic_weights, k=args.explanations)
    for explanation_id, topic in enumerate(topics, 1):
        at = NOW - timedelta(seconds=rng.uniform(0, 365 * 86400))
        score = rng.randint(1, 10)
        text = " ".join(rng.choices(WORDS, k=rng.randint(60, 160)))
        explanations.append(
            (
                explanation_id,
                rng.choice(users),
                f"Topic {topic}",
                f"topic-{topic}",
                rng.choice(LEVELS),
                text,
                score,
                score,
                timestamp(at),
                timestamp(at + timedelta(seconds=5)),
            )
        )
        created.append(at)
    # A long tail of popularity: weight 1 / (rank + 20), scaled to the number of votes.
    weights = [1 / (rank + 20) for rank in range(args.explanations)]
    rng.shuffle(weights)
    scale = args.votes / sum(weights)
    votes: list[tuple[str, int, str]] = []
    for index, weight in enumerate(weights):
        wanted = min(args.users - 1, round(weight * scale))
        author = explanations[index][1]
        voters = [user for user in rng.sample(users, wanted + 1) if user != author][:wanted]
        for voter in voters:
            delay = timedelta(seconds=rng.expovariate(1 / (3 * 86400)))
            votes.append((voter, index + 1, timestamp(min(NOW, created[index] + delay))))
    generated = time.perf_counter()
    CommunityStore(database).import_rows(explanations, votes)
    loaded = time.perf_counter()
    this_week = week_start(timestamp(NOW))
    return {
        "generate_s": generated - started,
        "load_s": loaded - generated,
        "votes": len(votes),
        "week_votes": sum(1 for _, _, at in votes if week_start(at) == this_week),
        "top_voter": Counter(voter for voter, _, _ in votes).most_common(1)[0][0],
        "topic_sizes": Counter(topics),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--explanations", type=int, default=100_000)
    parser.add_argument("--votes", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--topics", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(11)
    with tempfile.TemporaryDirectory() as tmp:
        database = SqliteDatabase(Path(tmp) / "community.db")
        built = build(database, args, rng)
        store = CommunityStore(database)
        # the user who voted most, so that "voted by me" is looked up where it is often true
        viewer = Community(store, str(built["top_voter"]), clock=lambda: NOW)
        week_votes = int(built["week_votes"])  # type: ignore[call-overload]
        sizes: Counter[int] = built["topic_sizes"]  # type: ignore[assignment]
        biggest, biggest_size = sizes.most_common(1)[0]

        def topic() -> str:
            return f"topic-{rng.randrange(args.topics)}"

        cases: dict[str, Callable[[], object]] = {
            "feed top": lambda: viewer.feed(),
            "feed new": lambda: viewer.feed(sort="new"),
            "feed top, one topic": lambda: viewer.feed(topic=topic()),
            "feed new, one topic": lambda: viewer.feed(topic=topic(), sort="new"),
            "feed new, topic + level": lambda: viewer.feed(
                topic=topic(), level=rng.choice(LEVELS), sort="new"
            ),
            "feed top, one level": lambda: viewer.feed(level=rng.choice(LEVELS)),
            f"feed top, biggest topic ({biggest_size:,})": lambda: viewer.feed(
                topic=f"topic-{biggest}"
            ),
            "feed new, biggest topic + level": lambda: viewer.feed(
                topic=f"topic-{biggest}", level=rng.choice(LEVELS), sort="new"
            ),
            "feed top, page 10": lambda: viewer.feed(offset=180),
            "leaderboard all time": lambda: viewer.leaderboard(),
            "leaderboard this week": lambda: viewer.leaderboard("week"),
            "stats with rank": lambda: viewer.stats(),
        }
        rows = [
            ("explanations", f"{args.explanations:,}"),
            ("upvotes", f"{built['votes']:,} ({week_votes:,} this week)"),
            ("users", f"{args.users:,}"),
            ("build", f"generate {built['generate_s']:.1f} s, load {built['load_s']:.1f} s"),
        ]
        data: dict = {
            "explanations": args.explanations,
            "votes": built["votes"],
            "week_votes": week_votes,
            "users": args.users,
            "load_s": built["load_s"],
        }
        for name, run in cases.items():
            run()  # warm the page cache
            timings = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                run()
                timings.append((time.perf_counter() - started) * 1000)
            p50, p95 = percentile(timings, 0.5), percentile(timings, 0.95)
            rows.append((name, f"p50 {p50:6.2f} ms  p95 {p95:6.2f} ms"))
            data[name] = {"p50_ms": p50, "p95_ms": p95}
        voter = Community(store, "learner00000", clock=lambda: NOW)
        targets = [
            item.id
            for item in voter.feed(sort="new", limit=100)
            if not item.mine and not item.voted_by_me
        ]
        writes = []
        for target in targets:
            started = time.perf_counter()
            voter.upvote(target)
            voter.unvote(target)
            writes.append((time.perf_counter() - started) * 1000 / 2)
        rows.append(
            (
                "upvote or retraction",
                f"p50 {percentile(writes, 0.5):6.2f} ms  p95 {percentile(writes, 0.95):6.2f} ms",
            )
        )
        data["upvote or retraction"] = {
            "p50_ms": percentile(writes, 0.5),
            "p95_ms": percentile(writes, 0.95),
        }
        database.close()
        report("community_speed", rows, data)


if __name__ == "__main__":
    main()
