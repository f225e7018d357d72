"""A yes/no modal that returns True only when the learner confirms."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ConfirmModal(ModalScreen[bool]):
    """Ask ``question``; dismiss with True for the confirm button, False for cancel or escape."""

    DEFAULT_CSS = """
    ConfirmModal {
        align: center middle;
    }
    ConfirmModal > Vertical {
        width: 60;
        max-width: 90%;
        height: auto;
        border: thick $warning;
        background: $surface;
        padding: 1 2;
    }
    ConfirmModal .confirm-buttons {
        height: auto;
        margin-top: 1;
        align-horizontal: right;
    }
    ConfirmModal .confirm-buttons Button {
        margin-left: 1;
    }
    """

    # No letter confirms: a word typed into the wrong place must not say yes. Enter presses the
    # focused button, and Cancel has the focus.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(
        self, question: str, confirm_label: str = "Confirm", title: str = "Confirm"
    ) -> None:
        super().__init__()
        self.question = question
        self.confirm_label = confirm_label
        self.confirm_title = title

    def compose(self) -> ComposeResult:
        with Vertical() as frame:
            frame.border_title = self.confirm_title
            yield Static(self.question, markup=False, classes="confirm-question")
            with Horizontal(classes="confirm-buttons"):
                yield Button(self.confirm_label, variant="error", id="confirm-yes")
                yield Button("Cancel", id="confirm-no")

    def on_mount(self) -> None:
        # The safe choice has focus, so a stray Enter keeps things as they are.
        self.query_one("#confirm-no", Button).focus()

    @on(Button.Pressed, "#confirm-yes")
    def action_confirm(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#confirm-no")
    def action_cancel(self) -> None:
        self.dismiss(False)
