"""A modal asking for a document's password; returns it, or None when cancelled."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static


class PasswordModal(ModalScreen[str | None]):
    """Ask for ``document_name``'s password; ``problem`` says why (none given, or a wrong one)."""

    DEFAULT_CSS = """
    PasswordModal {
        align: center middle;
    }
    PasswordModal > Vertical {
        width: 60;
        max-width: 90%;
        height: auto;
        border: thick $primary;
        background: $surface;
        padding: 1 2;
    }
    PasswordModal Input {
        margin-top: 1;
    }
    PasswordModal .password-buttons {
        height: auto;
        margin-top: 1;
        align-horizontal: right;
    }
    PasswordModal .password-buttons Button {
        margin-left: 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, document_name: str, problem: str) -> None:
        super().__init__()
        self.document_name = document_name
        self.problem = problem

    def compose(self) -> ComposeResult:
        with Vertical() as frame:
            frame.border_title = "Password needed"
            yield Static(f"{self.problem}\nEnter the password to open it.", markup=False)
            yield Input(password=True, placeholder="password", id="password-value")
            with Horizontal(classes="password-buttons"):
                yield Button("Open", variant="primary", id="password-ok")
                yield Button("Skip file", id="password-cancel")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#password-ok")
    def _submit(self) -> None:
        self.dismiss(self.query_one(Input).value)

    @on(Button.Pressed, "#password-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
