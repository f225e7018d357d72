"""The Challenges tab's leaderboard: all time or this week, everyone's points or those of the
category picked above, read in a worker whenever it may have changed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from textual import on, work
from textual.content import Content
from textual.message import Message
from textual.worker import Worker, WorkerState, get_current_worker

from ..services.game import Game
from ..services.game_model import GameLeaderRow
from .teach_views import report_worker_error
from .widgets.challenge_lobby import GameBoard, category_label

Period = Literal["all", "week"]
BOARD_LIMIT = 10


class ChallengesBoard(GameBoard):
    """The game board; ``picked_category`` says which category "this category" is."""

    class Loaded(Message, bubble=False):
        def __init__(self, rows: list[GameLeaderRow]) -> None:
            super().__init__()
            self.rows = rows

    def __init__(
        self, game: Game, picked_category: Callable[[], str | None], **kwargs: object
    ) -> None:
        super().__init__(**kwargs)
        self.game = game
        self.picked_category = picked_category
        self.period: Period = "all"
        self.by_category = False

    @property
    def category(self) -> str | None:
        return self.picked_category() if self.by_category else None

    def reload(self) -> None:
        """Say what the board shows, then read it."""
        self._show_titles()
        self._fetch(self.period, self.category)

    def _show_titles(self, empty: bool = False) -> None:
        when = "all time" if self.period == "all" else "this week"
        category = self.category
        shown = category_label(category) if category else "all"
        self.border_title = Content(f"Leaderboard · {when} · {shown}")
        if empty:
            self.border_subtitle = Content("nobody has points here yet")
            return
        period = "week" if self.period == "all" else "all time"
        self.border_subtitle = Content(f"w: {period} · c: {'all' if category else 'category'}")

    @on(Loaded)
    def _loaded(self, event: Loaded) -> None:
        self.show_rows(event.rows)
        self._show_titles(empty=not event.rows)

    @work(thread=True, exclusive=True, exit_on_error=False, group="challenges-board")
    def _fetch(self, period: Period, category: str | None) -> None:
        rows = self.game.leaderboard(period, category=category, limit=BOARD_LIMIT)
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(rows))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.node is self:
            report_worker_error(self, event.worker, "Leaderboard")
