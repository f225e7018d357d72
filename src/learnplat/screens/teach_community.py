"""The Teach Back tab's community view: the learner's stats line, the community's explanations
(sorted, filtered by topic, upvoted with a key) and the leaderboard (all time or this week)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import ClassVar, Literal

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import DataTable, Static
from textual.worker import Worker, WorkerState, get_current_worker

from ..errors import BadInput
from ..services.community import Community, FeedItem, LeaderRow, Period, Stats, VoteResult
from .teach_views import FeedTable, Leaderboard, item_preview, report_worker_error, stats_line

Sort = Literal["top", "new"]
FEED_LIMIT = 50
BOARD_LIMIT = 20
_FEED_GROUP = Binding.Group("Feed")


class CommunityView(Vertical):
    """Stats, feed and leaderboard. Each service call runs in a worker that posts a message."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # One key, two labels: check_action picks the one that applies to the selected row.
        # A vote is stored (and gives its author points): no letter casts one.
        Binding("ctrl+u", "vote(True)", "Upvote", tooltip="Upvote the selected explanation"),
        Binding("ctrl+u", "vote(False)", "Unvote", tooltip="Take your upvote back"),
        # Only how the lists are shown: letters are safe here (the feed or board has focus).
        # Grouped, to fit 80 columns; the feed's border says what each does next.
        Binding("s", "sort('new')", "Newest first", group=_FEED_GROUP),
        Binding("s", "sort('top')", "Most upvoted first", group=_FEED_GROUP),
        Binding("f", "filter_topic(True)", "Only the typed topic", group=_FEED_GROUP),
        Binding("f", "filter_topic(False)", "All topics", group=_FEED_GROUP),
        Binding("w", "board('week')", "This week's leaderboard", group=_FEED_GROUP),
        Binding("w", "board('all')", "All-time leaderboard", group=_FEED_GROUP),
    ]

    class FeedLoaded(Message, bubble=False):
        def __init__(self, items: list[FeedItem], now: datetime) -> None:
            super().__init__()
            self.items = items
            self.now = now

    class StatsLoaded(Message, bubble=False):
        def __init__(self, stats: Stats) -> None:
            super().__init__()
            self.stats = stats

    class BoardLoaded(Message, bubble=False):
        def __init__(self, rows: list[LeaderRow]) -> None:
            super().__init__()
            self.rows = rows

    class Voted(Message, bubble=False):
        def __init__(self, vote: VoteResult) -> None:
            super().__init__()
            self.vote = vote

    def __init__(
        self, community: Community, typed_topic: Callable[[], str], **kwargs: object
    ) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.community = community
        self.typed_topic = typed_topic  # the topic typed above, for the topic filter
        self.sort: Sort = "top"
        self.feed_topic: str | None = None
        self.period: Period = "all"
        self._feed_empty = False
        self._feed_loading = False
        self._after_load: list[Callable[[], None]] = []

    def compose(self) -> ComposeResult:
        yield Static("", id="teach-stats")
        with Horizontal(id="teach-lists"):
            with Vertical(id="teach-feed-column"):
                yield FeedTable(id="teach-feed")
                yield Static("", markup=False, id="teach-excerpt")
            yield Leaderboard(id="teach-board")

    def on_mount(self) -> None:
        self._show_titles()

    def refresh_all(self) -> None:
        """Reload the feed, the stats line and the leaderboard."""
        self._reload_feed()
        self._load_stats()
        self._load_board(self.period)

    def focus_default(self) -> None:
        self.query_one(FeedTable).focus()

    def when_loaded(self, action: Callable[[], None]) -> None:
        """Run ``action`` now, or once the feed being loaded is shown (so that a command
        acts on the rows the learner is about to see, not on the ones they replace)."""
        if self._feed_loading:
            self._after_load.append(action)
        else:
            action()

    # keyboard ------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # False hides the binding that does not apply (the footer then shows the other label).
        if action == "sort":
            return parameters[0] != self.sort
        if action == "board":
            return parameters[0] != self.period
        if action == "filter_topic":
            return bool(parameters[0]) != (self.feed_topic is not None)
        if action == "vote":
            # u upvotes, or takes the upvote back from an explanation already upvoted.
            item = self.query_one(FeedTable).selected_item
            voted = item is not None and item.voted_by_me
            return voted != bool(parameters[0])
        return True

    def action_vote(self, up: bool) -> None:
        """Upvote the selected explanation, or take the upvote back."""
        item = self.query_one(FeedTable).selected_item
        if item is None:
            why = "the feed is still loading" if self._feed_loading else "the feed is empty"
            self.notify(f"No explanation is selected: {why}.", severity="warning")
            return
        self._vote(item.id, up)

    def action_toggle_vote(self) -> None:
        item = self.query_one(FeedTable).selected_item
        self.action_vote(item is None or not item.voted_by_me)

    def action_sort(self, sort: Sort) -> None:
        self.sort = sort
        self._feed_changed()

    def action_toggle_sort(self) -> None:
        self.action_sort("new" if self.sort == "top" else "top")

    def action_filter_topic(self, on: bool) -> None:
        topic = self.typed_topic()
        if on and not topic:
            self.notify(
                "Type a topic above first: the feed then shows only its explanations.",
                severity="warning",
            )
            return
        self.feed_topic = topic if on else None
        self._feed_changed()

    def action_toggle_filter(self) -> None:
        self.action_filter_topic(self.feed_topic is None)

    def action_board(self, period: Period) -> None:
        self.period = period
        self._show_titles()
        self.refresh_bindings()
        self._load_board(period)

    def action_toggle_board(self) -> None:
        self.action_board("week" if self.period == "all" else "all")

    def _feed_changed(self) -> None:
        self._show_titles()
        self.refresh_bindings()
        self._reload_feed()

    def _show_titles(self) -> None:
        feed = self.query_one(FeedTable)
        order = "most upvoted" if self.sort == "top" else "newest"
        shown = self.feed_topic or "all topics"
        none = " · none yet: be the first" if self._feed_empty else ""
        feed.border_title = Content(f"Community · {order} · {shown}{none}")
        # What the footer's Feed keys do next.
        sort = "newest" if self.sort == "top" else "top"
        topic = "all topics" if self.feed_topic else "this topic"
        period = "week" if self.period == "all" else "all time"
        feed.border_subtitle = Content(f"s: {sort} · f: {topic} · w: {period}")
        # "this week" would be cut off in the board's 28 columns.
        when = "all time" if self.period == "all" else "week"
        self.query_one(Leaderboard).border_title = Content(f"Leaderboard · {when}")

    @on(DataTable.RowHighlighted, "#teach-feed")
    def _row_highlighted(self) -> None:
        self._show_selected()
        self.refresh_bindings()  # u upvotes or takes back, depending on the row

    def _show_selected(self) -> None:
        """The selected explanation's start under the feed, where it is not cut off."""
        item = self.query_one(FeedTable).selected_item
        excerpt = self.query_one("#teach-excerpt", Static)
        excerpt.update(item_preview(item) if item is not None else "")
        excerpt.display = item is not None

    # results ---------------------------------------------------------------
    @on(FeedLoaded)
    def _feed_loaded(self, event: FeedLoaded) -> None:
        self._feed_loading = False
        self.query_one(FeedTable).show_items(event.items, event.now)
        self._show_selected()
        self._feed_empty = not event.items
        self._show_titles()
        self.refresh_bindings()
        waiting, self._after_load = self._after_load, []
        for action in waiting:
            action()

    @on(StatsLoaded)
    def _stats_loaded(self, event: StatsLoaded) -> None:
        self.query_one("#teach-stats", Static).update(stats_line(event.stats))

    @on(BoardLoaded)
    def _board_loaded(self, event: BoardLoaded) -> None:
        board = self.query_one(Leaderboard)
        board.show_rows(event.rows)
        board.border_subtitle = "" if event.rows else "nobody has points yet"

    @on(Voted)
    def _voted(self, event: Voted) -> None:
        self.query_one(FeedTable).show_vote(event.vote)
        self._show_selected()
        self.refresh_bindings()
        self._load_stats()
        self._load_board(self.period)

    def _reload_feed(self) -> None:
        self._feed_loading = True
        self._load_feed(self.sort, self.feed_topic)

    # workers: one service call each, the result posted back as a message ----
    @work(thread=True, exclusive=True, exit_on_error=False, group="teach-feed")
    def _load_feed(self, sort: Sort, topic: str | None) -> None:
        items = self.community.feed(topic=topic, sort=sort, limit=FEED_LIMIT)
        if not get_current_worker().is_cancelled:
            self.post_message(self.FeedLoaded(items, self.community.clock()))

    @work(thread=True, exclusive=True, exit_on_error=False, group="teach-stats")
    def _load_stats(self) -> None:
        stats = self.community.stats()
        if not get_current_worker().is_cancelled:
            self.post_message(self.StatsLoaded(stats))

    @work(thread=True, exclusive=True, exit_on_error=False, group="teach-board")
    def _load_board(self, period: Period) -> None:
        rows = self.community.leaderboard(period, limit=BOARD_LIMIT)
        if not get_current_worker().is_cancelled:
            self.post_message(self.BoardLoaded(rows))

    @work(thread=True, exclusive=True, exit_on_error=False, group="teach-vote")
    def _vote(self, explanation_id: int, up: bool) -> None:
        if up:
            vote = self.community.upvote(explanation_id)
        else:
            vote = self.community.unvote(explanation_id)
        self.post_message(self.Voted(vote))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state != WorkerState.ERROR or worker.node is not self:
            return
        if worker.group == "teach-feed":
            self._feed_loading = False
            self._after_load.clear()
        if worker.group == "teach-vote" and isinstance(worker.error, BadInput):
            # A vote the rules refuse (your own, twice, none to take back): say why.
            report_worker_error(self, worker, "Vote not counted", severity="warning")
        else:
            report_worker_error(self, worker, "Teach Back")
