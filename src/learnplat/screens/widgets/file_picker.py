"""A modal directory browser that returns the supported file the learner picks."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DirectoryTree, Label


class SupportedFileTree(DirectoryTree):
    """A DirectoryTree showing directories and files of the given types, hidden entries left out."""

    def __init__(self, path: str | Path, extensions: Collection[str], **kwargs: object) -> None:
        self.extensions = frozenset(extension.lower() for extension in extensions)
        super().__init__(path, **kwargs)  # type: ignore[arg-type]

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [
            path
            for path in paths
            if not path.name.startswith(".")
            and (_is_dir(path) or path.suffix.lower() in self.extensions)
        ]


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False


class FilePickerModal(ModalScreen[Path | None]):
    """Browse from ``start`` and return the chosen file, or None when cancelled."""

    DEFAULT_CSS = """
    FilePickerModal {
        align: center middle;
    }
    FilePickerModal > Vertical {
        width: 90%;
        max-width: 100;
        height: 90%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    FilePickerModal SupportedFileTree {
        height: 1fr;
    }
    FilePickerModal .picker-buttons {
        height: auto;
        align-horizontal: right;
    }
    FilePickerModal .picker-buttons Button {
        margin-left: 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("backspace", "parent", "Up a folder"),
    ]

    def __init__(self, start: Path, extensions: Collection[str], title: str = "Add a file") -> None:
        super().__init__()
        self.start = start
        self.extensions = extensions
        self.picker_title = title

    def compose(self) -> ComposeResult:
        with Vertical() as frame:
            frame.border_title = self.picker_title
            yield Label(
                "Enter opens a folder or picks a file; backspace goes up a folder.",
                classes="picker-help",
            )
            yield SupportedFileTree(self.start, self.extensions)
            with Horizontal(classes="picker-buttons"):
                yield Button("Up a folder", id="picker-parent")
                yield Button("Cancel", id="picker-cancel")

    def on_mount(self) -> None:
        self._show_root()
        self.query_one(SupportedFileTree).focus()

    def _show_root(self) -> None:
        self.query_one(Vertical).border_subtitle = str(self.query_one(SupportedFileTree).path)

    @on(DirectoryTree.FileSelected)
    def _picked(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        self.dismiss(event.path)

    @on(Button.Pressed, "#picker-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#picker-parent")
    def action_parent(self) -> None:
        tree = self.query_one(SupportedFileTree)
        current = Path(tree.path).resolve()
        if current.parent != current:
            tree.path = current.parent
            self._show_root()
