"""A modal asking where to write a lesson; returns the path, or None when cancelled."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from .path_input import PathInput

EXPORT_EXTENSIONS = (".md", ".markdown", ".epub")
HELP = (
    "Write the lesson to a file: .md for Markdown (a concept map lesson becomes a Mermaid mind "
    "map), .epub for an e-book. Tab completes folders."
)


class ExportModal(ModalScreen[Path | None]):
    """Ask for a file to write the lesson to, starting from ``default`` (``~`` allowed)."""

    DEFAULT_CSS = """
    ExportModal {
        align: center middle;
    }
    ExportModal > Vertical {
        width: 72;
        max-width: 95%;
        height: auto;
        border: thick $primary;
        background: $surface;
        padding: 1 2;
    }
    ExportModal Input {
        margin-top: 1;
    }
    ExportModal .export-buttons {
        height: auto;
        margin-top: 1;
        align-horizontal: right;
    }
    ExportModal .export-buttons Button {
        margin-left: 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, default: str, explanation: str = HELP) -> None:
        super().__init__()
        self.default = default
        self.explanation = explanation

    def compose(self) -> ComposeResult:
        with Vertical() as frame:
            frame.border_title = "Export the lesson"
            yield Static(self.explanation, markup=False)
            # The suggested name is selected: typing a name of one's own replaces it.
            yield PathInput(
                EXPORT_EXTENSIONS, value=self.default, select_on_focus=True, id="export-path"
            )
            with Horizontal(classes="export-buttons"):
                yield Button("Export", variant="primary", id="export-ok")
                yield Button("Cancel", id="export-cancel")

    def on_mount(self) -> None:
        self.query_one(PathInput).focus()

    @on(Input.Submitted, "#export-path")
    @on(Button.Pressed, "#export-ok")
    def _submit(self) -> None:
        typed = self.query_one(PathInput).value.strip()
        if not typed:
            self.notify("Type the path of the file to write.", severity="warning")
            return
        self.dismiss(Path(typed).expanduser())

    @on(Button.Pressed, "#export-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
