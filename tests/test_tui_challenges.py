"""The Challenges tab driven with Pilot over a real Session in a temporary data dir, with the
game's clock in the test's hands: the countdown reads it, and the test advances it and ticks."""

from __future__ import annotations

import random
import threading
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Select, Static, TabbedContent
from textual.worker import Worker, WorkerCancelled

from learnplat.app import LearnplatApp
from learnplat.core import Session
from learnplat.screens.challenges import ChallengesPane
from learnplat.screens.widgets.challenge_card import OptionRow, QuestionCard
from learnplat.screens.widgets.challenge_countdown import Countdown
from learnplat.screens.widgets.challenge_lobby import GameBoard, ReportView, StatusLine
from learnplat.services.game import Game
from learnplat.services.game_model import AnswerResult, ServedQuestion
from tests.clock import Clock
from tests.test_game import correct_option, game_for
from tests.test_tui import RecordingApp, quiet, run, still_app, write_notes

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "samples" / "photosynthesis.md"


@pytest.fixture
def clock(platform: Session) -> Clock:
    """The game's clock, frozen until the test moves it; the questions drawn in a fixed order."""
    moved = Clock(START)
    platform.game.clock = moved
    platform.game.rng = random.Random(0)
    return moved


def _workers(app: LearnplatApp, prefixes: tuple[str, ...]) -> list[Worker]:
    return [worker for worker in app.workers if worker.group.startswith(prefixes)]


async def settle(pilot: Pilot, prefixes: tuple[str, ...] = ("challenges-",)) -> None:
    """Wait until no worker of the tab runs and every message their results posted was handled."""
    for _ in range(20):
        # A newer load cancels an exclusive worker: that one never completes, and need not.
        with suppress(WorkerCancelled):
            await pilot.app.workers.wait_for_complete(_workers(pilot.app, prefixes))
        await pilot.pause()
        if not any(worker.is_running for worker in _workers(pilot.app, prefixes)):
            await pilot.pause()
            return


async def open_challenges(pilot: Pilot) -> ChallengesPane:
    await pilot.press("f3")
    await settle(pilot)
    pane = pilot.app.query_one(ChallengesPane)
    assert pilot.app.query_one(TabbedContent).active == "challenges"
    return pane


async def pick(pilot: Pilot, selector: str, value: object) -> None:
    pilot.app.query_one(selector, Select).value = value
    await settle(pilot)


async def play(pilot: Pilot) -> ChallengesPane:
    await pilot.press("ctrl+n")
    await settle(pilot)
    pane = pilot.app.query_one(ChallengesPane)
    assert pane.phase == "question" and pane.served is not None
    assert isinstance(pilot.app.focused, QuestionCard)
    return pane


def right_index(game: Game, pane: ChallengesPane) -> int:
    assert pane.served is not None
    return pane.served.options.index(correct_option(game, pane.served.token))


def wrong_index(game: Game, pane: ChallengesPane) -> int:
    return (right_index(game, pane) + 1) % 4


def feedback(app: LearnplatApp) -> str:
    return str(app.query_one("#challenges-feedback", Static).render())


def report(app: LearnplatApp) -> str:
    return str(app.query_one("#challenges-report-text", Static).render())


def board_rows(app: LearnplatApp) -> list[list[str]]:
    board = app.query_one(GameBoard)
    return [[str(cell) for cell in board.get_row_at(i)] for i in range(board.row_count)]


def option_keys(app: LearnplatApp) -> list[str]:
    return [str(row.query_one(".challenges-option-key", Static).render()).strip()
            for row in app.query(OptionRow)]


def last(pane: ChallengesPane) -> AnswerResult:
    return pane.answered[-1][1]


# a round --------------------------------------------------------------------------
def test_a_full_round_by_keys_and_mouse_with_a_time_up_ends_in_the_summary_and_the_board(
    platform: Session, clock: Clock
) -> None:
    game = platform.game

    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        pane = await open_challenges(pilot)
        # The first picker: enter opens it; only ctrl+n or Play starts a round.
        assert app.focused is app.query_one("#challenges-mode", Select)
        assert report(app).startswith("Pick the questions above")
        await pick(pilot, "#challenges-size", 5)
        await pick(pilot, "#challenges-category", "biology")
        pane = await play(pilot)
        served = pane.served
        assert served is not None and served.category == "biology"
        card = app.query_one(QuestionCard)
        assert str(card.border_title).startswith("Question 1 of 5 · Biology · ")
        assert [str(row.query_one(".challenges-option-text", Static).render())
                for row in app.query(OptionRow)] == list(served.options)
        assert all(app.query_one(selector).disabled for selector in
                   ("#challenges-mode", "#challenges-category", "#challenges-play"))
        countdown = app.query_one(Countdown)
        assert countdown.seconds_left == served.time_limit

        # 1: right, by number, in 2 s: full points, the countdown stopped where it was.
        clock.advance(seconds=2)
        countdown.tick()
        assert countdown.seconds_left == served.time_limit - 2
        assert f"{served.time_limit - 2}s █" in str(countdown.render())
        await pilot.press(str(right_index(game, pane) + 1))
        await settle(pilot)
        first = last(pane)
        assert pane.phase == "feedback" and first.correct
        assert first.points == first.speed_points == served.points and first.streak_bonus == 0
        assert not countdown.running
        shown = feedback(app)
        assert f"✓ Right! +{served.points} points" in shown
        assert f"{served.points} for speed (2.0 s of {served.time_limit} s)" in shown
        assert f"Answer: {first.correct_answer}" in shown
        assert first.explanation[:40] in shown
        assert "Enter: question 2 of 5" in shown
        assert "✓" in option_keys(app)[right_index(game, pane)]
        status = str(app.query_one(StatusLine).render())
        assert "Streak 1 · Level 1" in status and f"{first.total_points}/100 points" in status

        # 2: right, by letter, in 6 s: a point off for speed, 10% streak bonus.
        await pilot.press("enter")
        await settle(pilot)
        assert pane.phase == "question" and str(card.border_title).startswith("Question 2 of 5")
        assert pane.served is not None
        worth = pane.served.points
        clock.advance(seconds=6)
        await pilot.press("abcd"[right_index(game, pane)])
        await settle(pilot)
        second = last(pane)
        assert second.correct and second.speed_points == worth - 1
        assert second.streak == 2 and second.streak_bonus == round((worth - 1) * 0.1) > 0
        assert second.points == second.speed_points + second.streak_bonus
        assert (
            f"+{second.points} points · {worth - 1} for speed (6.0 s of "
            f"{second.time_limit} s) + {second.streak_bonus} streak bonus · streak 2"
        ) in feedback(app)

        # 3: wrong: no points, the streak back to 0, the right answer shown.
        await pilot.press("enter")
        await settle(pilot)
        wrong = wrong_index(game, pane)
        assert pane.served is not None
        chosen = pane.served.options[wrong]
        clock.advance(seconds=3)
        await pilot.press(str(wrong + 1))
        await settle(pilot)
        third = last(pane)
        assert third.outcome == "wrong" and third.points == 0 and third.streak == 0
        assert f"✗ Wrong · You chose {chosen} (3.0 s of " in feedback(app)
        assert "no points, streak back to 0" in feedback(app)
        assert "✗" in option_keys(app)[wrong] and "✓" in option_keys(app)[right_index(game, pane)]
        assert "Streak 0" in str(app.query_one(StatusLine).render())

        # 4: the countdown reaches 0: no answer is sent, and it is time's up.
        await pilot.press("enter")
        await settle(pilot)
        assert pane.served is not None
        limit = pane.served.time_limit
        clock.advance(seconds=limit - 1)
        countdown.tick()
        await settle(pilot)
        assert pane.phase == "question" and countdown.seconds_left == 1
        clock.advance(seconds=1.5)
        countdown.tick()
        await settle(pilot)
        fourth = last(pane)
        assert pane.phase == "feedback" and fourth.outcome == "timeout" and fourth.answer is None
        assert f"⏱ Time's up · No answer in {limit} s · no points" in feedback(app)
        await pilot.press("1")  # too late: nothing more is sent
        await settle(pilot)
        assert len(pane.answered) == 4

        # 5: a click on the right option.
        await pilot.press("enter")
        await settle(pilot)
        clock.advance(seconds=1)
        await pilot.click(f"#challenges-option-{right_index(game, pane) + 1}")
        await settle(pilot)
        fifth = last(pane)
        assert fifth.correct and "Enter: the round's summary" in feedback(app)

        # The summary, then the board with the learner on it.
        await pilot.press("enter")
        await settle(pilot)
        assert pane.phase == "lobby" and app.query_one(ReportView).what == "summary"
        total = sum(result.points for _title, result in pane.answered)
        summary = report(app)
        assert "Round over: 5 biology questions" in summary
        assert f"3 of 5 right (60%) · 1 time's up · +{total} points" in summary
        assert "Best streak 2" in summary
        titles = [title for title, _result in pane.answered]
        assert titles[0][:20] in summary and titles[4][:20] in summary
        assert app.focused is app.query_one("#challenges-mode", Select)
        assert board_rows(app)[0][:3] == ["1.", "ana (you)", str(total)]
        assert not any(app.query_one(selector).disabled for selector in
                       ("#challenges-mode", "#challenges-category", "#challenges-play"))
        assert app.severities().count("error") == 0

    run(platform, scenario)


def test_the_board_switches_to_this_week_and_to_the_picked_category(
    platform: Session, clock: Clock
) -> None:
    ben = game_for(platform, "ben", clock)
    for category in ("biology", "physics", "physics"):
        served = ben.next(category=category)
        ben.answer(served.token, correct_option(ben, served.token))
    clock.advance(days=7)  # a week later: ben's points are last week's
    served = platform.game.next(category="biology")
    platform.game.answer(served.token, correct_option(platform.game, served.token))

    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        await open_challenges(pilot)
        board = app.query_one(GameBoard)
        assert [row[1] for row in board_rows(app)] == ["ben", "ana (you)"]
        assert board.border_title == "Leaderboard · all time · all"
        await pilot.press("w")  # on the pickers: a letter, not the board's key
        await settle(pilot)
        assert board.border_title == "Leaderboard · all time · all"
        board.focus()  # its letters act once it is moved to
        await pilot.press("w")
        await settle(pilot)
        assert [row[1] for row in board_rows(app)] == ["ana (you)"]
        assert board.border_title == "Leaderboard · this week · all"
        await pilot.press("w")
        await settle(pilot)
        await pilot.press("c")  # no category picked yet
        await settle(pilot)
        warning = app.notices[-1]
        assert warning.severity == "warning" and "Pick a category" in warning.message
        await pick(pilot, "#challenges-category", "physics")
        board.focus()
        await pilot.press("c")
        await settle(pilot)
        assert board.border_title == "Leaderboard · all time · Physics"
        assert [row[1] for row in board_rows(app)] == ["ben"]
        await pick(pilot, "#challenges-category", "biology")  # the board follows the picker
        expected = platform.game.leaderboard(category="biology")
        assert len(expected) == 2
        assert [row[2] for row in board_rows(app)] == [f"{row.points:,}" for row in expected]
        assert board.border_title == "Leaderboard · all time · Biology"

    run(platform, scenario)


def test_escape_ends_the_round_and_the_open_question_counts_as_unanswered(
    platform: Session, clock: Clock
) -> None:
    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        await open_challenges(pilot)
        pane = await play(pilot)
        clock.advance(seconds=1)
        await pilot.press(str(right_index(platform.game, pane) + 1))
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert pane.phase == "lobby"
        assert [result.outcome for _title, result in pane.answered] == ["correct", "wrong"]
        assert pane.answered[-1][1].answer is None
        assert "Round over: 2 of 10 bank questions" in report(app)
        assert platform.game.stats().answered == 2

    run(platform, scenario)


# questions from notes ----------------------------------------------------------------
def test_a_round_from_a_document_shows_a_loading_card_then_cites_the_page(
    platform: Session, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    added = platform.library.ingest(SAMPLE)
    assert added.document is not None
    doc_id = added.document.id
    # The questions are made in the worker; it waits here until the test has seen the card.
    made = threading.Event()
    serve = platform.game.next

    def held(**kwargs: object) -> ServedQuestion:
        made.wait(10)
        return serve(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(platform.game, "next", held)

    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        pane = await open_challenges(pilot)
        await pick(pilot, "#challenges-mode", "document")
        assert app.query_one("#challenges-document").display
        assert not app.query_one("#challenges-category").display
        assert app.query_one("#challenges-document", Select).value == doc_id
        await pilot.press("ctrl+n")
        card = app.query_one(QuestionCard)
        waiting = app.query_one("#challenges-q-waiting", Static)
        assert card.has_class("-waiting") and app.query_one("#challenges-q-loading").display
        assert str(waiting.render()) == "Making questions from Photosynthesis…"
        assert waiting.region.height == 1 and not app.query_one("#challenges-options").region
        assert isinstance(app.focused, QuestionCard)  # escape would end the round
        made.set()
        await settle(pilot)
        assert pane.phase == "question" and not card.has_class("-waiting")
        assert not waiting.region and app.query_one("#challenges-options").region
        assert pane.served is not None and pane.served.category == "notes"
        source = pane.served.source
        assert source is not None and source.doc_id == doc_id
        clock.advance(seconds=4)
        await pilot.press(str(right_index(platform.game, pane) + 1))
        await settle(pilot)
        assert f"From {source.label}" in feedback(app)
        assert source.label.startswith("Photosynthesis, §")
        assert platform.game.question_set(doc_id).kept >= 10

    run(platform, scenario)


def test_errors_become_notifications_and_the_tab_stays_usable(
    platform: Session, clock: Clock, docs_dir: Path
) -> None:
    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        pane = await open_challenges(pilot)
        # No documents yet.
        await pick(pilot, "#challenges-mode", "document")
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert pane.phase == "lobby" and "no documents yet" in app.notices[-1].message
        # A document with too little text to make questions from.
        platform.library.ingest(write_notes(docs_dir, "tiny.txt", "Osmosis moves water.\n"))
        await pilot.press("f4", "f3")  # shown again: the documents are read afresh
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        error = app.notices[-1]
        assert error.severity == "error" and error.title == "No question"
        assert "too little text to make questions" in error.message
        assert pane.phase == "lobby" and not app.query_one("#challenges-play").disabled
        assert app.query_one(ReportView).what == "intro"
        # No imported cards.
        await pick(pilot, "#challenges-mode", "bank")
        await pick(pilot, "#challenges-category", "cards")
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert "you have no imported cards" in app.notices[-1].message
        assert "learnplat cards import" in app.notices[-1].message
        # And the bank still plays.
        await pick(pilot, "#challenges-category", "any")
        await play(pilot)

    run(platform, scenario)


def test_review_mode_says_when_nothing_was_due(platform: Session, clock: Clock) -> None:
    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        await open_challenges(pilot)
        await pick(pilot, "#challenges-mode", "review")
        pane = await play(pilot)
        notice = app.query_one("#challenges-q-notice", Static)
        assert notice.display and "nothing is due for review" in str(notice.render())
        assert pane.served is not None and pane.served.mode == "play"

    run(platform, scenario)


# quiz me on this, from the Learn tab ---------------------------------------------------
def test_quiz_me_on_a_lesson_from_one_document_gets_its_questions_ready(
    platform: Session, clock: Clock
) -> None:
    added = platform.library.ingest(SAMPLE)
    assert added.document is not None

    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        await pilot.press("f1")
        await settle(pilot, ("learn-",))
        pane = app.query_one("LearnPane")
        pane.doc_ids = (added.document.id,)
        await pilot.click("#learn-go")
        await settle(pilot, ("learn-",))
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert app.query_one(TabbedContent).active == "challenges"
        assert app.query_one("#challenges-mode", Select).value == "document"
        assert app.query_one("#challenges-document", Select).value == added.document.id
        assert app.query_one(ReportView).what == "ready"
        assert "10 questions from Photosynthesis" in report(app)
        assert app.focused is app.query_one("#challenges-mode", Select)
        await pilot.press("ctrl+n")
        await settle(pilot)
        challenges = app.query_one(ChallengesPane)
        assert challenges.phase == "question" and challenges.served is not None
        assert challenges.served.category == "notes"

    run(platform, scenario)


# the command palette -------------------------------------------------------------------
def test_challenges_and_progress_commands_are_in_the_palette_and_work_from_other_tabs(
    platform: Session, clock: Clock
) -> None:
    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        commands = {command.title: command for command in app.get_system_commands(app.screen)}
        for title in [
            "Challenges: play a round",
            "Challenges: play questions from my notes",
            "Challenges: review what is due",
            "Challenges: next question",
            "Challenges: end the round",
            "Challenges: leaderboard of this week / all time",
            "Challenges: leaderboard of the category / all",
            "Challenges: answer A",
            "Challenges: answer D",
            "Progress: refresh",
        ]:
            assert title in commands, title
        assert app.query_one(TabbedContent).active == "library"
        commands["Challenges: review what is due"].callback()
        await settle(pilot)
        assert app.query_one(TabbedContent).active == "challenges"
        assert app.query_one("#challenges-mode", Select).value == "review"
        commands["Challenges: play a round"].callback()
        await settle(pilot)
        pane = app.query_one(ChallengesPane)
        assert pane.phase == "question" and pane.served is not None
        commands[f"Challenges: answer {'ABCD'[right_index(platform.game, pane)]}"].callback()
        await settle(pilot)
        assert pane.phase == "feedback" and pane.answered[-1][1].correct
        commands["Challenges: next question"].callback()
        await settle(pilot)
        assert pane.phase == "question" and len(pane.answered) == 1
        commands["Challenges: end the round"].callback()
        await settle(pilot)
        assert pane.phase == "lobby" and len(pane.answered) == 2
        commands["Challenges: leaderboard of this week / all time"].callback()
        await settle(pilot)
        assert pane.board.period == "week"
        commands["Progress: refresh"].callback()
        await settle(pilot, ("progress-",))
        assert app.query_one(TabbedContent).active == "progress"
        assert "2 answered · 50% right" in str(app.query_one("#progress-game", Static).render())

    run(platform, scenario)


# layout and snapshots ----------------------------------------------------------------
def test_the_challenges_tab_fits_an_80_by_24_terminal(platform: Session, clock: Clock) -> None:
    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        await open_challenges(pilot)
        for selector in ("#challenges-mode", "#challenges-category", "#challenges-difficulty",
                         "#challenges-size", "#challenges-play", "#challenges-status",
                         "#challenges-report", "#challenges-board"):
            region = app.query_one(selector).region
            assert region.height > 0 and region.bottom <= 23 and region.right <= 80, selector
        pane = await play(pilot)
        await pilot.press(str(wrong_index(platform.game, pane) + 1))
        await settle(pilot)
        for selector in ("#challenges-countdown", "#challenges-card", "#challenges-feedback"):
            region = app.query_one(selector).region
            assert region.height > 0 and region.bottom <= 23 and region.right <= 80, selector

    run(platform, scenario, size=(80, 24))


async def _quiet(pilot: Pilot) -> None:
    await quiet(pilot, settle)


def test_snapshot_a_question_at_80x24(platform: Session, clock: Clock, snap_compare) -> None:
    async def run_before(pilot: Pilot) -> None:
        await open_challenges(pilot)
        await pick(pilot, "#challenges-category", "physics")
        await play(pilot)
        clock.advance(seconds=7.5)
        pilot.app.query_one(Countdown).tick()
        await _quiet(pilot)

    assert snap_compare(still_app(platform), terminal_size=(80, 24), run_before=run_before)


def test_snapshot_the_feedback_on_a_wrong_answer(
    platform: Session, clock: Clock, snap_compare
) -> None:
    async def run_before(pilot: Pilot) -> None:
        await open_challenges(pilot)
        pane = await play(pilot)
        clock.advance(seconds=4)
        await pilot.press(str(wrong_index(platform.game, pane) + 1))
        await _quiet(pilot)

    assert snap_compare(still_app(platform), terminal_size=(100, 32), run_before=run_before)


def test_snapshot_the_round_summary_and_the_board(
    platform: Session, clock: Clock, snap_compare
) -> None:
    ben = game_for(platform, "ben", clock)
    served = ben.next(category="history")
    ben.answer(served.token, correct_option(ben, served.token))

    async def run_before(pilot: Pilot) -> None:
        await open_challenges(pilot)
        await pick(pilot, "#challenges-size", 5)
        pane = await play(pilot)
        for number in range(5):
            clock.advance(seconds=3 + number)
            index = right_index(platform.game, pane) if number != 2 else wrong_index(
                platform.game, pane
            )
            await pilot.press(str(index + 1))
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
        await _quiet(pilot)

    assert snap_compare(still_app(platform), terminal_size=(100, 32), run_before=run_before)
