"""What a Challenges round plays: the pickers (mode, category or document, difficulty, size)
and their choice as one value, described the way the learner reads it."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from typing import Literal

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Select
from textual.widgets.select import InvalidSelectValueError

from ..domain.model import LEVELS
from ..services.game import CARDS_CATEGORY
from ..services.game_model import NOTES_CATEGORY
from ..services.library import DocumentInfo
from .teach_views import shorten
from .widgets.challenge_lobby import category_label

Mode = Literal["bank", "document", "review"]
MODES: tuple[tuple[str, Mode], ...] = (
    ("Question bank", "bank"),
    ("From my notes", "document"),
    ("Review due", "review"),
)
ANY = "any"
NO_DOCUMENT = "none"  # the document picker's only option while the library is empty
NO_DOCUMENTS = [("No documents yet", NO_DOCUMENT)]
DIFFICULTIES = [("Any level", ANY), *((level.capitalize(), level) for level in LEVELS)]
ROUND_SIZES = (5, 10, 15, 20)
DEFAULT_ROUND = 10


def category_options(categories: list[str]) -> list[tuple[str, str]]:
    """The category picker's choices: all, the bank's categories, the learner's cards."""
    names = [*categories, CARDS_CATEGORY]
    return [("All categories", ANY), *((category_label(name), name) for name in names)]


@dataclass(frozen=True)
class RoundSpec:
    """What a round plays: the pool of ``Game.next`` and how many questions."""

    mode: Mode
    category: str | None
    difficulty: str | None
    doc_id: int | None
    doc_title: str
    size: int

    def what(self) -> str:
        """What the questions are: "biology questions at beginner", "questions from Notes"."""
        level = f" at {self.difficulty}" if self.difficulty else ""
        if self.mode == "document":
            return f"questions from {self.doc_title}{level}"
        kind = category_label(self.category).lower() if self.category else "bank"
        if self.category == CARDS_CATEGORY:
            kind = "card"
        if self.mode == "review" and (self.category or self.difficulty):
            return f"{kind} questions{level}, those due for review first"
        if self.mode == "review":
            return "questions due for review (then new bank questions)"
        return f"{kind} questions{level}"

    def describe(self, answered: int | None = None) -> str:
        """"10 biology questions", or after a round ended early "3 of 10 biology questions"."""
        if answered is not None and answered < self.size:
            return f"{answered} of {self.size} {self.what()}"
        return f"{self.size} {self.what()}"


class RoundPickers(Horizontal):
    """The row of pickers and the Play button. The category picker gives way to the document
    picker when the mode is "From my notes"."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.documents: list[DocumentInfo] = []

    def compose(self) -> ComposeResult:
        yield Select(MODES, value="bank", allow_blank=False, compact=True, id="challenges-mode")
        yield Select(category_options([]), value=ANY, allow_blank=False, compact=True,
                     id="challenges-category")
        yield Select(NO_DOCUMENTS, allow_blank=False, compact=True, id="challenges-document")
        yield Select(DIFFICULTIES, value=ANY, allow_blank=False, compact=True,
                     id="challenges-difficulty")
        yield Select([(f"{size} questions", size) for size in ROUND_SIZES], value=DEFAULT_ROUND,
                     allow_blank=False, compact=True, id="challenges-size")
        yield Button("Play", variant="primary", compact=True, id="challenges-play")

    def on_mount(self) -> None:
        self.query_one("#challenges-document").display = False

    @property
    def mode(self) -> Mode:
        return str(self.query_one("#challenges-mode", Select).value)  # type: ignore[return-value]

    @property
    def picked_category(self) -> str | None:
        """The category a board of "this category" shows: the picker's, or notes."""
        return NOTES_CATEGORY if self.mode == "document" else self._value("#challenges-category")

    def _value(self, selector: str) -> str | None:
        value = self.query_one(selector, Select).value
        return None if value in (ANY, NO_DOCUMENT, Select.NULL) else str(value)

    def _select(self, selector: str, value: object) -> None:
        """Pick ``value`` if the picker offers it (else leave it as it is)."""
        with suppress(InvalidSelectValueError):
            self.query_one(selector, Select).value = value

    def pick(
        self, mode: Mode | None = None, category: str | None = None, difficulty: str | None = None
    ) -> None:
        """Set the pickers given (a value a picker does not offer leaves it as it is)."""
        for selector, value in (
            ("#challenges-mode", mode),
            ("#challenges-category", category),
            ("#challenges-difficulty", difficulty),
        ):
            if value is not None:
                self._select(selector, value)

    def show_choices(
        self, categories: list[str], documents: list[DocumentInfo], wanted_doc: int | None
    ) -> None:
        """Offer these categories and documents, keeping what was picked where it still is
        (``wanted_doc``, when given, is picked instead)."""
        category = self.query_one("#challenges-category", Select)
        document = self.query_one("#challenges-document", Select)
        kept_category = category.value
        kept_doc = wanted_doc if wanted_doc is not None else document.value
        self.documents = documents
        titles = [(shorten(d.title, 17), d.id) for d in documents]
        with self.prevent(Select.Changed):
            category.set_options(category_options(categories))
            document.set_options(titles or NO_DOCUMENTS)
        self._select("#challenges-category", kept_category)
        self._select("#challenges-document", kept_doc)

    def enable(self, enabled: bool) -> None:
        for widget in self.children:
            widget.disabled = not enabled

    @on(Select.Changed, "#challenges-mode")
    def _mode_changed(self) -> None:
        document = self.mode == "document"
        self.query_one("#challenges-category").display = not document
        self.query_one("#challenges-document").display = document

    def spec(self, warn: bool = True) -> RoundSpec | None:
        """What the pickers choose; None (and, with ``warn``, a warning) for a round from a
        document while there are none."""
        mode = self.mode
        doc_id = None
        doc_title = ""
        if mode == "document":
            picked = self._value("#challenges-document")
            if picked is None:
                if warn:
                    self.notify(
                        "You have no documents yet: add your notes in the Library (f4), then "
                        "play questions made from them here.",
                        title="No document",
                        severity="warning",
                    )
                return None
            doc_id = int(picked)
            doc_title = next((d.title for d in self.documents if d.id == doc_id), "your notes")
        category = None if mode == "document" else self._value("#challenges-category")
        size = int(str(self.query_one("#challenges-size", Select).value))
        return RoundSpec(
            mode, category, self._value("#challenges-difficulty"), doc_id, doc_title, size
        )
