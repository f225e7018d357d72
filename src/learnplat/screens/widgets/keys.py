"""The keys screen (?): what every key does, tab by tab, read from the bindings of the widgets
on each tab, so that it can never disagree with what the keys really do."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS_WIDTH = 12


@dataclass(frozen=True)
class KeyRow:
    keys: str  # as the footer shows them, e.g. "^o" or "p space"
    what: str


@dataclass(frozen=True)
class KeySection:
    title: str
    rows: tuple[KeyRow, ...]


def own_bindings(nodes: Iterable[DOMNode]) -> list[Binding]:
    """The bindings that learnplat's own classes declare on ``nodes``, each class once, in the
    order the nodes come (Textual's widgets' keys, such as a table's arrows, are left out)."""
    seen: set[type] = set()
    found: list[Binding] = []
    for node in nodes:
        for cls in type(node).__mro__:
            if cls in seen or not cls.__module__.startswith("learnplat"):
                continue
            seen.add(cls)
            declared: list[BindingType] = cls.__dict__.get("BINDINGS", [])
            found.extend(Binding.make_bindings(declared))
    return found


def key_rows(app: App[object], bindings: Sequence[Binding]) -> tuple[KeyRow, ...]:
    """One row per thing a key does: keys doing the same thing share a row ("p space"), and
    a key that does one of two things by context names both ("Upvote / Take it back").
    Bindings without a description (a key's quiet twin) are not listed twice."""
    keys_by_what: dict[str, list[str]] = {}
    for binding in bindings:
        if not binding.description:
            continue
        what = binding.tooltip or binding.description
        keys = keys_by_what.setdefault(what, [])
        shown = app.get_key_display(binding)
        if shown not in keys:
            keys.append(shown)
    whats_by_keys: dict[str, list[str]] = {}
    for what, keys in keys_by_what.items():
        whats_by_keys.setdefault(" ".join(keys), []).append(what)
    return tuple(KeyRow(keys, " / ".join(whats)) for keys, whats in whats_by_keys.items())


class KeysScreen(ModalScreen[None]):
    """The sections' keys, scrolled to ``current`` (the tab it was opened from)."""

    DEFAULT_CSS = """
    KeysScreen {
        align: center middle;
    }
    KeysScreen > Vertical {
        width: 90;
        max-width: 100%;
        height: 90%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    KeysScreen .keys-heading {
        text-style: bold;
        color: $accent;
        margin-top: 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close"),
        Binding("question_mark", "close", "Close", show=False),
    ]

    def __init__(self, sections: Sequence[KeySection], current: str = "") -> None:
        super().__init__()
        self.sections = tuple(sections)
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical() as frame:
            frame.border_title = "Keys"
            frame.border_subtitle = "escape or ? closes · ctrl+p finds any action by name"
            with VerticalScroll(id="keys-list"):
                for index, section in enumerate(self.sections):
                    yield Static(
                        section.title, markup=False, classes="keys-heading", id=f"keys-{index}"
                    )
                    yield Static(self._rows(section.rows))

    def on_mount(self) -> None:
        for index, section in enumerate(self.sections):
            if section.title == self.current:
                heading = self.query_one(f"#keys-{index}", Static)
                self.call_after_refresh(
                    self.query_one("#keys-list", VerticalScroll).scroll_to_widget,
                    heading,
                    animate=False,
                    top=True,
                )

    @staticmethod
    def _rows(rows: Sequence[KeyRow]) -> Content:
        width = max([KEYS_WIDTH, *(len(row.keys) + 1 for row in rows)])
        return Content("\n").join(
            Content.assemble((row.keys.ljust(width), "bold $accent"), row.what) for row in rows
        )

    def text(self) -> str:
        """What the screen lists, as plain lines: a section's title, then its rows."""
        lines = ["Keys"]
        for section in self.sections:
            lines += ["", section.title, *(f"{row.keys}  {row.what}" for row in section.rows)]
        return "\n".join(lines)

    def action_close(self) -> None:
        self.dismiss(None)
