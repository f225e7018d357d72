"""Web mode under an open-loop load: `learnplat serve --workers 2` on a temporary data dir, on
SQLite and (with --postgres) on PostgreSQL side by side, and a streamed lesson's first byte.

Run: .venv/bin/python bench/web_load.py [--rate 100] [--seconds 30] [--users 20] [--workers 2]
     [--threads 128] [--lesson-tries 10] [--postgres postgresql://user@host:5432/db]
     (a PostgreSQL URL runs in a fresh schema of that database, dropped afterwards)
Prints, per database: the requests per second achieved against --rate, and p50/p99 in ms of
each route (page views GET /library, /teach, /challenges, /progress; a challenge round's
`next` and its timed `answer`; upvote and unvote), with its count and errors; then the time
to the first byte and to the first `event: text` of GET /api/v1/lessons/stream for a
topic/level the server has not made before (median of --lesson-tries, on an idle server); and
at the end both databases side by side. Results JSON in bench/results/web_load[_postgresql].json.

The load is open-loop: arrivals are scheduled at fixed intervals and handed to a thread pool
whatever the server's replies are doing, so a slow server shows as latency, not as a lower
rate. A route's latency is measured from the request being sent to its reply read whole. A
challenge round is two requests (next, then answer on the same token), so arrivals are
scheduled at --rate divided by the requests an arrival makes on average. The generator warns
when it starts requests late (its pool is full, or this machine's CPUs are busy with the
server: the bench and the server share them).

Users sign up and teach one explanation each before the load; votes go to other users'
explanations, each user's vote on each explanation toggled (upvote when not voted, else
unvote) so that every vote request should succeed.
"""

from __future__ import annotations

import argparse
import http.client
import http.cookiejar
import json
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import requests
from _common import fresh_database, percentile, report, results_name
from requests.adapters import HTTPAdapter

PASSWORD = "bench password 1"
PAGES = ("/library", "/teach", "/challenges", "/progress")
LEVELS = ("beginner", "intermediate", "advanced")
GOOD = (
    "Photosynthesis is how plants make their own food. A plant takes in water through its roots "
    "and carbon dioxide through tiny holes in its leaves called stomata. Chlorophyll, the green "
    "stuff in the chloroplasts, catches sunlight, and that energy turns the water and carbon "
    "dioxide into glucose, a sugar. Oxygen is let out as a leftover, which is why plants give "
    "us the air we breathe."
)
# What an arrival does: its weight, and how many requests it makes.
MIX = {"page": (0.5, 1), "challenge": (0.25, 2), "vote": (0.25, 1)}
START_TIMEOUT_S = 60
REQUEST_TIMEOUT_S = 60
LATE_MS = 20  # a request started this late after its slot counts as late


class NoCookies(http.cookiejar.DefaultCookiePolicy):
    """Each thread's connection keeps no cookies: every request names its user's cookie."""

    def set_ok(self, cookie: Any, request: Any) -> bool:
        return False

    def return_ok(self, cookie: Any, request: Any) -> bool:
        return False


@dataclass
class User:
    name: str
    cookie: str = ""
    csrf: str = ""
    explanation: int = 0


@dataclass
class Load:
    """What the load saw: latencies by route, errors, how late each request started."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    samples: dict[str, str] = field(default_factory=dict)  # route → one error, to show
    late_ms: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, route: str, seconds: float, error: str | None) -> None:
        with self.lock:
            self.latencies[route].append(seconds * 1000)
            if error is not None:
                self.errors[route] += 1
                self.samples.setdefault(route, error)


# the server -----------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve_command(port: int, workers: int) -> list[str]:
    script = Path(sys.executable).with_name("learnplat")
    program = [str(script)] if script.exists() else [sys.executable, "-m", "learnplat"]
    return [*program, "serve", "--port", str(port), "--workers", str(workers)]


@contextmanager
def serving(database_url: str, workers: int) -> Iterator[str]:
    """``learnplat serve`` on a fresh data dir over ``database_url`` ("" is its SQLite file);
    its URL once it answers. Stopped (SIGTERM, then kill) afterwards."""
    with tempfile.TemporaryDirectory(prefix="learnplat-web-load-") as folder:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LEARNPLAT_")}
        env.update(LEARNPLAT_HOME=str(Path(folder) / "home"), LEARNPLAT_DATABASE_URL=database_url)
        port = free_port()
        log = Path(folder) / "server.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                serve_command(port, workers),
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + START_TIMEOUT_S
            while True:
                if process.poll() is not None:
                    raise SystemExit(f"the server exited:\n{log.read_text()[-3000:]}")
                with suppress(requests.RequestException):
                    if requests.get(f"{url}/api/v1/session", timeout=2).status_code == 200:
                        break
                if time.monotonic() > deadline:
                    raise SystemExit(f"the server did not start:\n{log.read_text()[-3000:]}")
                time.sleep(0.1)
            yield url
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            text = log.read_text(errors="replace")
            if "Traceback" in text:
                print(f"  the server logged errors:\n{text[-3000:]}", file=sys.stderr)


# the clients ----------------------------------------------------------------------------
_local = threading.local()


def connection() -> requests.Session:
    """This thread's connection (kept alive between requests), without a cookie jar."""
    if not hasattr(_local, "session"):
        session = requests.Session()
        session.cookies.set_policy(NoCookies())
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=1)
        session.mount("http://", adapter)
        _local.session = session
    return _local.session  # type: ignore[no-any-return]


def call(url: str, user: User | None, method: str, path: str, **kwargs: Any) -> requests.Response:
    headers = {}
    if user is not None:
        headers["Cookie"] = f"learnplat_session={user.cookie}"
        if method != "GET":
            headers["X-CSRF-Token"] = user.csrf
    return connection().request(
        method, url + path, headers=headers, timeout=REQUEST_TIMEOUT_S, **kwargs
    )


def set_up_user(url: str, name: str, index: int) -> User:
    """Sign up and teach one explanation. Raises SystemExit when the server refuses."""
    user = User(name)
    reply = call(url, None, "GET", "/api/v1/session")
    user.cookie, user.csrf = reply.cookies["learnplat_session"], reply.json()["csrf_token"]
    reply = call(url, user, "POST", "/api/v1/signup", json={"name": name, "password": PASSWORD})
    if reply.status_code != 201:
        raise SystemExit(f"signup failed: {reply.status_code} {reply.text[:300]}")
    user.cookie, user.csrf = reply.cookies["learnplat_session"], reply.json()["csrf_token"]
    text = f"{GOOD} For example, leaf {index} gives off oxygen bubbles under a lamp."
    reply = call(url, user, "POST", "/api/v1/teach", json={"topic": "photosynthesis", "text": text})
    if reply.status_code != 201 or not reply.json().get("shared"):
        raise SystemExit(f"teach failed: {reply.status_code} {reply.text[:300]}")
    user.explanation = int(reply.json()["id"])
    return user


class Workload:
    """The arrivals' operations over the users, and what each user's votes are now."""

    def __init__(self, url: str, users: list[User], load: Load, seed: int) -> None:
        self.url, self.users, self.load = url, users, load
        self.rng = random.Random(seed)
        self.rng_lock = threading.Lock()
        self.voted: dict[tuple[int, int], bool] = {}
        self.busy: set[tuple[int, int]] = set()  # (user, explanation) pairs being voted on
        self.busy_lock = threading.Lock()

    def pick(self) -> tuple[str, Callable[[], None]]:
        with self.rng_lock:
            kinds = list(MIX)
            kind = self.rng.choices(kinds, weights=[MIX[k][0] for k in kinds])[0]
            user = self.rng.randrange(len(self.users))
            page = self.rng.choice(PAGES)
            answer = str(self.rng.randint(1, 4))
            target = self.rng.choice([u for u in range(len(self.users)) if u != user])
        if kind == "page":
            return kind, lambda: self.page(user, page)
        if kind == "challenge":
            return kind, lambda: self.challenge(user, answer)
        return kind, lambda: self.vote(user, target)

    def timed(self, route: str, user: int, method: str, path: str, **kwargs: Any) -> Any:
        started = time.perf_counter()
        error, reply = None, None
        try:
            reply = call(self.url, self.users[user], method, path, **kwargs)
            reply.content  # noqa: B018 - read the whole reply
            if not 200 <= reply.status_code < 300:
                error = f"{reply.status_code} {reply.text[:200]}"
        except requests.RequestException as exc:
            error = repr(exc)
        self.load.record(route, time.perf_counter() - started, error)
        return reply if error is None else None

    def page(self, user: int, page: str) -> None:
        self.timed(f"GET {page}", user, "GET", page)

    def challenge(self, user: int, answer: str) -> None:
        served = self.timed(
            "POST challenges/next",
            user,
            "POST",
            "/api/v1/challenges/next",
            json={"category": "biology"},
        )
        if served is not None:
            token = served.json()["token"]
            self.timed(
                "POST challenges/answer",
                user,
                "POST",
                "/api/v1/challenges/answer",
                json={"token": token, "answer": answer},
            )

    def vote(self, user: int, target: int) -> None:
        pair = (user, target)
        with self.busy_lock:
            if pair in self.busy:  # the same vote in flight: take the other user's turn
                pair = (target, user)
                if pair in self.busy:
                    return
            self.busy.add(pair)
        try:
            voter, author = pair
            path = f"/api/v1/community/{self.users[author].explanation}/upvote"
            if self.voted.get(pair, False):
                if self.timed("DELETE upvote", voter, "DELETE", path) is not None:
                    self.voted[pair] = False
            elif self.timed("POST upvote", voter, "POST", path) is not None:
                self.voted[pair] = True
        finally:
            with self.busy_lock:
                self.busy.discard(pair)


def run_load(workload: Workload, rate: float, seconds: float, threads: int) -> dict[str, Any]:
    """Arrivals at fixed intervals for ``seconds``, each handed to the pool on its slot."""
    per_arrival = sum(weight * count for weight, count in MIX.values())
    interval = per_arrival / rate
    arrivals = int(seconds / interval)
    load = workload.load
    skipped = 0

    def run(scheduled: float, work: Callable[[], None]) -> None:
        late = (time.perf_counter() - scheduled) * 1000
        with load.lock:
            load.late_ms.append(late)
        work()

    with ThreadPoolExecutor(threads, thread_name_prefix="load") as pool:
        started = time.perf_counter()
        for n in range(arrivals):
            slot = started + n * interval
            wait = slot - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            elif -wait > 1.0:  # more than a second behind: drop the slot rather than burst
                skipped += 1
                continue
            _kind, work = workload.pick()
            pool.submit(run, slot, work)
        scheduled_for = time.perf_counter() - started
    elapsed = time.perf_counter() - started
    sent = sum(len(v) for v in load.latencies.values())
    return {
        "arrivals": arrivals,
        "skipped": skipped,
        "requests": sent,
        "elapsed_s": elapsed,
        "schedule_s": scheduled_for,
        "achieved_rps": sent / elapsed,  # the replies still due after the last slot count
    }


# the streamed lesson --------------------------------------------------------------------
def lesson_first_bytes(url: str, user: User, topic: str, level: str) -> dict[str, Any]:
    """Seconds to the reply's first byte, its first ``event: text`` line and its end, and
    whether the lesson came from the cache."""
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=REQUEST_TIMEOUT_S)
    query = urlencode({"topic": topic, "level": level})
    started = time.perf_counter()
    connection.request(
        "GET",
        f"/api/v1/lessons/stream?{query}",
        headers={"Cookie": f"learnplat_session={user.cookie}", "Accept": "text/event-stream"},
    )
    response = connection.getresponse()  # the status line and headers: sent with ": lesson…"
    first_byte = time.perf_counter() - started
    if response.status != 200:
        raise SystemExit(f"lesson stream: {response.status} {response.read()[:300]!r}")
    first_text, event, lesson = None, "", None
    while line := response.readline():
        if line.startswith(b"event: "):
            event = line[7:].strip().decode()
            if event == "text" and first_text is None:
                first_text = time.perf_counter() - started
        elif line.startswith(b"data: ") and event == "error":
            raise SystemExit(f"lesson stream of {topic!r} failed: {line[:300]!r}")
        elif line.startswith(b"data: ") and event == "lesson":
            lesson = json.loads(line[6:])
    done = time.perf_counter() - started
    connection.close()
    if first_text is None or lesson is None:
        raise SystemExit(f"lesson stream of {topic!r} had no text or no lesson")
    return {
        "first_byte": first_byte,
        "first_text": first_text,
        "done": done,
        "from_cache": bool(lesson.get("from_cache")),
    }


def fresh_combos(url: str, user: User, count: int) -> list[tuple[str, str]]:
    """``count`` topic/level pairs, photosynthesis's first, never asked of this server."""
    reply = call(url, user, "GET", "/api/v1/topics")
    names = [t["name"] for t in reply.json()]
    names.sort(key=lambda name: name.lower() != "photosynthesis")
    combos = [(name, level) for name in names for level in LEVELS]
    return combos[:count]


# one database ---------------------------------------------------------------------------
def bench(database_url: str, args: argparse.Namespace) -> dict[str, Any]:
    with serving(database_url, args.workers) as url:
        started = time.perf_counter()
        run = secrets.token_hex(3)
        with ThreadPoolExecutor(4) as pool:
            users = list(
                pool.map(lambda n: set_up_user(url, f"load{n:03d}-{run}", n), range(args.users))
            )
        setup_s = time.perf_counter() - started
        load = Load()
        workload = Workload(url, users, load, args.seed)
        # A few of each route first, so that the timed load finds every worker warm.
        for user in range(len(users)):
            workload.page(user, PAGES[user % len(PAGES)])
            workload.challenge(user, "1")
        load.latencies.clear()
        load.errors.clear()
        load.samples.clear()
        summary = run_load(workload, args.rate, args.seconds, args.threads)
        combos = fresh_combos(url, users[0], args.lesson_tries)
        tries = [lesson_first_bytes(url, users[0], topic, level) for topic, level in combos]
        if any(t["from_cache"] for t in tries):
            raise SystemExit("a lesson meant to be made afresh came from the cache")
        # The same lessons again, from the cache: what a second learner of a topic waits.
        cached = [lesson_first_bytes(url, users[1], topic, level) for topic, level in combos]
    return {
        **summary,
        "setup_s": setup_s,
        "routes": {
            route: {
                "count": len(times),
                "errors": load.errors.get(route, 0),
                "p50_ms": percentile(times, 0.5),
                "p99_ms": percentile(times, 0.99),
            }
            for route, times in sorted(load.latencies.items())
        },
        "error_samples": dict(load.samples),
        "late_p99_ms": percentile(load.late_ms, 0.99) if load.late_ms else 0.0,
        "late_share": sum(m > LATE_MS for m in load.late_ms) / max(1, len(load.late_ms)),
        "lesson": {
            key: statistics.median(t[key] * 1000 for t in tries)
            for key in ("first_byte", "first_text", "done")
        },
        "lesson_cached": {
            key: statistics.median(t[key] * 1000 for t in cached)
            for key in ("first_byte", "first_text", "done")
        },
        "lesson_tries": len(tries),
        "lesson_first_text_ms": [round(t["first_text"] * 1000, 1) for t in tries],
    }


def rows_of(result: dict[str, Any], args: argparse.Namespace) -> list[tuple[str, str]]:
    rows = [
        ("throughput", f"{result['achieved_rps']:.1f} requests/s of {args.rate:g} asked"),
        ("requests", f"{result['requests']} in {result['elapsed_s']:.1f} s"),
        (
            "started late",
            f"{result['late_share']:.1%} over {LATE_MS} ms (p99 {result['late_p99_ms']:.1f} ms)",
        ),
    ]
    width = max(len(r) for r in result["routes"])
    rows.append(("route".ljust(width), "     p50 ms     p99 ms   count  errors"))
    for route, row in result["routes"].items():
        rows.append(
            (
                route.ljust(width),
                f"{row['p50_ms']:>11.1f}{row['p99_ms']:>11.1f}{row['count']:>8}{row['errors']:>8}",
            )
        )
    lesson = result["lesson"]
    rows.append(
        (
            "lesson stream",
            f"first byte {lesson['first_byte']:.1f} ms · first text {lesson['first_text']:.1f} ms"
            f" · whole {lesson['done']:.1f} ms (median of {result['lesson_tries']}, uncached;"
            f" the first, on a cold worker: {result['lesson_first_text_ms'][0]:.0f} ms)",
        )
    )
    cached = result["lesson_cached"]
    rows.append(
        (
            "  the same, cached",
            f"first byte {cached['first_byte']:.1f} ms · first text {cached['first_text']:.1f} ms"
            f" · whole {cached['done']:.1f} ms",
        )
    )
    return rows


def warn(result: dict[str, Any], args: argparse.Namespace, dialect: str) -> None:
    if result["late_share"] > 0.05 or result["skipped"]:
        print(
            f"  warning ({dialect}): the load generator fell behind its schedule:"
            f" {result['late_share']:.0%} of requests started over {LATE_MS} ms late,"
            f" {result['skipped']} arrivals dropped; raise --threads, or run the bench on"
            " another machine than the server",
            file=sys.stderr,
        )
    if result["achieved_rps"] < 0.9 * args.rate:
        print(
            f"  warning ({dialect}): {result['achieved_rps']:.1f} requests/s achieved of"
            f" {args.rate:g}",
            file=sys.stderr,
        )
    for route, sample in result["error_samples"].items():
        print(f"  error ({dialect}) {route}: {sample}", file=sys.stderr)


def side_by_side(results: dict[str, dict[str, Any]]) -> None:
    dialects = list(results)
    routes = sorted({r for result in results.values() for r in result["routes"]})
    width = max(len(r) for r in [*routes, "lesson: first text"])
    head = "".join(f"{d + ' p50':>16}{d + ' p99':>16}" for d in dialects)
    print(f"\nweb_load side by side (ms)\n  {'':<{width}}{head}")
    for route in routes:
        cells = ""
        for d in dialects:
            row = results[d]["routes"].get(route)
            cells += f"{row['p50_ms']:>16.1f}{row['p99_ms']:>16.1f}" if row else " " * 32
        print(f"  {route:<{width}}{cells}")
    for key, label in (("first_byte", "lesson: first byte"), ("first_text", "lesson: first text")):
        cells = "".join(f"{results[d]['lesson'][key]:>16.1f}{'':>16}" for d in dialects)
        print(f"  {label:<{width}}{cells}")
    cells = "".join(f"{results[d]['achieved_rps']:>16.1f}{'':>16}" for d in dialects)
    print(f"  {'requests/s':<{width}}{cells}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=100.0, help="requests per second")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=128, help="the load generator's pool")
    parser.add_argument("--lesson-tries", type=int, default=10)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--postgres",
        default="",
        help="also on this PostgreSQL server (a fresh schema, dropped afterwards)",
    )
    args = parser.parse_args()
    if args.users < 2:
        parser.error("--users must be at least 2 (votes go to other users)")

    results: dict[str, dict[str, Any]] = {}
    for dialect, url in (("sqlite", ""), ("postgresql", args.postgres)):
        if dialect == "postgresql" and not url:
            continue
        with fresh_database(url) as database_url:
            print(
                f"\n{dialect}: {args.users} users, {args.rate:g} requests/s for"
                f" {args.seconds:g} s, {args.workers} workers",
                flush=True,
            )
            result = bench(database_url, args)
        results[dialect] = result
        data = {
            **result,
            "rate": args.rate,
            "seconds": args.seconds,
            "users": args.users,
            "workers": args.workers,
            "cpus": os.cpu_count(),
        }
        report(results_name("web_load", dialect), rows_of(result, args), data)
        warn(result, args, dialect)
    if len(results) > 1:
        side_by_side(results)


if __name__ == "__main__":
    main()
