"""Challenges: scoring and levels, the service's clock, tokens answered once, the bank kept in
step, questions from the learner's notes checked before they are served, spaced repetition and
the leaderboards."""

from __future__ import annotations

import json
import multiprocessing
import random
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from learnplat.core import Session
from learnplat.domain.model import Citation, QuizQuestion
from learnplat.errors import BadInput, NotFound
from learnplat.services import scoring
from learnplat.services.challenge_bank import load_bank
from learnplat.services.game import Game
from learnplat.services.game_model import summarize
from learnplat.services.question_check import check_all, problem
from learnplat.store.database import open_database
from learnplat.store.game import GameStore
from learnplat.store.library import LibraryStore
from learnplat.tutors.offline import OfflineTutor
from tests.clock import Clock

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday


@pytest.fixture
def platform(any_platform: Session) -> Session:
    """The game on each backend in turn: SQLite and PostgreSQL."""
    return any_platform


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


def game_for(platform: Session, user: str, clock: Clock, seed: int = 1) -> Game:
    LibraryStore(platform.database).ensure_user(user)
    return Game(
        platform.game.store,
        platform.library,
        platform.learning.tutor,
        user,
        clock=clock,
        rng=random.Random(seed),
    )


@pytest.fixture
def ana(platform: Session, clock: Clock) -> Game:
    return game_for(platform, "ana", clock)


def correct_option(game: Game, token: str) -> str:
    attempt = game.store.attempt(token)
    assert attempt is not None
    return str(attempt.correct_answer)


def wrong_option(game: Game, token: str, options: tuple[str, ...]) -> str:
    return next(option for option in options if option != correct_option(game, token))


# scoring and levels -----------------------------------------------------------


@pytest.mark.parametrize(
    ("points", "seconds", "expected"),
    [
        (10, 0, 10),
        (10, 4.9, 10),
        (10, 5, 9),
        (10, 24.9, 6),
        (10, 29, 5),  # never below half
        (20, 44, 12),
        (30, 59, 19),
        (15, 60, 8),  # half of an odd number rounds up
    ],
)
def test_speed_points_lose_one_per_five_seconds_and_never_fall_below_half(
    points: int, seconds: float, expected: int
) -> None:
    assert scoring.speed_points(points, seconds) == expected


@pytest.mark.parametrize(
    ("streak_before", "bonus"), [(0, 0), (1, 2), (2, 4), (4, 8), (5, 10), (9, 10)]
)
def test_the_streak_bonus_grows_ten_percent_a_step_up_to_half(
    streak_before: int, bonus: int
) -> None:
    assert scoring.award(20, 0, streak_before).bonus == bonus
    assert scoring.award(20, 0, streak_before).total == 20 + bonus


def test_levels_keep_growing_each_one_a_hundred_points_dearer_than_the_last() -> None:
    assert [scoring.level_threshold(level) for level in range(1, 7)] == [
        0, 100, 300, 600, 1000, 1500,
    ]
    table = {0: 1, 99: 1, 100: 2, 299: 2, 300: 3, 999: 4, 1000: 5, 45_000: 30, 10**7: 447}
    assert {points: scoring.level_for(points) for points in table} == table
    for points in range(0, 20_000, 37):
        level = scoring.level_for(points)
        assert scoring.level_threshold(level) <= points < scoring.level_threshold(level + 1)


# serving and answering --------------------------------------------------------


def test_a_question_never_shows_its_answer_and_a_right_fast_answer_earns_full_points(
    ana: Game, clock: Clock
) -> None:
    served = ana.next(category="physics", difficulty="beginner")
    assert served.category == "physics" and served.difficulty == "beginner"
    assert len(served.options) == 4
    shown = json.dumps(served.__dict__, default=str)
    assert "correct" not in shown and "explanation" not in shown
    assert correct_option(ana, served.token) in served.options
    clock.advance(seconds=3)
    result = ana.answer(served.token, correct_option(ana, served.token))
    assert result.correct and result.outcome == "correct"
    assert result.points == served.points  # 3 s: nothing deducted, no streak yet
    assert result.time_taken_s == 3.0
    assert result.streak == 1 and result.total_points == served.points
    assert result.explanation


def test_time_is_measured_by_the_service_slow_answers_earn_less_late_ones_nothing(
    ana: Game, clock: Clock
) -> None:
    fast = ana.next(difficulty="beginner")
    clock.advance(seconds=2)
    assert ana.answer(fast.token, correct_option(ana, fast.token)).points == fast.points

    slow = ana.next(difficulty="beginner")
    clock.advance(seconds=slow.time_limit - 1)
    result = ana.answer(slow.token, correct_option(ana, slow.token))
    expected = scoring.award(slow.points, slow.time_limit - 1, 1)
    assert result.outcome == "correct"
    assert result.speed_points == expected.speed < slow.points
    assert result.points == expected.total and result.streak_bonus == expected.bonus

    late = ana.next(difficulty="beginner")
    clock.advance(seconds=late.time_limit + 0.5)
    result = ana.answer(late.token, correct_option(ana, late.token))
    assert result.outcome == "timeout" and not result.correct
    assert result.points == 0 and result.streak == 0
    assert result.best_streak == 2


def test_no_answer_before_the_time_runs_out_counts_as_wrong(ana: Game, clock: Clock) -> None:
    served = ana.next()
    clock.advance(seconds=1)
    result = ana.answer(served.token, None)
    assert result.outcome == "wrong" and result.answer is None and result.points == 0


@pytest.mark.parametrize("form", ["number", "letter", "text"])
def test_an_answer_may_be_the_options_number_letter_or_text(
    ana: Game, form: str
) -> None:
    served = ana.next(category="history")
    right = correct_option(ana, served.token)
    position = served.options.index(right)
    given = {
        "number": str(position + 1),
        "letter": "ABCD"[position],
        "text": f"  {right.upper()} ",
    }[form]
    result = ana.answer(served.token, given)
    assert result.correct and result.answer == right


def test_an_answer_that_is_no_option_is_refused_and_does_not_count(
    ana: Game, clock: Clock
) -> None:
    served = ana.next()
    for nonsense in ("5", "E", "none of these", ""):
        with pytest.raises(BadInput, match="not one of the options"):
            ana.answer(served.token, nonsense)
    assert ana.stats().answered == 0
    result = ana.answer(served.token, correct_option(ana, served.token))
    assert result.correct  # the token still stood


def test_a_token_is_answered_once_and_unknown_or_foreign_tokens_are_refused(
    platform: Session, ana: Game, clock: Clock
) -> None:
    served = ana.next()
    ana.answer(served.token, correct_option(ana, served.token))
    with pytest.raises(BadInput, match="answered already"):
        ana.answer(served.token, correct_option(ana, served.token))
    with pytest.raises(BadInput, match="unknown question token"):
        ana.answer("forged-token-123", "1")
    other = ana.next()
    bo = game_for(platform, "bo", clock)
    with pytest.raises(BadInput, match="unknown question token"):
        bo.answer(other.token, "1")
    assert ana.stats().answered == 1


def _answer_in_process(url: str, token: str, answer: str, start: Any, results: Any) -> None:
    database = open_database(url, Path())
    game = Game(GameStore(database), None, OfflineTutor(), "ana")  # type: ignore[arg-type]
    start.wait()
    try:
        result = game.answer(token, answer)
        results.put(("won", result.points))
    except BadInput as exc:
        results.put(("refused", exc.message))
    except Exception as exc:  # "database is locked" above all would be a failure
        results.put(("error", repr(exc)))
    finally:
        database.close()


def test_two_processes_answering_one_token_at_once_exactly_one_wins(
    platform: Session, ana: Game
) -> None:
    ana.sync_bank()
    path = platform.settings.database_url or f"sqlite:///{platform.database.location}"
    context = multiprocessing.get_context("spawn")
    for _round in range(3):
        served = ana.next()
        right = correct_option(ana, served.token)
        start, results = context.Barrier(2), context.Queue()
        workers = [
            context.Process(
                target=_answer_in_process, args=(path, served.token, right, start, results)
            )
            for _ in range(2)
        ]
        for worker in workers:
            worker.start()
        outcomes = sorted(results.get(timeout=60) for _ in workers)
        for worker in workers:
            worker.join(timeout=10)
        assert [kind for kind, _ in outcomes] == ["refused", "won"], outcomes
        assert "answered already" in outcomes[0][1]
    rows = ana.store.database.rows(
        "SELECT COUNT(*) AS n FROM challenge_attempts WHERE user_id = 'ana'"
        " AND completed_at IS NOT NULL"
    )
    assert rows[0]["n"] == 3
    assert ana.stats().answered == 3


def test_unknown_filters_name_the_valid_ones(ana: Game) -> None:
    with pytest.raises(BadInput, match="unknown category 'astrology'") as caught:
        ana.next(category="astrology")
    assert "biology" in (caught.value.hint or "") and "physics" in (caught.value.hint or "")
    with pytest.raises(BadInput, match="unknown difficulty 'expert'") as caught:
        ana.next(difficulty="expert")
    assert "beginner, intermediate, advanced" in (caught.value.hint or "")
    with pytest.raises(BadInput, match="no imported cards"):
        ana.next(category="cards")


def test_a_round_serves_unseen_questions_before_repeating_any(ana: Game, clock: Clock) -> None:
    pool = next(c for c in ana.categories() if c.name == "chemistry").questions["advanced"]
    seen = []
    for _ in range(pool):
        seen.append(ana.next(category="chemistry", difficulty="advanced"))
        clock.advance(seconds=1)
    assert len({q.challenge_id for q in seen}) == pool
    again = ana.next(category="chemistry", difficulty="advanced")
    assert again.challenge_id == seen[0].challenge_id  # the one seen longest ago


def test_a_round_summary_adds_up_the_answers(ana: Game, clock: Clock) -> None:
    results = []
    for n in range(5):
        served = ana.next(difficulty="beginner")
        clock.advance(seconds=2)
        given = (
            correct_option(ana, served.token)
            if n != 2
            else wrong_option(ana, served.token, served.options)
        )
        results.append(ana.answer(served.token, given))
    summary = summarize(results)
    assert (summary.answered, summary.correct, summary.timed_out) == (5, 4, 0)
    assert summary.best_streak == 2
    assert summary.points == sum(r.points for r in results) == ana.stats().points
    assert summary.average_time_s == 2.0


# the bank -------------------------------------------------------------------------


def test_the_bank_loads_once_and_a_changed_question_updates_in_place(
    platform: Session, ana: Game, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = load_bank()
    assert len(shipped) >= 300
    assert ana.sync_bank() == len(shipped)
    assert ana.sync_bank() == 0  # idempotent
    count = ana.store.database.rows("SELECT COUNT(*) AS n FROM challenges")[0]["n"]
    assert count == len(shipped)

    folder = tmp_path / "bank"
    folder.mkdir()
    first = shipped[0]
    shipped_file = Path(__file__).parents[1] / "data" / "challenges" / f"{first.category}.json"
    data = json.loads(shipped_file.read_text(encoding="utf-8"))
    data["questions"][0]["explanation"] += " (Revised.)"
    removed = data["questions"].pop()
    (folder / f"{first.category}.json").write_text(json.dumps(data))
    before = ana.store.database.rows("SELECT id FROM challenges WHERE slug = ?", (first.slug,))
    monkeypatch.setattr(
        "learnplat.services.game.load_bank", lambda: load_bank(folder)
    )
    changed = ana.sync_bank()
    assert changed >= 2  # the revised one, the removed one, and the other files' (not there)
    after = ana.store.database.rows(
        "SELECT id, explanation, active FROM challenges WHERE slug = ?", (first.slug,)
    )
    assert after[0]["id"] == before[0]["id"] and after[0]["explanation"].endswith("(Revised.)")
    retired = ana.store.database.rows(
        "SELECT active FROM challenges WHERE slug = ?", (removed["id"],)
    )
    assert retired[0]["active"] == 0
    assert ana.store.database.rows("SELECT COUNT(*) AS n FROM challenges")[0]["n"] == count


# questions from the learner's notes -------------------------------------------------

NOTES = """# Plate tectonics

## The lithosphere

The lithosphere is the rigid outer shell of the Earth, made of the crust and the uppermost
mantle. It is broken into large slabs called tectonic plates. The plates float on the
asthenosphere, a hot and slowly flowing layer of the mantle beneath them. Convection currents
in the mantle drag the plates along at a few centimetres a year. Geologists measure that
motion with satellite positioning stations bolted to bedrock.

## Where plates meet

A divergent boundary is a place where two plates move apart and new crust forms from rising
magma. The Mid-Atlantic Ridge is a divergent boundary running down the middle of the Atlantic
Ocean. A convergent boundary is a place where two plates move towards each other. When an
oceanic plate meets a continental plate, the denser oceanic plate sinks beneath it; this is
subduction, and it builds chains of volcanoes such as the Andes. A transform boundary is a
place where two plates slide past each other sideways. The San Andreas Fault in California is a
transform boundary, and the sudden slips along it cause earthquakes.

## Evidence

Alfred Wegener proposed continental drift in 1912 after noticing that the coastlines of South
America and Africa fit together like puzzle pieces. Matching fossils of the reptile
Mesosaurus are found on both continents. Seafloor spreading was confirmed when scientists found
stripes of reversed magnetism in the basalt on either side of mid-ocean ridges. The stripes are
symmetrical because new basalt records the magnetic field as it cools at the ridge. Hotspots
such as the one under Hawaii stay still while the plate moves over them, leaving a line of
islands whose age increases with distance from the hotspot.
"""


def ingest_notes(platform: Session, folder: Path) -> int:
    """Add the plate tectonics notes to ``platform``'s library; return the document's id."""
    path = folder / "tectonics.md"
    path.write_text(NOTES, encoding="utf-8")
    result = platform.library.ingest(path)
    assert result.document is not None
    return result.document.id


@pytest.fixture
def notes_doc(platform: Session, docs_dir: Path) -> int:
    return ingest_notes(platform, docs_dir)


def test_questions_from_notes_are_checked_and_cited_before_anyone_plays_them(
    platform: Session, ana: Game, notes_doc: int
) -> None:
    made = ana.question_set(notes_doc)
    assert made.kept >= 5
    assert made.candidates == made.kept + sum(made.dropped.values())
    assert 0.0 <= made.drop_rate < 1.0
    passages = {p.id: p.text for p in platform.library.passages(notes_doc)}
    rows = ana.store.database.rows(
        "SELECT question, correct_answer, options, passage_id, page FROM challenges"
        " WHERE document_id = ? AND active = 1",
        (notes_doc,),
    )
    assert len(rows) == made.kept
    for row in rows:
        options = json.loads(row["options"])
        passage = passages[row["passage_id"]].lower()
        assert row["correct_answer"] in options and len({o.lower() for o in options}) == 4
        assert row["correct_answer"].lower() in passage
        for option in options:
            if option != row["correct_answer"]:
                assert option.lower() not in row["question"].lower()
                assert option.lower() not in row["correct_answer"].lower()
    served = ana.next(doc_id=notes_doc)
    assert served.category == "notes" and served.source is not None
    assert served.source.doc_id == notes_doc
    assert served.source.label.startswith("Plate tectonics, §")
    result = ana.answer(served.token, correct_option(ana, served.token))
    assert result.correct and result.source == served.source
    assert ana.question_set(notes_doc).kept == made.kept  # made once, then read back


def test_the_checks_drop_questions_that_are_ungrounded_or_give_themselves_away() -> None:
    passage = "The mitochondrion makes ATP. Ribosomes build proteins from amino acids."
    cite = Citation(title="cells", doc_id=1, page=1, passage_id=7)

    def question(stem: str, options: tuple[str, ...], answer: str) -> QuizQuestion:
        return QuizQuestion(stem, options, answer, "why", cite, "cloze")

    good = question(
        "Fill in the blank: The _____ makes ATP.",
        ("mitochondrion", "nucleus", "vacuole", "chloroplast"),
        "mitochondrion",
    )
    assert problem(good, passage) is None
    cases = {
        "answer not in the cited passage": question(
            "Fill in the blank: The _____ makes ATP.",
            ("lysosome", "nucleus", "vacuole", "chloroplast"),
            "lysosome",
        ),
        "a distractor is in the cited passage": question(
            "Fill in the blank: The _____ makes ATP.",
            ("mitochondrion", "Ribosomes", "vacuole", "chloroplast"),
            "mitochondrion",
        ),
        "a distractor is part of the answer": question(
            "Fill in the blank: The _____ makes ATP.",
            ("mitochondrion", "mito", "vacuole", "chloroplast"),
            "mitochondrion",
        ),
        "a distractor is part of the question": question(
            "Fill in the blank: The _____ makes ATP in the vacuole.",
            ("mitochondrion", "nucleus", "vacuole", "chloroplast"),
            "mitochondrion",
        ),
        "options repeat": question(
            "Fill in the blank: The _____ makes ATP.",
            ("mitochondrion", "Nucleus", "nucleus", "chloroplast"),
            "mitochondrion",
        ),
        "the question gives the answer away": question(
            "The mitochondrion: what makes ATP?",
            ("mitochondrion", "nucleus", "vacuole", "chloroplast"),
            "mitochondrion",
        ),
        "answer not among the options": question(
            "Fill in the blank: The _____ makes ATP.",
            ("nucleus", "vacuole", "chloroplast", "golgi"),
            "mitochondrion",
        ),
    }
    for reason, bad in cases.items():
        assert problem(bad, passage) == reason
    checked = check_all([good, *cases.values(), good], {7: passage})
    assert len(checked.kept) == 1
    assert checked.dropped["repeats another question"] == 1
    assert checked.candidates == 9 and checked.drop_rate == pytest.approx(8 / 9)


def test_a_document_with_too_little_text_says_so(
    platform: Session, ana: Game, docs_dir: Path
) -> None:
    path = docs_dir / "tiny.txt"
    path.write_text("Osmosis moves water.\n", encoding="utf-8")
    result = platform.library.ingest(path)
    assert result.document is not None
    with pytest.raises(BadInput, match="too little text to make questions"):
        ana.next(doc_id=result.document.id)
    with pytest.raises(NotFound):
        ana.next(doc_id=999)


# spaced repetition -------------------------------------------------------------------


def test_a_missed_question_comes_back_sooner_than_a_known_one(ana: Game, clock: Clock) -> None:
    known = ana.next(category="biology")
    clock.advance(seconds=2)
    ana.answer(known.token, correct_option(ana, known.token))
    missed = ana.next(category="biology")
    clock.advance(seconds=2)
    result = ana.answer(missed.token, wrong_option(ana, missed.token, missed.options))
    dues = {
        row["challenge_id"]: row["due"]
        for row in ana.store.database.rows(
            "SELECT challenge_id, due FROM review_cards WHERE user_id = 'ana'"
        )
    }
    assert dues[missed.challenge_id] < dues[known.challenge_id]
    assert result.next_review == dues[missed.challenge_id]
    assert datetime.fromisoformat(dues[known.challenge_id]) - START > (
        datetime.fromisoformat(dues[missed.challenge_id]) - START
    ) * 100

    # Ten minutes on, the missed one is due: review serves it before anything new.
    clock.advance(minutes=10)
    assert ana.stats().reviews_due == 1
    again = ana.next(review_first=True)
    assert again.challenge_id == missed.challenge_id and again.mode == "review"
    ana.answer(again.token, correct_option(ana, again.token))
    fresh = ana.next(review_first=True)
    assert fresh.mode == "play" and "nothing is due" in fresh.notice


# standings ---------------------------------------------------------------------------


def play(game: Game, clock: Clock, answers: str, category: str = "physics") -> None:
    """Answer one question per letter: r right (fast), w wrong."""
    for letter in answers:
        served = game.next(category=category, difficulty="beginner")
        clock.advance(seconds=1)
        given = (
            correct_option(game, served.token)
            if letter == "r"
            else wrong_option(game, served.token, served.options)
        )
        game.answer(served.token, given)


def test_boards_rank_by_points_then_best_streak_then_who_got_there_first(
    platform: Session, clock: Clock
) -> None:
    ana, bo, cy = (
        game_for(platform, user, clock, seed) for seed, user in enumerate(("ana", "bo", "cy"))
    )
    play(ana, clock, "rwr")  # 20 points, best streak 1
    play(bo, clock, "rr")  # 10 + 11 = 21 points, best streak 2
    play(cy, clock, "wrr")  # 21 points, best streak 2, later than bo
    board = ana.leaderboard()
    assert [(row.display_name, row.points, row.best_streak) for row in board] == [
        ("bo", 21, 2), ("cy", 21, 2), ("ana", 20, 1),
    ]
    assert board[2].is_me and not board[0].is_me
    assert ana.stats().rank == 3 and bo.stats().rank == 1 and cy.stats().rank == 2

    # A category board only counts that category; the weekly board only this week.
    play(ana, clock, "rrr", category="history")
    history = ana.leaderboard(category="history")
    # ana's streak of 1 carries on into history: +10%, +20%, +30%.
    assert [(row.display_name, row.points) for row in history] == [("ana", 11 + 12 + 13)]
    clock.advance(days=7)
    play(cy, clock, "r")
    week = ana.leaderboard(period="week")
    assert [(row.display_name, row.points) for row in week] == [("cy", 12)]
    assert ana.leaderboard(period="week", category="history") == []
    with pytest.raises(BadInput, match="unknown period"):
        ana.leaderboard(period="month")
    with pytest.raises(BadInput, match="unknown category"):
        ana.leaderboard(category="astrology")


def test_levels_stats_and_progress_follow_the_points(ana: Game, clock: Clock) -> None:
    for _ in range(12):
        served = ana.next(difficulty="advanced")
        clock.advance(seconds=1)
        result = ana.answer(served.token, correct_option(ana, served.token))
    stats = ana.stats()
    assert stats.points == result.total_points > 300
    assert stats.level == scoring.level_for(stats.points) >= 3
    assert result.level == stats.level and stats.next_level_at > stats.points
    assert stats.answered == stats.correct == 12 and stats.accuracy == 1.0
    assert stats.current_streak == stats.best_streak == 12
    progress = ana.progress(days=7, ahead=14)
    assert len(progress.points_by_day) == 7
    assert progress.points_by_day[-1].day == START.date().isoformat()
    assert progress.points_by_day[-1].points == stats.points
    assert sum(day.points for day in progress.points_by_day[:-1]) == 0
    assert sum(c.answered for c in progress.accuracy) == 12
    assert len(progress.reviews_due_by_day) == 14
    assert sum(count for _day, count in progress.reviews_due_by_day) == 12



def test_two_names_for_one_thing_are_never_each_others_distractors(
    platform: Session, ana: Game
) -> None:
    sample = Path(__file__).parents[1] / "data" / "samples" / "photosynthesis.md"
    result = platform.library.ingest(sample)
    assert result.document is not None
    ana.question_set(result.document.id)
    rows = ana.store.database.rows(
        "SELECT correct_answer, options FROM challenges WHERE document_id = ?",
        (result.document.id,),
    )
    names = {"calvin cycle", "light-independent reactions"}
    asked = [row for row in rows if row["correct_answer"].lower() in names]
    assert asked  # the sample says "The Calvin cycle, also called the light-independent ..."
    for row in asked:
        other = names - {row["correct_answer"].lower()}
        assert not other & {option.lower() for option in json.loads(row["options"])}


def test_tokens_never_look_like_command_line_options(ana: Game) -> None:
    tokens = [ana.next().token for _ in range(200)]
    assert len(set(tokens)) == 200
    assert all(token.isalnum() and len(token) >= 16 for token in tokens)
