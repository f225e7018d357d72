"""The Challenges tab between questions: the always-visible standing (streak, level with its
progress, points), the round report (how to play, ready to play, or the round's summary) and the
game leaderboard."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from rich.text import Text
from textual.app import ComposeResult, RenderResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static

from ...services.game import CARDS_CATEGORY
from ...services.game_model import (
    NOTES_CATEGORY,
    AnswerResult,
    GameLeaderRow,
    GameStats,
    RoundSummary,
)
from ...services.scoring import level_progress
from ..teach_views import StandingsTable, bar, shorten
from .challenge_card import timed_out

LEVEL_BAR = 8
HOW_TO_PLAY = (
    "Pick the questions above: the bank (by category and difficulty), one of your documents, "
    "or what is due for review. Then press ctrl+n or Play.\n\n"
    "Answer with 1-4 or A-D, or click an option. The bar counts down the time; a quicker "
    "right answer earns more, and each right answer in a row adds a 10% streak bonus (up to "
    "50%). Enter moves on after the feedback; escape ends the round."
)



def category_label(name: str) -> str:
    """A category as the learner reads it: "Computer science", "My cards", "From notes"."""
    if name == CARDS_CATEGORY:
        return "My cards"
    if name == NOTES_CATEGORY:
        return "From notes"
    return name.replace("-", " ").capitalize()


class StatusLine(Widget):
    """Streak, level with a bar to the next one, and points: "Streak 3 · Level 2 ███░ 140/300"."""

    DEFAULT_CSS = """
    StatusLine {
        height: 1;
        width: auto;
    }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.streak = 0
        self.total_points = 0

    def show_stats(self, stats: GameStats) -> None:
        self._show(stats.current_streak, stats.points)

    def show_result(self, result: AnswerResult) -> None:
        self._show(result.streak, result.total_points)

    def _show(self, streak: int, total_points: int) -> None:
        self.streak = streak
        self.total_points = total_points
        self.refresh(layout=True)

    def render(self) -> RenderResult:
        standing = level_progress(self.total_points)
        return Content.assemble(
            "Streak ",
            (str(self.streak), "bold $warning" if self.streak else "bold"),
            " · Level ",
            (str(standing.level), "bold $accent"),
            " ",
            (bar(standing.fraction, LEVEL_BAR), "$accent"),
            " ",
            (f"{standing.points:,}", "bold"),
            f"/{standing.next_level_at:,} points",
        )


def intro_content(stats: GameStats | None) -> Content:
    """How to play, and what is waiting for review."""
    text = Content(HOW_TO_PLAY)
    if stats is None or not stats.review_cards:
        return text
    due = f"{stats.reviews_due} of your {stats.review_cards} review cards are due now"
    return Content("\n\n").join([text, Content(due).stylize("$accent")])


def ready_content(description: str) -> Content:
    return Content.assemble(
        ("Ready: ", "bold $accent"),
        description,
        ".\n\nPress ctrl+n (or Play) to play. ",
        ("The pickers above change what the round is on.", "$text-muted"),
    )


def skipped(result: AnswerResult) -> bool:
    """Left without an answer before the time ran out (the round was ended on it)."""
    return result.answer is None and result.outcome != "timeout"


def summary_line(number: int, title: str, result: AnswerResult) -> Content:
    if result.correct:
        mark, style = "✓", "$success"
    elif skipped(result):
        mark, style = "–", "$text-muted"
    elif timed_out(result):
        mark, style = "⏱", "$warning"
    else:
        mark, style = "✗", "$error"
    points = f"+{result.points}" if result.points else "0"
    return Content.assemble(
        f"{number:>2} ",
        (mark, f"bold {style}"),
        f" {shorten(title, 25):<25}",
        (f"{points:>4}", "bold"),
    )


def summary_content(
    description: str, summary: RoundSummary, answered: Sequence[tuple[str, AnswerResult]]
) -> Content:
    """The round's totals (``description``: what it was on), then a line per question."""
    timed = f" · {summary.timed_out} time's up" if summary.timed_out else ""
    left = sum(skipped(result) for _title, result in answered)
    timed += f" · {left} not answered" if left else ""
    lines = [
        Content.assemble(("Round over: ", "bold $accent"), description),
        Content.assemble(
            (f"{summary.correct} of {summary.answered} right", "bold"),
            f" ({summary.accuracy:.0%}){timed} · ",
            (f"+{summary.points} points", "bold $success"),
        ),
        Content(
            f"Best streak {summary.best_streak} · {summary.average_time_s:.1f} s per answer on "
            f"average · level {summary.level}, {summary.total_points:,} points in all"
        ),
    ]
    if summary.leveled_up:
        lines.append(Content(f"★ You reached level {summary.level}!").stylize("bold $accent"))
    lines.append(Content(""))
    lines.extend(
        summary_line(number, title, result)
        for number, (title, result) in enumerate(answered, 1)
    )
    lines.append(Content(""))
    lines.append(Content("ctrl+n plays another round.").stylize("$text-muted"))
    return Content("\n").join(lines)


Shown = Literal["intro", "ready", "summary"]


class ReportView(VerticalScroll):
    """Beside the board: how to play, what the next round is on, or the last round's summary."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.what: Shown = "intro"

    def compose(self) -> ComposeResult:
        yield Static("", id="challenges-report-text")

    def show(self, content: Content, title: str, what: Shown = "intro") -> None:
        self.what = what
        self.border_title = title
        self.query_one("#challenges-report-text", Static).update(content)
        self.scroll_home(animate=False)


class GameBoard(StandingsTable[GameLeaderRow]):
    """The players with the most points; the learner's own row marked."""

    NAME_LABEL = "Player"
    NAME_WIDTH = 14
    COLUMNS = (("Pts", "points"), ("Lvl", "level"), ("Best", "streak"))

    def cells(self, row: GameLeaderRow, style: str) -> list[Text]:
        return [
            Text(f"{row.points:,}", style=style, justify="right"),
            Text(str(row.level), justify="right"),
            Text(str(row.best_streak), justify="right"),
        ]
