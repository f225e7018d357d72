"""Two ``learnplat serve`` processes as on two machines: a data dir each, one PostgreSQL schema,
one S3 bucket (moto's server) for the originals and the topic store, and one cookie key. Eight
clients sign up, teach, vote and play through either server at random, and afterwards every
counter equals the rows it counts.

Each client keeps what it did (its votes' final state, the answers it sent); the servers'
counters (``/api/v1/community``, ``/api/v1/stats``) and the schema's rows must agree with it.
"""

from __future__ import annotations

import contextlib
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

requests = pytest.importorskip("requests")
boto3 = pytest.importorskip("boto3")
psycopg = pytest.importorskip("psycopg")
pytest.importorskip("gunicorn")
pytest.importorskip("flask")

# Typically 20-30 s on two cores: most of it is the servers starting and scrypt at signup.
pytestmark = [pytest.mark.system, pytest.mark.timeout(60)]

SAMPLE_MD = Path(__file__).resolve().parents[1] / "data" / "samples" / "photosynthesis.md"
CLIENTS = 8
OPERATIONS = 20  # per client, after everyone has signed up and taught
START_TIMEOUT_S = 30
REQUEST_TIMEOUT_S = 20
PASSWORD = "correct horse battery"
GOOD = (
    "Photosynthesis is how plants make their own food. A plant takes in water through its roots "
    "and carbon dioxide through tiny holes in its leaves called stomata. Chlorophyll, the green "
    "stuff in the chloroplasts, catches sunlight, and that energy turns the water and carbon "
    "dioxide into glucose, a sugar. Oxygen is let out as a leftover, which is why plants give "
    "us the air we breathe."
)
EXAMPLES = (
    "For example, pondweed under a lamp gives off bubbles of oxygen.",
    "For example, a leaf kept in the dark makes no starch.",
    "For example, a potted plant gains mass mostly from the air, not the soil.",
    "For example, algae in a pond turn the water green in summer.",
    "For example, a cactus opens its stomata at night to save water.",
    "For example, grass under a board turns yellow within a week.",
    "For example, sunflowers grow towards the light.",
    "For example, a tomato plant in a greenhouse grows faster with more carbon dioxide.",
)


# the servers ----------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve_command(port: int) -> list[str]:
    script = Path(sys.executable).with_name("learnplat")
    program = [str(script)] if script.exists() else [sys.executable, "-m", "learnplat"]
    return [*program, "serve", "--port", str(port), "--workers", "1"]


@dataclass
class Server:
    name: str
    url: str
    home: Path
    process: subprocess.Popen[bytes]
    log: Path

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except FileNotFoundError:
            return ""


def _wait_until_serving(server: Server, deadline: float) -> None:
    """Until GET /api/v1/session answers 200; fails at the deadline or if the process ends."""
    last = ""
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(
                f"server {server.name} exited with {server.process.returncode}:\n"
                f"{server.log_tail()}"
            )
        try:
            reply = requests.get(f"{server.url}/api/v1/session", timeout=2)
            if reply.status_code == 200:
                return
            last = f"{reply.status_code} {reply.text[:200]}"
        except requests.RequestException as exc:
            last = repr(exc)
        time.sleep(0.1)
    pytest.fail(
        f"server {server.name} did not serve within {START_TIMEOUT_S} s ({last}):\n"
        f"{server.log_tail()}"
    )


def _stop(servers: list[Server]) -> None:
    for server in servers:
        if server.process.poll() is None:
            server.process.send_signal(signal.SIGTERM)
    for server in servers:
        try:
            server.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=5)


@contextlib.contextmanager
def serving(envs: dict[str, dict[str, str]], logs: Path) -> Iterator[list[Server]]:
    """One ``learnplat serve`` per environment, started together; stopped (SIGTERM, then
    kill) afterwards."""
    servers: list[Server] = []
    try:
        for name, env in envs.items():
            port = _free_port()
            log = logs / f"server-{name}.log"
            with log.open("wb") as out:
                process = subprocess.Popen(
                    _serve_command(port),
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            servers.append(
                Server(name, f"http://127.0.0.1:{port}", Path(env["LEARNPLAT_HOME"]), process, log)
            )
        deadline = time.monotonic() + START_TIMEOUT_S
        for server in servers:
            _wait_until_serving(server, deadline)
        yield servers
    finally:
        _stop(servers)


# the clients ----------------------------------------------------------------------------
@dataclass
class Client:
    """One browser: its own cookie jar, sent to whichever server it picks (the cookie is made
    by one server and checked by the other)."""

    index: int
    name: str
    urls: list[str]
    rng: random.Random
    http: Any = field(default_factory=lambda: requests.Session())
    csrf: str = ""
    explanation: int = 0
    points: int = 0  # what grading awarded the explanation
    votes: dict[int, bool] = field(default_factory=dict)  # explanation id → voted now
    answers: int = 0
    failures: list[str] = field(default_factory=list)
    refusals: int = 0

    def server(self) -> str:
        return self.rng.choice(self.urls)

    def call(
        self,
        method: str,
        base: str,
        path: str,
        expect: tuple[int, ...] = (200,),
        **kwargs: Any,
    ) -> Any:
        """The reply; a status outside ``expect`` is recorded as a failure (never raised, so
        that one thread's surprise does not hide the others')."""
        headers = {} if method == "GET" else {"X-CSRF-Token": self.csrf}
        try:
            reply = self.http.request(
                method, base + path, headers=headers, timeout=REQUEST_TIMEOUT_S, **kwargs
            )
        except requests.RequestException as exc:
            self.failures.append(f"{self.name}: {method} {base}{path}: {exc!r}")
            return None
        if reply.status_code not in expect:
            said = reply.text[:300].strip()
            self.failures.append(
                f"{self.name}: {method} {base}{path} -> {reply.status_code} {said}"
            )
            return None
        return reply

    def refused(self, method: str, base: str, path: str, status: int, **kwargs: Any) -> None:
        """A deliberate refusal: ``status`` with a JSON ``error``."""
        reply = self.call(method, base, path, expect=(status,), **kwargs)
        if reply is None:
            return
        body = reply.json()
        if not (isinstance(body, dict) and body.get("error")):
            self.failures.append(f"{self.name}: {method} {path} refused without an error: {body}")
        self.refusals += 1


def sign_up_and_teach(client: Client) -> None:
    first = client.server()
    reply = client.call("GET", first, "/api/v1/session")
    if reply is None:
        return
    client.csrf = reply.json()["csrf_token"]
    reply = client.call(
        "POST",
        client.server(),
        "/api/v1/signup",
        expect=(201,),
        json={"name": client.name, "password": PASSWORD},
    )
    if reply is None:
        return
    client.csrf = reply.json()["csrf_token"]
    # The cookie the signup's server made is good on every server.
    for url in client.urls:
        who = client.call("GET", url, "/api/v1/session")
        if who is not None and who.json()["user"] != client.name:
            client.failures.append(f"{client.name}: {url} does not know the cookie: {who.json()}")
    text = f"{GOOD} {EXAMPLES[client.index % len(EXAMPLES)]}"
    reply = client.call(
        "POST",
        client.server(),
        "/api/v1/teach",
        expect=(201,),
        json={"topic": "photosynthesis", "text": text, "level": "beginner"},
    )
    if reply is None:
        return
    taught = reply.json()
    client.explanation, client.points = int(taught["id"]), int(taught["points"])
    if not taught.get("shared"):
        client.failures.append(f"{client.name}: the explanation was not shared: {taught}")


def toggle_vote(client: Client, others: list[int]) -> None:
    target = client.rng.choice(others)
    path = f"/api/v1/community/{target}/upvote"
    voted = client.votes.get(target, False)
    reply = client.call("DELETE" if voted else "POST", client.server(), path)
    if reply is None:
        return
    body = reply.json()
    client.votes[target] = not voted
    if body.get("voted_by_me") is voted or body.get("explanation_id") != target:
        client.failures.append(f"{client.name}: vote on #{target} answered {body}")
    if not isinstance(body.get("upvotes"), int) or body["upvotes"] < int(not voted):
        client.failures.append(f"{client.name}: vote on #{target} left upvotes {body}")


def vote_again(client: Client, others: list[int]) -> None:
    """Deliberately refused: a second vote, taking back a vote never cast, voting for oneself."""
    target = client.rng.choice(others)
    path = f"/api/v1/community/{target}/upvote"
    if client.rng.random() < 0.25:
        client.refused(
            "POST", client.server(), f"/api/v1/community/{client.explanation}/upvote", 400
        )
    elif client.votes.get(target, False):
        client.refused("POST", client.server(), path, 400)
    else:
        client.refused("DELETE", client.server(), path, 400)


def play(client: Client) -> None:
    """Serve a question on one server and (mostly) answer it on the other."""
    first = client.server()
    reply = client.call("POST", first, "/api/v1/challenges/next", json={"category": "biology"})
    if reply is None:
        return
    token = reply.json()["token"]
    others = [url for url in client.urls if url != first]
    second = others[0] if others and client.rng.random() < 0.7 else first
    answer = str(client.rng.randint(1, 4))
    reply = client.call(
        "POST", second, "/api/v1/challenges/answer", json={"token": token, "answer": answer}
    )
    if reply is None:
        return
    client.answers += 1
    body = reply.json()
    if body.get("correct") and body.get("points", 0) <= 0:
        client.failures.append(f"{client.name}: a correct answer earned nothing: {body}")
    if client.rng.random() < 0.2:  # a token is answered once, whichever server is asked
        client.refused(
            "POST",
            client.server(),
            "/api/v1/challenges/answer",
            400,
            json={"token": token, "answer": answer},
        )


def look_around(client: Client) -> None:
    base = client.server()
    client.call("GET", base, "/api/v1/community?sort=new&limit=50")
    client.call("GET", base, client.rng.choice(["/teach", "/challenges", "/progress", "/library"]))


def run_operations(client: Client, others: list[int]) -> None:
    actions: list[tuple[Callable[[], None], float]] = [
        (lambda: toggle_vote(client, others), 0.45),
        (lambda: vote_again(client, others), 0.1),
        (lambda: play(client), 0.35),
        (lambda: look_around(client), 0.1),
    ]
    for _ in range(OPERATIONS):
        action = client.rng.choices([a for a, _ in actions], weights=[w for _, w in actions])[0]
        action()


def in_threads(clients: list[Client], work: Callable[[Client], None]) -> None:
    """``work`` for every client at once; an exception in a thread is a failure of its client."""

    def guarded(client: Client) -> None:
        try:
            work(client)
        except Exception as exc:  # a broken reply (no JSON, a missing key) is a failure too
            client.failures.append(f"{client.name}: {exc!r}")

    with ThreadPoolExecutor(len(clients)) as pool:
        list(pool.map(guarded, clients))


# the test -------------------------------------------------------------------------------
@pytest.fixture
def bucket(moto_url: str, aws_env: None) -> str:
    name = f"learnplat-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", endpoint_url=moto_url, region_name="us-east-1").create_bucket(Bucket=name)
    return name


def _server_env(home: Path, postgres_url: str, bucket: str, moto_url: str, key: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEARNPLAT_")}
    env.update(
        LEARNPLAT_HOME=str(home),
        LEARNPLAT_DATABASE_URL=postgres_url,
        LEARNPLAT_BLOB_STORE=f"s3://{bucket}/originals-test",
        LEARNPLAT_TOPIC_STORE=f"s3://{bucket}/topics-test",
        LEARNPLAT_SECRET_KEY=key,
        AWS_ENDPOINT_URL_S3=moto_url,
        AWS_DEFAULT_REGION="us-east-1",
        PYTHONUNBUFFERED="1",
    )
    return env


def test_two_servers_over_one_database_and_bucket_keep_every_counter_true(
    postgres_url: str, moto_url: str, bucket: str, tmp_path: Path
) -> None:
    seed = secrets.randbits(32)
    key = secrets.token_hex(32)
    envs = {
        name: _server_env(tmp_path / f"machine-{name}", postgres_url, bucket, moto_url, key)
        for name in ("a", "b")
    }
    with serving(envs, tmp_path) as servers:
        server_a, server_b = servers
        urls = [server.url for server in servers]
        run = uuid.uuid4().hex[:6]
        clients = [
            Client(i, f"learner{i}-{run}", urls, random.Random(seed + i)) for i in range(CLIENTS)
        ]

        # Everyone signs up and teaches through either server, all at once.
        in_threads(clients, sign_up_and_teach)
        failures = [f for c in clients for f in c.failures]
        assert not failures, f"seed {seed}:\n" + "\n".join(failures)

        # An original uploaded through A comes back byte for byte through B (from the
        # bucket), and only to its owner.
        owner, stranger = clients[0], clients[1]
        original = SAMPLE_MD.read_bytes() + f"\n\nRun {run}: stomata close at noon.\n".encode()
        reply = owner.call(
            "POST",
            server_a.url,
            "/api/v1/documents",
            expect=(201,),
            files={"file": ("leaf notes.md", original, "text/markdown")},
        )
        assert reply is not None, owner.failures
        added = reply.json()
        assert added["status"] == "added", added
        doc_id = added["document"]["id"]
        listed = owner.call("GET", server_b.url, "/api/v1/documents")
        assert listed is not None and doc_id in [d["id"] for d in listed.json()]
        back = owner.call("GET", server_b.url, f"/api/v1/documents/{doc_id}/original")
        assert back is not None and back.content == original
        found = owner.call("GET", server_b.url, "/api/v1/search", params={"q": "stomata"})
        assert found is not None and any(hit["doc_id"] == doc_id for hit in found.json())
        stranger.refused("GET", server_b.url, f"/api/v1/documents/{doc_id}/original", 404)
        keys = [
            item["Key"]
            for item in boto3.client("s3", endpoint_url=moto_url, region_name="us-east-1")
            .list_objects_v2(Bucket=bucket, Prefix="originals-test/")
            .get("Contents", [])
        ]
        assert keys, "the original is not in the bucket"
        assert not any((s.home / "originals").exists() for s in servers)

        # Votes, refusals and challenge rounds through either server, all at once.
        ids = {c.explanation for c in clients}
        assert len(ids) == CLIENTS and 0 not in ids
        by_client = {c.name: sorted(ids - {c.explanation}) for c in clients}
        in_threads(clients, lambda c: run_operations(c, by_client[c.name]))
        failures = [f for c in clients for f in c.failures]
        assert not failures, f"seed {seed}:\n" + "\n".join(failures)
        assert sum(c.answers for c in clients) > 0

        # The counters the servers show equal what the clients did.
        voters = {i: sum(c.votes.get(i, False) for c in clients) for i in ids}
        for client in clients:
            base = client.server()
            feed = client.call("GET", base, "/api/v1/community?sort=new&limit=100")
            stats = client.call("GET", base, "/api/v1/stats")
            assert feed is not None and stats is not None, client.failures
            items = {item["id"]: item for item in feed.json() if item["id"] in ids}
            assert set(items) == ids
            assert {i: items[i]["upvotes"] for i in ids} == voters, f"seed {seed}"
            for i in ids:
                assert items[i]["mine"] is (i == client.explanation)
                assert items[i]["voted_by_me"] is client.votes.get(i, False), (client.name, i)
            numbers = stats.json()
            assert numbers["game"]["answered"] == client.answers, client.name
            assert numbers["teach"]["upvotes_received"] == voters[client.explanation]
            assert numbers["teach"]["upvotes_given"] == sum(client.votes.values())
            assert numbers["teach"]["points"] == client.points + voters[client.explanation]
        for client in clients:
            client.http.close()

    # ...and the rows: each counter equals what it counts (the servers are stopped).
    with psycopg.connect(postgres_url) as connection:
        counters = dict(connection.execute("SELECT id, upvotes FROM explanations").fetchall())
        rows = dict(
            connection.execute(
                "SELECT explanation_id, COUNT(*) FROM user_upvotes GROUP BY explanation_id"
            ).fetchall()
        )
        received = dict(
            connection.execute("SELECT p.user_id, p.upvotes_received FROM user_points p").fetchall()
        )
        by_author = dict(
            connection.execute(
                "SELECT author_id, COUNT(*) FROM user_upvotes GROUP BY author_id"
            ).fetchall()
        )
        completed = dict(
            connection.execute(
                "SELECT user_id, challenges_completed FROM player_progress"
            ).fetchall()
        )
        attempts = dict(
            connection.execute(
                "SELECT user_id, COUNT(*) FROM challenge_attempts"
                " WHERE completed_at IS NOT NULL GROUP BY user_id"
            ).fetchall()
        )
    assert counters == {i: rows.get(i, 0) for i in counters}
    assert counters == {i: voters[i] for i in counters}
    assert {u: n for u, n in received.items() if n} == by_author
    assert completed == attempts == {c.name: c.answers for c in clients if c.answers}

    for server in servers:
        assert "Traceback" not in server.log_tail(100_000), server.log_tail()
