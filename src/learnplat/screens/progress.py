"""The Progress tab: the learner's standing in the games and in Teach Back together, and plots
drawn in the terminal: points per day over the last 30 days, accuracy by category, and the
review cards falling due on each of the next two weeks. Read afresh whenever the tab is shown."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Static
from textual.worker import Worker, WorkerState, get_current_worker

from ..services.community import Community, Stats
from ..services.game import Game
from ..services.game_model import GameStats, Progress
from ..services.scoring import level_progress
from .teach_views import bar, report_worker_error
from .widgets.challenge_lobby import category_label
from .widgets.progress_charts import BarList, BarRow, ColumnChart

DAYS = 30
AHEAD = 14
LEVEL_BAR = 12


def day_label(day: str) -> str:
    moment = date.fromisoformat(day)
    return f"{moment:%b} {moment.day}"


def rank_text(rank: int | None) -> str:
    return f"rank #{rank}" if rank is not None else "no rank yet"


def game_lines(stats: GameStats) -> Content:
    standing = level_progress(stats.points)
    return Content("\n").join(
        [
            Content.assemble(
                (f"{stats.points:,} points", "bold $accent"), f" · level {stats.level}"
            ),
            Content.assemble(
                (bar(standing.fraction, LEVEL_BAR), "$accent"),
                f" {standing.to_next:,} to level {stats.level + 1}",
            ),
            Content(f"{stats.answered:,} answered · {stats.accuracy:.0%} right"),
            Content(
                f"streak {stats.current_streak} · best {stats.best_streak} · "
                f"{rank_text(stats.rank)}"
            ),
            Content(f"{stats.reviews_due} reviews due · {stats.review_cards} cards"),
        ]
    )


def teach_lines(stats: Stats) -> Content:
    average = f"{stats.average_score:.1f}/10" if stats.average_score is not None else "–"
    plural = "" if stats.explanations == 1 else "s"
    return Content("\n").join(
        [
            Content.assemble(
                (f"{stats.points:,} points", "bold $accent"), f" · {rank_text(stats.rank)}"
            ),
            Content(f"{stats.explanations} explanation{plural} · average {average}"),
            Content(f"▲ {stats.upvotes_received} upvotes received"),
            Content(f"▲ {stats.upvotes_given} given"),
        ]
    )


def total_line(game: GameStats, teach: Stats) -> Content:
    return Content.assemble(
        (game.display_name, "bold"),
        " · ",
        (f"{game.points + teach.points:,} points in all", "bold $accent"),
        f": {game.points:,} from challenges, {teach.points:,} from Teach Back",
    )


class ProgressPane(VerticalScroll):
    """The Progress tab's body. Each service call runs in a worker that posts a message."""

    # The tab opens with the focus here: a letter typed by mistake does nothing.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "refresh", "Refresh", tooltip="Read the numbers again"),
    ]

    class GameLoaded(Message, bubble=False):
        def __init__(self, stats: GameStats) -> None:
            super().__init__()
            self.stats = stats

    class TeachLoaded(Message, bubble=False):
        def __init__(self, stats: Stats) -> None:
            super().__init__()
            self.stats = stats

    class PlotsLoaded(Message, bubble=False):
        def __init__(self, progress: Progress) -> None:
            super().__init__()
            self.progress = progress

    def __init__(self, game: Game, community: Community, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.game = game
        self.community = community
        self.game_stats: GameStats | None = None
        self.teach_stats: Stats | None = None
        self.plots: Progress | None = None

    def compose(self) -> ComposeResult:
        yield Static("Reading your progress…", id="progress-total")
        with Horizontal(id="progress-stats"):
            yield Static("", id="progress-game")
            yield Static("", id="progress-teach")
        with Horizontal(id="progress-charts"):
            yield ColumnChart(id="progress-points")
            yield BarList(id="progress-accuracy")
        yield ColumnChart(id="progress-reviews")

    def on_mount(self) -> None:
        titles = {
            "#progress-game": "Challenges",
            "#progress-teach": "Teach Back",
            "#progress-points": f"Challenge points · last {DAYS} days",
            "#progress-accuracy": "Accuracy by category",
            "#progress-reviews": f"Reviews due · next {AHEAD} days",
        }
        for selector, title in titles.items():
            self.query_one(selector).border_title = title

    def on_show(self) -> None:
        self.action_refresh()

    def focus_default(self) -> None:
        self.focus()

    def action_refresh(self) -> None:
        """Read the stats and the plots again."""
        self._load_game()
        self._load_teach()
        self._load_plots()

    # results ---------------------------------------------------------------
    @on(GameLoaded)
    def _game_loaded(self, event: GameLoaded) -> None:
        self.game_stats = event.stats
        self.query_one("#progress-game", Static).update(game_lines(event.stats))
        self._show_total()
        self._show_points_total()

    @on(TeachLoaded)
    def _teach_loaded(self, event: TeachLoaded) -> None:
        self.teach_stats = event.stats
        self.query_one("#progress-teach", Static).update(teach_lines(event.stats))
        self._show_total()

    def _show_total(self) -> None:
        if self.game_stats is not None and self.teach_stats is not None:
            total = total_line(self.game_stats, self.teach_stats)
            self.query_one("#progress-total", Static).update(total)

    @on(PlotsLoaded)
    def _plots_loaded(self, event: PlotsLoaded) -> None:
        progress = event.progress
        days = progress.points_by_day
        points = self.query_one("#progress-points", ColumnChart)
        points.show(
            [day.points for day in days],
            day_label(days[0].day) if days else "",
            "today",
            "No challenge points yet: play a round in Challenges (f3).",
        )
        self.plots = progress
        self._show_points_total()
        self.query_one("#progress-accuracy", BarList).show(
            [
                BarRow(
                    category_label(row.category),
                    row.accuracy,
                    f"{row.accuracy:>4.0%} {row.correct}/{row.answered}",
                )
                for row in progress.accuracy
            ],
            "Nothing answered yet.",
        )
        dues = progress.reviews_due_by_day
        reviews = self.query_one("#progress-reviews", ColumnChart)
        reviews.show(
            [count for _day, count in dues],
            "today",
            day_label(dues[-1][0]) if dues else "",
            "Nothing falls due in the next two weeks: every answer adds a review card.",
            marked={0} if progress.overdue else set(),
        )
        due = sum(count for _day, count in dues)
        overdue = f" · {progress.overdue} overdue (today)" if progress.overdue else ""
        reviews.border_subtitle = f"{due} in all{overdue}" if due else ""

    def _show_points_total(self) -> None:
        """Under the plot, the total the Challenges tab shows (GameStats.points): the days
        plotted leave out points older than the plot and those of removed notes' questions."""
        if self.plots is None or self.game_stats is None:
            return
        best = max((day.points for day in self.plots.points_by_day), default=0)
        total = self.game_stats.points
        subtitle = f"{total:,} in all" if total else ""
        subtitle += f" · best day {best:,}" if best else ""
        self.query_one("#progress-points", ColumnChart).border_subtitle = subtitle

    # workers: one service call each, the result posted back as a message ----
    @work(thread=True, exclusive=True, exit_on_error=False, group="progress-game")
    def _load_game(self) -> None:
        stats = self.game.stats()
        if not get_current_worker().is_cancelled:
            self.post_message(self.GameLoaded(stats))

    @work(thread=True, exclusive=True, exit_on_error=False, group="progress-teach")
    def _load_teach(self) -> None:
        stats = self.community.stats()
        if not get_current_worker().is_cancelled:
            self.post_message(self.TeachLoaded(stats))

    @work(thread=True, exclusive=True, exit_on_error=False, group="progress-plots")
    def _load_plots(self) -> None:
        progress = self.game.progress(days=DAYS, ahead=AHEAD)
        if not get_current_worker().is_cancelled:
            self.post_message(self.PlotsLoaded(progress))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state == WorkerState.ERROR and worker.node is self:
            report_worker_error(self, worker, "Progress")
