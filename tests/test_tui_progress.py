"""The Progress tab driven with Pilot over a real Session: the stats of games and Teach Back
together, and the plots, read afresh whenever the tab is shown; the game's clock is the test's."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from textual.pilot import Pilot
from textual.widgets import Static, TabbedContent

from learnplat.app import LearnplatApp
from learnplat.core import Session
from learnplat.screens.progress import ProgressPane
from learnplat.screens.widgets.progress_charts import BarList, ColumnChart, column_cells
from learnplat.services.game import Game
from tests.clock import Clock
from tests.test_game import correct_option
from tests.test_teach_cli import GOOD
from tests.test_tui import RecordingApp, quiet, run, still_app
from tests.test_tui_challenges import (
    SAMPLE,
    START,
    open_challenges,
    play,
    right_index,
    settle,
)

PROGRESS = ("progress-",)


@pytest.fixture
def clock(platform: Session) -> Clock:
    moved = Clock(START - timedelta(days=3))
    platform.game.clock = moved
    platform.game.rng = random.Random(0)
    return moved


def answer(game: Game, category: str, right: bool) -> int:
    served = game.next(category=category)
    correct = correct_option(game, served.token)
    given = correct if right else next(o for o in served.options if o != correct)
    return game.answer(served.token, given).points


@pytest.fixture
def played(platform: Session, clock: Clock) -> dict[str, int]:
    """Two right biology answers three days ago; a right and a wrong physics answer today."""
    earlier = answer(platform.game, "biology", True) + answer(platform.game, "biology", True)
    clock.advance(days=3)
    today = answer(platform.game, "physics", True) + answer(platform.game, "physics", False)
    return {"earlier": earlier, "today": today}


async def open_progress(pilot: Pilot) -> ProgressPane:
    await pilot.press("f5")
    await settle(pilot, PROGRESS)
    assert pilot.app.query_one(TabbedContent).active == "progress"
    pane = pilot.app.query_one(ProgressPane)
    assert pilot.app.focused is pane
    return pane


def text(app: LearnplatApp, selector: str) -> str:
    return str(app.query_one(selector, Static).render())


def test_the_stats_and_plots_show_the_games_and_teach_back_together(
    platform: Session, played: dict[str, int]
) -> None:
    teach = platform.teachback.teach("photosynthesis", GOOD)
    teach_points = teach.submission.points
    assert teach_points > 0
    points = played["earlier"] + played["today"]

    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        await open_progress(pilot)
        assert (
            f"ana · {points + teach_points:,} points in all: {points:,} from challenges, "
            f"{teach_points} from Teach Back"
        ) in text(app, "#progress-total")
        game = text(app, "#progress-game")
        assert f"{points} points · level 1" in game
        assert f"{100 - points} to level 2" in game
        assert "4 answered · 75% right" in game
        assert "streak 0 · best 3 · rank #1" in game
        stats = platform.game.stats()
        assert f"{stats.reviews_due} reviews due · 4 cards" in game
        teach_box = text(app, "#progress-teach")
        assert f"{teach_points} points · rank #1" in teach_box
        assert f"1 explanation · average {teach.grade.score:.1f}/10" in teach_box

        chart = app.query_one("#progress-points", ColumnChart)
        assert len(chart.values) == 30
        assert chart.values[-1] == played["today"] and chart.values[-4] == played["earlier"]
        assert sum(chart.values) == points
        drawn = str(chart.render())
        assert "today" in drawn and "Feb 1" in drawn and "█" in drawn
        assert chart.border_subtitle == f"{points} in all · best day {max(played.values())}"

        accuracy = app.query_one(BarList)
        assert [(row.label, row.detail.split()) for row in accuracy.rows] == [
            ("Biology", ["100%", "2/2"]),
            ("Physics", ["50%", "1/2"]),
        ]
        lines = str(accuracy.render()).splitlines()
        assert lines[0].startswith("Biology ") and lines[0].endswith("100% 2/2")

        reviews = app.query_one("#progress-reviews", ColumnChart)
        expected = platform.game.progress().reviews_due_by_day
        assert reviews.values == [count for _day, count in expected]
        assert len(reviews.values) == 14 and sum(reviews.values) > 0

    run(platform, scenario)


def test_the_tab_reads_the_numbers_again_when_shown_and_on_ctrl_r(
    platform: Session, clock: Clock
) -> None:
    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        await open_progress(pilot)
        assert "0 points · level 1" in text(app, "#progress-game")
        chart = app.query_one("#progress-points", ColumnChart)
        assert "No challenge points yet: play a round in Challenges (f3)." in str(chart.render())
        assert "Nothing answered yet." in str(app.query_one(BarList).render())
        # A round in the Challenges tab, by keys; then back here.
        await open_challenges(pilot)
        pane = await play(pilot)
        clock.advance(seconds=1)
        await pilot.press(str(right_index(platform.game, pane) + 1))
        await settle(pilot)
        earned = pane.answered[-1][1].points
        await open_progress(pilot)
        assert f"{earned} points · level 1" in text(app, "#progress-game")
        assert "1 answered · 100% right" in text(app, "#progress-game")
        assert chart.values[-1] == earned
        # An answer from elsewhere (the CLI, say): ctrl+r reads it (r is only a letter).
        extra = answer(platform.game, "history", True)
        await pilot.press("r")
        await settle(pilot, PROGRESS)
        assert f"{earned} points · level 1" in text(app, "#progress-game")
        await pilot.press("ctrl+r")
        await settle(pilot, PROGRESS)
        assert f"{earned + extra} points" in text(app, "#progress-game")

    run(platform, scenario)


def test_progress_and_challenges_show_the_same_points_after_notes_are_removed(
    platform: Session, clock: Clock
) -> None:
    document = platform.library.ingest(SAMPLE).document
    assert document is not None
    for doc_id in (None, document.id):  # a bank question, then one from the notes
        served = platform.game.next(doc_id=doc_id)
        platform.game.answer(served.token, correct_option(platform.game, served.token))
    platform.library.remove(document.id)  # its questions and their answers go with it
    total = platform.game.stats().points

    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        await open_challenges(pilot)
        assert f"{total:,}/" in str(app.query_one("#challenges-status").render())
        await open_progress(pilot)
        assert f"{total:,} points" in text(app, "#progress-game")
        chart = app.query_one("#progress-points", ColumnChart)
        assert str(chart.border_subtitle).startswith(f"{total:,} in all")
        assert sum(chart.values) < total  # the removed notes' answers are not plotted

    run(platform, scenario)


def test_accuracy_shows_every_category_played(platform: Session, clock: Clock) -> None:
    names = [category.name for category in platform.game.categories()]
    for name in names:
        answer(platform.game, name, True)

    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        await open_progress(pilot)
        accuracy = app.query_one(BarList)
        assert len(accuracy.rows) == len(names) == 9
        assert accuracy.content_region.height == 9  # none cut off by the box

    run(platform, scenario, size=(80, 24))


def test_columns_fill_eighths_from_the_bottom_and_a_small_value_still_shows() -> None:
    assert column_cells(10, 10, 3) == [8, 8, 8]
    assert column_cells(5, 10, 2) == [8, 0]
    assert column_cells(1, 1000, 4) == [1, 0, 0, 0]
    assert column_cells(0, 10, 2) == [0, 0]


def test_the_progress_tab_fits_an_80_by_24_terminal(
    platform: Session, played: dict[str, int]
) -> None:
    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        pane = await open_progress(pilot)
        for selector in ("#progress-total", "#progress-game", "#progress-teach",
                         "#progress-points", "#progress-accuracy"):
            region = app.query_one(selector).region
            assert region.height > 0 and region.bottom <= 23 and region.right <= 80, selector
        assert app.query_one("#progress-reviews").region.right <= 80
        await pilot.press("end")  # the reviews plot is below: the tab scrolls to it
        await pilot.pause()
        assert pane.scroll_y > 0
        region = app.query_one("#progress-reviews").region
        assert region.height == 8 and region.bottom <= 23

    run(platform, scenario, size=(80, 24))


async def _quiet(pilot: Pilot) -> None:
    await quiet(pilot, lambda p: settle(p, PROGRESS))


def test_snapshot_progress_with_points_accuracy_and_reviews(
    platform: Session, played: dict[str, int], snap_compare
) -> None:
    async def run_before(pilot: Pilot) -> None:
        await open_progress(pilot)
        await _quiet(pilot)

    assert snap_compare(still_app(platform), terminal_size=(100, 32), run_before=run_before)


def test_snapshot_progress_at_80x24(
    platform: Session, played: dict[str, int], snap_compare
) -> None:
    async def run_before(pilot: Pilot) -> None:
        await open_progress(pilot)
        await _quiet(pilot)

    assert snap_compare(still_app(platform), terminal_size=(80, 24), run_before=run_before)
