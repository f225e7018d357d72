"""A modal picking the library documents a lesson is grounded in (or an explanation graded
against); returns their ids."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, SelectionList, Static
from textual.widgets.selection_list import Selection

from ...services.library import DocumentInfo

HELP = (
    "Space or Enter ticks a document. With none ticked, lessons use the topic library and "
    "your whole library."
)


class SourcesModal(ModalScreen[tuple[int, ...] | None]):
    """Tick documents; dismiss with their ids (empty: all), or None when cancelled."""

    DEFAULT_CSS = """
    SourcesModal {
        align: center middle;
    }
    SourcesModal > Vertical {
        width: 80;
        max-width: 95%;
        height: auto;
        max-height: 90%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    SourcesModal SelectionList {
        height: auto;
        max-height: 14;
        margin-top: 1;
    }
    SourcesModal .sources-buttons {
        height: auto;
        margin-top: 1;
        align-horizontal: right;
    }
    SourcesModal .sources-buttons Button {
        margin-left: 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "use", "Use ticked"),
    ]

    def __init__(
        self,
        documents: Sequence[DocumentInfo],
        selected: Collection[int],
        *,
        title: str = "Learn from",
        help_text: str = HELP,
    ) -> None:
        super().__init__()
        self.documents = list(documents)
        self.selected = frozenset(selected)
        self.heading = title
        self.help_text = help_text

    def compose(self) -> ComposeResult:
        with Vertical() as frame:
            frame.border_title = self.heading
            frame.border_subtitle = "ctrl+s uses the ticked documents · escape cancels"
            yield Static(self.help_text, markup=False)
            yield SelectionList[int](
                *(
                    Selection(_prompt(document), document.id, document.id in self.selected)
                    for document in self.documents
                ),
                id="sources-list",
            )
            with Horizontal(classes="sources-buttons"):
                yield Button("Use ticked", variant="primary", id="sources-use")
                yield Button("All sources", id="sources-all")
                yield Button("Cancel", id="sources-cancel")

    def on_mount(self) -> None:
        documents = self.query_one(SelectionList)
        documents.highlighted = 0  # so that space ticks the first document straight away
        documents.focus()

    @on(Button.Pressed, "#sources-use")
    def action_use(self) -> None:
        self.dismiss(tuple(self.query_one(SelectionList).selected))

    @on(Button.Pressed, "#sources-all")
    def _all(self) -> None:
        self.dismiss(())

    @on(Button.Pressed, "#sources-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


def _prompt(document: DocumentInfo) -> Text:
    unit = "pages" if document.unit_name == "page" else "sections"
    return Text.assemble(
        document.title, (f"  #{document.id} · {document.kind} · {document.pages} {unit}", "dim")
    )
