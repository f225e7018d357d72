"""The Teach Back tab's pending list: the learner's explanations whose grading failed, each with
its topic, level, age and start; enter grades the selected one again, ctrl+r all of them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import DataTable, Static

from ...services.community import Submission, excerpt
from ..teach_views import LEVEL_SHORT, ExplanationTable, ago, shorten

EMPTY = (
    "Nothing is waiting for a grade. When grading fails (a provider that cannot be reached, "
    "say), the explanation is saved and waits here until it is graded."
)
PREVIEW_CHARS = 220  # with its heading, 4 lines at 80 columns


class PendingTable(ExplanationTable[Submission]):
    """The pending explanations, oldest first."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # DataTable's own enter, shown: it is what this list is for.
        Binding("enter", "select_cursor", "Grade again", tooltip="Grade the selected one again"),
    ]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._now: datetime | None = None

    def on_mount(self) -> None:
        self.add_column("#", key="id")
        self.add_column("Topic", key="topic")
        self.add_column("Lvl", key="level")
        self.add_column("When", key="when")
        self.add_column("Start", key="start")

    def show_items(self, items: Sequence[Submission], now: datetime) -> None:
        """Replace the rows, keeping the cursor on the explanation it was on if still pending."""
        self._now = now
        cells = [
            [
                Text(str(item.id), justify="right"),
                Text(shorten(item.topic, 24)),
                Text(LEVEL_SHORT.get(item.level, item.level)),
                Text(ago(item.created_at, now)),
            ]
            for item in items
        ]
        # The start of the text as wide as what the other columns leave, so that no row
        # runs off the right edge.
        room = self._room(cells)
        self.show_rows(
            [
                (item.id, item, [*row, Text(excerpt(item.transcript, room))])
                for item, row in zip(items, cells, strict=True)
            ]
        )

    def _room(self, rows: Sequence[Sequence[Text]]) -> int:
        labels = [column.label for column in self.columns.values()][:-1]
        widths = [max(cell.cell_len for cell in cells) for cells in zip(labels, *rows, strict=True)]
        padding = 2 * self.cell_padding * (len(widths) + 1)
        return max(self.scrollable_content_region.width - sum(widths) - padding - 1, 16)

    def on_resize(self) -> None:
        if self._now is not None and self.items:
            self.show_items(list(self.items.values()), self._now)


def preview(item: Submission, now: datetime) -> Content:
    """What the selected explanation is, then more of its text than the table has room for."""
    words = len(item.transcript.split())
    return Content.assemble(
        (f"#{item.id} · {item.topic} · {item.level} · {ago(item.created_at, now)} · ", "bold"),
        (f"{words:,} words: ", "bold"),
        excerpt(item.transcript, PREVIEW_CHARS),
    )


class PendingView(Vertical):
    """The list, the selected explanation's start and what regrading uses. It asks the pane
    to grade (``Regrade``); the pane's worker does it and hands the list back (``show``)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "regrade_all", "Grade all", tooltip="Grade every pending one again"),
    ]

    class Regrade(Message):
        """Grade again one explanation (its id) or, with None, every pending one."""

        def __init__(self, explanation_id: int | None) -> None:
            super().__init__()
            self.explanation_id = explanation_id

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.now: datetime | None = None  # the clock when the list was read; None: never read
        self.count = 0
        self.against = ""  # what grading again uses, e.g. "all your documents"
        self.loading = False
        self._after_load: list[Callable[[], None]] = []

    def compose(self) -> ComposeResult:
        yield PendingTable(id="teach-pending-table")
        yield Static("", id="teach-pending-preview")

    def on_mount(self) -> None:
        self._show_titles()
        self._show_selected()

    @property
    def table(self) -> PendingTable:
        return self.query_one(PendingTable)

    def focus_default(self) -> None:
        self.table.focus()

    def show(self, items: Sequence[Submission], now: datetime) -> None:
        """Show ``items``, the pending explanations read at ``now``."""
        self.loading = False
        self.now = now
        self.count = len(items)
        self.table.show_items(items, now)
        self._show_titles()
        self._show_selected()
        waiting, self._after_load = self._after_load, []
        for action in waiting:
            action()

    def when_loaded(self, action: Callable[[], None]) -> None:
        """Run ``action`` now, or once the list being loaded is shown."""
        if self.loading:
            self._after_load.append(action)
        else:
            action()

    def load_failed(self) -> None:
        self.loading = False
        self._after_load.clear()

    def show_against(self, against: str) -> None:
        """Say what grading again uses (the documents picked in the tab)."""
        self.against = against
        self._show_titles()

    def busy(self, text: str | None) -> None:
        """Say that grading runs (``text``), or that it is over (None)."""
        self.table.border_title = Content(text or f"Waiting for a grade · {self.count}")

    def _show_titles(self) -> None:
        self.table.border_title = Content(f"Waiting for a grade · {self.count}")
        against = f"graded against {self.against}" if self.against else ""
        self.table.border_subtitle = Content(against)

    @on(DataTable.RowHighlighted, "#teach-pending-table")
    def _row_highlighted(self) -> None:
        self._show_selected()

    def _show_selected(self) -> None:
        item = self.table.selected_item
        shown = self.query_one("#teach-pending-preview", Static)
        if item is None or self.now is None:
            shown.update(Content(EMPTY) if not self.table.row_count else "")
            shown.set_class(not self.table.row_count, "-empty")
            return
        shown.set_class(False, "-empty")
        shown.update(preview(item, self.now))

    @on(DataTable.RowSelected, "#teach-pending-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_regrade_selected()

    def action_regrade_selected(self) -> None:
        explanation_id = self.table.selected_id
        if explanation_id is None:
            self.notify("No explanation is waiting for a grade.", title="Grade again")
            return
        self.post_message(self.Regrade(explanation_id))

    def action_regrade_all(self) -> None:
        self.post_message(self.Regrade(None))
