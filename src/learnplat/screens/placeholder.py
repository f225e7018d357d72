"""The shared body of a tab that is not built yet: what it will do, and where to go meanwhile."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

LIBRARY_HINT = (
    "The Library works now: press f4 to add your notes (PDF, DOCX, TXT, Markdown), "
    "read them page by page and search them."
)


class ComingSoon(VerticalScroll):
    """A plain statement that an area is not built yet, and what it will do."""

    HEADING = ""
    PLAN = ""

    def compose(self) -> ComposeResult:
        yield Static(self.HEADING, markup=False, classes="coming-heading")
        yield Static(self.PLAN, markup=False, classes="coming-plan")
        yield Static(LIBRARY_HINT, markup=False, classes="coming-hint")
