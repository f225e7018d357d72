"""An Input whose tab (and right arrow) accepts the suggester's completion, and where typing
after coming back adds to the text instead of replacing it."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import Input


class CompletingInput(Input):
    """Tab accepts the suggestion; with none, it moves focus on as tab normally does. Focus
    puts the cursor at the end rather than selecting everything (unless ``select_on_focus`` is
    asked for): the tabs give their input the focus by themselves, and a key typed then must
    not wipe what was written (Input has no undo)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab", "complete", "Complete", show=False),
    ]

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("select_on_focus", False)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def on_focus(self) -> None:
        if not self.select_on_focus:
            self.cursor_position = len(self.value)

    def action_complete(self) -> None:
        before = self.value
        if self.cursor_at_end:
            self.action_cursor_right()
        if self.value == before:
            self.screen.focus_next()
