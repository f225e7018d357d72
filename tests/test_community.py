"""Teach Back's community: points for grades, one upvote per person, the feed, the leaderboard,
and counters that stay true while several processes vote at once."""

from __future__ import annotations

import multiprocessing
import random
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from learnplat.domain.model import Grade, GradeComponent, KeyIdea
from learnplat.errors import BadInput, NotFound, StoreError
from learnplat.services.community import Community, similarity
from learnplat.store.community import CommunityStore
from learnplat.store.database import Database, SqliteDatabase, open_database
from learnplat.store.library import LibraryStore
from tests.clock import Clock

USERS = ("ana", "bo", "cy", "di")
PHOTOSYNTHESIS = (
    "Photosynthesis is how plants make their own food. Chlorophyll in the leaves absorbs "
    "sunlight, and the plant uses that energy to turn carbon dioxide from the air and water "
    "from the soil into glucose. Oxygen is released as a by-product, which is why forests "
    "matter for the air we breathe."
)
PHOTOSYNTHESIS_TWEAKED = PHOTOSYNTHESIS.replace("make their own food", "make their food").replace(
    "which is why", "that is why"
)
PHOTOSYNTHESIS_REWRITTEN = (
    "Think of a leaf as a solar-powered kitchen. Its green pigment catches light; with that "
    "energy the leaf combines CO2 and water into sugar, storing the energy in chemical bonds, "
    "and lets oxygen out through tiny pores called stomata."
)


def make_grade(score: int) -> Grade:
    return Grade(
        score=score,
        components=(GradeComponent("coverage", score / 10, 0.5, "covered most key ideas"),),
        covered=("light is captured by chlorophyll",),
        missed=(KeyIdea("the Calvin cycle fixes carbon", ("calvin", "carbon fixation")),),
        feedback=("Clear and concrete.",),
        suggestion="Say where the glucose goes next.",
        reading_grade=7.5,
        has_example=True,
    )


@pytest.fixture
def database(database_url: str, tmp_path: Path) -> Iterator[Database]:
    """The community's database on each backend in turn."""
    database = open_database(database_url or f"sqlite:///{tmp_path / 'community.db'}", tmp_path)
    users = LibraryStore(database)
    for user in USERS:
        users.ensure_user(user)
    yield database
    database.close()


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2025, 3, 1, 9, 0, tzinfo=UTC))


@pytest.fixture
def store(database: Database) -> CommunityStore:
    return CommunityStore(database)


@pytest.fixture
def people(store: CommunityStore, clock: Clock) -> dict[str, Community]:
    return {user: Community(store, user, clock=clock) for user in USERS}


def teach(community: Community, score: int, text: str = PHOTOSYNTHESIS, **kwargs: Any) -> int:
    """Submit and grade an explanation; return its id."""
    options = {"topic": "Photosynthesis", "topic_id": "photosynthesis", "level": "beginner"}
    options.update(kwargs)
    submission = community.submit(options["topic"], options["topic_id"], options["level"], text)
    return community.record_grade(submission.id, make_grade(score)).id


def sql(database: Database, statement: str, params: tuple = ()) -> list[tuple]:
    """Run one statement in its own transaction; its rows as tuples."""
    with database.atomic() as conn:
        return [tuple(row) for row in conn.execute(statement, params).fetchall()]


def counters(database: Database, explanation_id: int) -> tuple[int, int]:
    """(the explanation's upvotes counter, its vote rows)."""
    ((upvotes,),) = sql(
        database, "SELECT upvotes FROM explanations WHERE id = ?", (explanation_id,)
    )
    ((rows,),) = sql(
        database, "SELECT COUNT(*) FROM user_upvotes WHERE explanation_id = ?", (explanation_id,)
    )
    return upvotes, rows


# submitting and grading ---------------------------------------------------


def test_an_explanation_is_saved_as_pending_before_grading_and_survives_a_failed_grading(
    store: CommunityStore, people: dict[str, Community], clock: Clock
) -> None:
    ana = people["ana"]
    submission = ana.submit("Photosynthesis", None, "beginner", PHOTOSYNTHESIS)
    assert (submission.status, submission.score, submission.points) == ("pending", None, None)
    assert submission.topic_id == "photosynthesis"  # normalised from the topic
    # grading failed (the process died): a new session still finds it, and can grade it later
    later = Community(store, "ana", clock=clock)
    assert [pending.id for pending in later.pending()] == [submission.id]
    assert later.get(submission.id).transcript == PHOTOSYNTHESIS
    assert people["bo"].feed() == []  # not shared until graded
    graded = later.record_grade(submission.id, make_grade(7))
    assert graded.status == "graded" and later.pending() == []


def test_grading_awards_the_score_as_knowledge_points_and_keeps_the_grade(
    people: dict[str, Community],
) -> None:
    ana = people["ana"]
    submission = ana.submit("Photosynthesis", "photosynthesis", "beginner", PHOTOSYNTHESIS)
    graded = ana.record_grade(submission.id, make_grade(7))
    assert (graded.score, graded.points) == (7, 7)
    assert "7 knowledge points" in graded.points_reason
    assert graded.grade == make_grade(7)  # components, missed ideas and feedback round-trip
    assert graded.shared
    # Below a pass it stays private and earns nothing, with the reason said.
    second = ana.get(teach(ana, 4, PHOTOSYNTHESIS_REWRITTEN, level="advanced"))
    assert (second.points, second.shared) == (0, False)
    assert "not shared: 4/10 is below 5" in second.points_reason
    assert [item.id for item in people["bo"].feed()] == [graded.id]
    with pytest.raises(BadInput, match="private"):
        people["bo"].upvote(second.id)
    stats = ana.stats()
    assert (stats.points, stats.explanations, stats.average_score) == (7, 2, 5.5)


def test_a_near_duplicate_resubmission_earns_no_points_and_says_why(
    people: dict[str, Community],
) -> None:
    ana, bo = people["ana"], people["bo"]
    first = teach(ana, 8)
    assert similarity(PHOTOSYNTHESIS, PHOTOSYNTHESIS_TWEAKED) >= 0.8
    again = ana.get(teach(ana, 9, PHOTOSYNTHESIS_TWEAKED, level="intermediate"))
    assert again.points == 0 and again.score == 9
    assert f"#{first}" in again.points_reason and again.points_reason.startswith("no points")
    assert ana.stats().points == 8 and ana.stats().explanations == 2
    # really explaining it again, the same words on another topic, or someone else's words: points
    assert similarity(PHOTOSYNTHESIS, PHOTOSYNTHESIS_REWRITTEN) < 0.8
    assert ana.get(teach(ana, 6, PHOTOSYNTHESIS_REWRITTEN)).points == 6
    assert ana.get(teach(ana, 5, topic="Plants", topic_id="plants")).points == 5
    assert bo.get(teach(bo, 7)).points == 7
    assert ana.stats().points == 8 + 6 + 5


def test_grading_is_refused_twice_for_someone_elses_and_out_of_range(
    people: dict[str, Community],
) -> None:
    ana, bo = people["ana"], people["bo"]
    graded = teach(ana, 7)
    with pytest.raises(BadInput, match=f"#{graded} is already graded"):
        ana.record_grade(graded, make_grade(9))
    pending = ana.submit("Photosynthesis", None, "beginner", PHOTOSYNTHESIS_REWRITTEN).id
    with pytest.raises(NotFound, match=f"you have no explanation #{pending}"):
        bo.record_grade(pending, make_grade(9))
    with pytest.raises(NotFound):
        ana.record_grade(999, make_grade(9))
    with pytest.raises(BadInput, match="0 to 10"):
        ana.record_grade(pending, make_grade(11))
    assert ana.stats().points == 7 and ana.get(pending).status == "pending"


@pytest.mark.parametrize(
    ("topic", "level", "transcript", "message"),
    [
        ("", "beginner", PHOTOSYNTHESIS, "topic is empty"),
        ("Photosynthesis", "expert", PHOTOSYNTHESIS, "unknown level"),
        ("Photosynthesis", "beginner", "  \n ", "explanation is empty"),
        ("Photosynthesis", "beginner", "word " * 20_000, "the limit is"),
        ("\x1b[2J\u202e", "beginner", PHOTOSYNTHESIS, "topic is empty"),
        ("Photosynthesis", "beginner", "\x1b]52;c;eA==\x07\x1b[2J\x00", "explanation is empty"),
    ],
)
def test_submit_refuses_what_cannot_be_graded(
    people: dict[str, Community], topic: str, level: str, transcript: str, message: str
) -> None:
    with pytest.raises(BadInput, match=message):
        people["ana"].submit(topic, None, level, transcript)
    assert people["ana"].pending() == []


def test_terminal_controls_never_reach_the_store_or_another_reader(
    people: dict[str, Community], database: Database
) -> None:
    hostile = (
        "Photosynthesis \x1b]52;c;cm0gLXJmIH4=\x07makes sugar\x1b[2J from light\u202e,\r\n"
        "[/x] a:b:c \x1b]8;;http://evil.example/\x1b\\stays\x1b]8;;\x1b\\ readable\x9b2J."
    )
    submission = people["ana"].submit("Photo\x1b[31msynthesis\n", None, "beginner", hostile)
    expected = "Photosynthesis makes sugar from light,\n[/x] a:b:c stays readable."
    assert (submission.topic, submission.transcript) == ("Photosynthesis", expected)
    assert submission.topic_id == "photosynthesis"
    people["ana"].record_grade(submission.id, make_grade(7))
    (item,) = people["bo"].feed()
    assert (item.topic, item.excerpt) == ("Photosynthesis", " ".join(expected.split()))
    (stored,) = sql(database, "SELECT topic, transcript FROM explanations")
    assert stored == ("Photosynthesis", expected)


# upvotes --------------------------------------------------------------------


def test_an_upvote_moves_every_counter_by_one_and_a_retraction_moves_them_back(
    database: Database, people: dict[str, Community]
) -> None:
    ana, bo, cy = people["ana"], people["bo"], people["cy"]
    explanation = teach(ana, 6)
    assert bo.upvote(explanation).upvotes == 1
    assert cy.upvote(explanation).upvotes == 2
    assert counters(database, explanation) == (2, 2)
    author = ana.stats()
    assert (author.points, author.upvotes_received, author.upvotes_given) == (8, 2, 0)
    assert (bo.stats().upvotes_given, bo.stats().points) == (1, 0)
    result = bo.unvote(explanation)
    assert (result.upvotes, result.voted_by_me) == (1, False)
    assert counters(database, explanation) == (1, 1)
    assert (ana.stats().points, ana.stats().upvotes_received) == (7, 1)
    assert bo.stats().upvotes_given == 0
    assert bo.upvote(explanation).upvotes == 2  # a retracted vote can be cast again


def test_the_upvote_rules_refuse_clearly_and_change_nothing(
    database: Database, people: dict[str, Community]
) -> None:
    ana, bo = people["ana"], people["bo"]
    explanation = teach(ana, 6)
    pending = ana.submit("Photosynthesis", None, "beginner", PHOTOSYNTHESIS_REWRITTEN).id
    bo.upvote(explanation)
    with pytest.raises(BadInput, match=f"you already upvoted #{explanation}"):
        bo.upvote(explanation)
    with pytest.raises(BadInput, match=f"#{explanation} is your own explanation"):
        ana.upvote(explanation)
    with pytest.raises(BadInput, match=f"#{pending} is not graded yet"):
        bo.upvote(pending)
    with pytest.raises(NotFound, match="no explanation #404"):
        bo.upvote(404)
    with pytest.raises(NotFound, match="no explanation #404"):
        bo.unvote(404)
    with pytest.raises(BadInput, match=f"you have not upvoted #{explanation}"):
        people["cy"].unvote(explanation)
    assert counters(database, explanation) == (1, 1)
    assert counters(database, pending) == (0, 0)
    assert (ana.stats().points, bo.stats().upvotes_given, people["cy"].stats().upvotes_given) == (
        7,
        1,
        0,
    )


def test_a_duplicate_vote_is_refused_by_the_unique_constraint_itself(
    database: Database, people: dict[str, Community]
) -> None:
    explanation = teach(people["ana"], 6)
    people["bo"].upvote(explanation)
    with pytest.raises(Exception) as caught:  # the driver's, whichever it is
        sql(
            database,
            "INSERT INTO user_upvotes (user_id, explanation_id, author_id, created_at)"
            " VALUES ('bo', ?, 'ana', 'now')",
            (explanation,),
        )
    assert database.is_unique_violation(caught.value)
    assert counters(database, explanation) == (1, 1)


# the feed -------------------------------------------------------------------


def test_the_feed_sorts_filters_pages_and_shows_display_names(
    database: Database, people: dict[str, Community], clock: Clock
) -> None:
    sql(database, "UPDATE users SET display_name = 'Ana Lima' WHERE id = 'ana'")
    sql(database, "UPDATE users SET display_name = 'Bo Chen' WHERE id = 'bo'")
    ana, bo, cy, di = (people[user] for user in USERS)
    old = teach(ana, 6)
    clock.advance(hours=1)
    middle = teach(bo, 8, PHOTOSYNTHESIS_REWRITTEN, level="advanced")
    clock.advance(hours=1)
    new = teach(
        ana,
        5,
        "Entropy measures how many ways a system can be arranged. " * 5,
        topic="Entropy",
        topic_id="entropy",
        level="advanced",
    )
    ana.submit("Entropy", "entropy", "beginner", "still waiting for its grade")
    for voter in (bo, cy, di):
        voter.upvote(old)
    cy.upvote(middle)

    top = cy.feed()
    assert [item.id for item in top] == [old, middle, new]
    assert [item.author for item in top] == ["Ana Lima", "Bo Chen", "Ana Lima"]
    assert [item.upvotes for item in top] == [3, 1, 0]
    assert [item.voted_by_me for item in top] == [True, True, False]
    assert not any(item.mine for item in top)
    assert [item.mine for item in ana.feed()] == [True, False, True]
    assert [item.id for item in cy.feed(sort="new")] == [new, middle, old]
    assert [item.id for item in cy.feed(topic="photosynthesis")] == [old, middle]
    assert [item.id for item in cy.feed(topic="  The Photosynthesis ")] == [old, middle]
    assert [item.id for item in cy.feed(level="advanced")] == [middle, new]
    assert [item.id for item in cy.feed(topic="entropy", level="advanced")] == [new]
    assert cy.feed(topic="entropy", level="beginner") == []
    assert [item.id for item in cy.feed(limit=1, offset=1)] == [middle]
    entropy = cy.feed(topic="entropy")[0]
    assert entropy.excerpt.endswith("…") and len(entropy.excerpt) <= 161
    assert (entropy.score, entropy.level, entropy.topic) == (5, "advanced", "Entropy")
    assert top[0].created_at < top[1].created_at < top[2].created_at  # ISO text, UTC
    for bad in (
        {"sort": "best"},
        {"level": "expert"},
        {"limit": 0},
        {"limit": 101},
        {"offset": -1},
    ):
        with pytest.raises(BadInput):
            cy.feed(**bad)


# points, ranks and the leaderboard ------------------------------------------


def test_the_leaderboard_breaks_ties_by_who_reached_the_points_first(
    database: Database, people: dict[str, Community], clock: Clock
) -> None:
    sql(database, "UPDATE users SET display_name = 'Di Okafor' WHERE id = 'di'")
    ana, bo, cy, di = (people[user] for user in USERS)
    first = teach(ana, 6)
    clock.advance(minutes=5)
    second = teach(bo, 6)
    clock.advance(minutes=5)
    teach(cy, 5)
    board = di.leaderboard()
    assert [(row.rank, row.display_name, row.points) for row in board] == [
        (1, "ana", 6),
        (2, "bo", 6),
        (3, "cy", 5),
    ]
    clock.advance(minutes=5)
    di.upvote(second)  # bo reaches 7 first
    clock.advance(minutes=5)
    di.upvote(first)  # ana reaches 7 later
    board = cy.leaderboard()
    assert [(row.display_name, row.points, row.upvotes_received) for row in board] == [
        ("bo", 7, 1),
        ("ana", 7, 1),
        ("cy", 5, 0),
    ]
    assert [row.is_me for row in board] == [False, False, True]
    assert [row.display_name for row in cy.leaderboard(limit=2)] == ["bo", "ana"]
    assert (ana.stats().rank, bo.stats().rank, cy.stats().rank, di.stats().rank) == (2, 1, 3, None)
    assert cy.stats("bo").points == 7 and cy.stats("di").display_name == "Di Okafor"
    with pytest.raises(NotFound, match="no profile named 'zed'"):
        cy.stats("zed")
    with pytest.raises(BadInput, match="unknown period"):
        cy.leaderboard("month")


def test_the_weekly_board_counts_only_points_earned_since_monday(
    people: dict[str, Community], clock: Clock
) -> None:
    ana, bo, cy, di = (people[user] for user in USERS)
    ana_old = teach(ana, 9)  # Saturday 1 March
    cy.upvote(ana_old)
    clock.advance(days=10)  # Tuesday 11 March: a new week
    teach(bo, 5)
    di.upvote(ana_old)  # an old explanation upvoted this week counts this week
    clock.advance(days=1)
    all_time = [(row.display_name, row.points, row.explanations) for row in cy.leaderboard()]
    assert all_time == [("ana", 11, 1), ("bo", 5, 1)]
    week = cy.leaderboard("week")
    assert [
        (row.display_name, row.points, row.explanations, row.upvotes_received) for row in week
    ] == [("bo", 5, 1, 0), ("ana", 1, 0, 1)]
    cy.unvote(ana_old)  # cast in an earlier week: this week's board does not move
    assert [(row.display_name, row.points) for row in cy.leaderboard("week")] == [
        ("bo", 5),
        ("ana", 1),
    ]
    assert cy.leaderboard()[0].points == 10
    clock.now = datetime(2025, 3, 16, 23, 59, 59, tzinfo=UTC)  # Sunday night, same week
    cy.upvote(teach(di, 5, PHOTOSYNTHESIS_REWRITTEN))
    assert [row.display_name for row in cy.leaderboard("week")] == ["di", "bo", "ana"]
    clock.advance(seconds=1)  # Monday 00:00 UTC: the week starts empty
    assert cy.leaderboard("week") == []
    assert [row.display_name for row in cy.leaderboard("all")] == ["ana", "di", "bo"]


WEEKLY = (
    "SELECT user_id, week_start, points, explanations_count, upvotes_received"
    " FROM user_points_weekly ORDER BY user_id, week_start"
)
ALL_TIME = (
    "SELECT user_id, total_points, explanations_count, upvotes_given, upvotes_received"
    " FROM user_points ORDER BY user_id"
)


def test_rebuilding_the_counters_from_the_rows_changes_nothing(
    database: Database, store: CommunityStore, people: dict[str, Community], clock: Clock
) -> None:
    ana, bo, cy, di = (people[user] for user in USERS)
    ids = [teach(ana, 7), teach(bo, 5)]
    clock.advance(days=8)
    ids += [teach(cy, 9), teach(ana, 2, PHOTOSYNTHESIS_TWEAKED)]
    for voter, explanation in ((bo, ids[0]), (cy, ids[0]), (di, ids[1]), (ana, ids[2])):
        voter.upvote(explanation)
    clock.advance(days=8)
    cy.unvote(ids[0])
    before = [sql(database, query) for query in (ALL_TIME, WEEKLY)]
    upvotes_before = sql(database, "SELECT id, upvotes FROM explanations ORDER BY id")
    assert len({row[1] for row in before[1]}) == 2  # two weeks have points
    store.rebuild_counters()
    assert [sql(database, query) for query in (ALL_TIME, WEEKLY)] == before
    assert sql(database, "SELECT id, upvotes FROM explanations ORDER BY id") == upvotes_before


def test_deleting_a_profile_removes_its_explanations_and_their_votes(
    database: Database, people: dict[str, Community]
) -> None:
    explanation = teach(people["ana"], 6)
    people["bo"].upvote(explanation)
    with database.atomic() as conn:
        conn.execute("DELETE FROM users WHERE id = 'ana'")
    assert sql(database, "SELECT COUNT(*) FROM explanations") == [(0,)]
    assert sql(database, "SELECT COUNT(*) FROM user_upvotes") == [(0,)]


def test_the_platform_database_has_the_community_tables(platform: Any) -> None:
    tables = set(platform.database.db.table_names())
    assert {"explanations", "user_points", "user_upvotes"} <= tables


# a busy database --------------------------------------------------------------
# SQLite's write lock: another process holding it past the busy timeout.
only_sqlite = pytest.mark.parametrize("database_url", [""], ids=["sqlite"])


@only_sqlite
def test_a_write_outlasts_a_lock_held_past_the_busy_timeout(
    database: Database, store: CommunityStore, people: dict[str, Community]
) -> None:
    explanation = teach(people["ana"], 6)
    database.conn.execute("PRAGMA busy_timeout = 1")
    holder = sqlite3.connect(database.path, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")  # another process is writing
    release = threading.Timer(0.15, holder.rollback)
    release.start()
    try:
        assert people["bo"].upvote(explanation).upvotes == 1
    finally:
        release.join()
        holder.close()
    assert store.retries > 0
    assert counters(database, explanation) == (1, 1)


@only_sqlite
def test_a_lock_that_never_goes_away_is_a_clear_error_and_writes_nothing(
    database: Database, people: dict[str, Community], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("learnplat.store.writes.BACKOFF_S", 0.001)
    explanation = teach(people["ana"], 6)
    database.conn.execute("PRAGMA busy_timeout = 1")
    holder = sqlite3.connect(database.path)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreError, match="the database stayed busy"):
            people["bo"].upvote(explanation)
    finally:
        holder.rollback()
        holder.close()
    assert counters(database, explanation) == (0, 0)
    assert people["bo"].stats().upvotes_given == 0


# many processes at once -----------------------------------------------------

STRESS_PROCESSES = 8
STRESS_OPERATIONS = 2_000
STRESS_USERS = [f"learner{n:02d}" for n in range(20)]


def _stress_worker(
    db_path: str,
    busy_timeout_ms: int | None,
    explanation_ids: list[int],
    seed: int,
    operations: int,
    start: Any,
    results: Any,
) -> None:
    """Upvote and retract at random as random users; report what succeeded and what failed."""
    database = SqliteDatabase(Path(db_path))
    if busy_timeout_ms is not None:
        database.conn.execute(f"PRAGMA busy_timeout = {busy_timeout_ms}")
    store = CommunityStore(database)
    people = {user: Community(store, user) for user in STRESS_USERS}
    rng = random.Random(seed)
    done: list[tuple[str, int, int]] = []
    refused: Counter[str] = Counter()
    errors: list[str] = []
    start.wait()
    for _ in range(operations):
        user, explanation = rng.choice(STRESS_USERS), rng.choice(explanation_ids)
        upvote = rng.random() < 0.6
        try:
            if upvote:
                people[user].upvote(explanation)
            else:
                people[user].unvote(explanation)
            done.append((user, explanation, 1 if upvote else -1))
        except NotFound as exc:
            errors.append(f"NotFound: {exc}")
        except BadInput as exc:
            refused[str(exc).split("#")[0]] += 1
        except Exception as exc:  # anything else, "database is locked" above all, is a failure
            errors.append(f"{type(exc).__name__}: {exc}")
    database.close()
    results.put({"done": done, "refused": refused, "errors": errors, "retries": store.retries})


@pytest.mark.parametrize(
    "busy_timeout_ms",
    # The 5 s busy timeout alone absorbs most contention; at 1 ms the store's retries must.
    [None, 1],
    ids=["busy-timeout-5s", "busy-timeout-1ms-retries"],
)
def test_eight_processes_voting_at_once_lose_nothing_and_never_see_a_locked_database(
    tmp_path: Path, busy_timeout_ms: int | None
) -> None:
    path = tmp_path / "stress.db"
    database = SqliteDatabase(path)
    users = LibraryStore(database)
    for user in STRESS_USERS:
        users.ensure_user(user)
    store = CommunityStore(database)
    scores: dict[int, tuple[str, int]] = {}
    for n in range(10):
        author = STRESS_USERS[n % 5]
        community = Community(store, author)
        text = f"Explanation number {n}: " + " ".join(f"idea{n}x{k}" for k in range(30))
        submission = community.submit(f"Topic {n}", None, "beginner", text)
        community.record_grade(submission.id, make_grade(n % 6 + 5))
        scores[submission.id] = (author, n % 6 + 5)
    database.close()

    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(STRESS_PROCESSES), context.Queue()
    per_process = STRESS_OPERATIONS // STRESS_PROCESSES
    workers = [
        context.Process(
            target=_stress_worker,
            args=(str(path), busy_timeout_ms, list(scores), seed, per_process, start, results),
        )
        for seed in range(STRESS_PROCESSES)
    ]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    reports = [results.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join(timeout=10)
    elapsed = time.perf_counter() - started

    errors = [error for report in reports for error in report["errors"]]
    assert errors == []
    net: Counter[tuple[str, int]] = Counter()
    for report in reports:
        for user, explanation, delta in report["done"]:
            net[(user, explanation)] += delta
    assert set(net.values()) <= {0, 1}  # a vote was never cast twice nor retracted twice
    succeeded = sum(len(report["done"]) for report in reports)
    refused: Counter[str] = sum((report["refused"] for report in reports), Counter())
    assert succeeded + refused.total() == per_process * STRESS_PROCESSES
    assert succeeded > STRESS_OPERATIONS // 3  # the test really voted

    database = SqliteDatabase(path)
    try:
        conn = database.conn
        standing = {
            tuple(row) for row in conn.execute("SELECT user_id, explanation_id FROM user_upvotes")
        }
        assert standing == {pair for pair, votes in net.items() if votes == 1}
        votes_for = Counter(explanation for _, explanation in standing)
        for explanation_id, (author, _) in scores.items():
            upvotes, rows = counters(database, explanation_id)
            assert upvotes == rows == votes_for[explanation_id]
            assert (author, explanation_id) not in standing
        for user in STRESS_USERS:
            row = conn.execute(
                "SELECT total_points, upvotes_received, upvotes_given FROM user_points"
                " WHERE user_id = ?",
                (user,),
            ).fetchone() or (0, 0, 0)
            received = sum(votes_for[e] for e, (author, _) in scores.items() if author == user)
            score_points = sum(score for author, score in scores.values() if author == user)
            given = sum(1 for voter, _ in standing if voter == user)
            assert tuple(row) == (score_points + received, received, given), user
            weekly = conn.execute(
                "SELECT COALESCE(SUM(points), 0), COALESCE(SUM(upvotes_received), 0)"
                " FROM user_points_weekly WHERE user_id = ?",
                (user,),
            ).fetchone()
            assert tuple(weekly) == (score_points + received, received), user
    finally:
        database.close()
    retries = sum(report["retries"] for report in reports)
    print(
        f"\nstress ({busy_timeout_ms or 5000} ms busy timeout): {succeeded} votes and retractions"
        f" applied, {refused.total()} refused by the rules, {retries} busy retries,"
        f" {elapsed:.1f} s"
    )
    if busy_timeout_ms == 1:
        assert retries > 0  # the retry path really ran
    assert elapsed < 40
