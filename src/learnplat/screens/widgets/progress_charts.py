"""Plots drawn in the terminal with block characters: columns over days (points per day,
reviews due per day) and labelled horizontal bars (accuracy by category)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual.app import RenderResult
from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget

from ..teach_views import bar, score_style

# Eighths of a cell from the bottom, so that a small value still shows.
_RISE = " ▁▂▃▄▅▆▇█"
MAX_COLUMN = 6


def column_cells(value: int, top: int, rows: int) -> list[int]:
    """How many eighths of each cell a column fills, bottom row first (a value above 0
    fills at least one eighth)."""
    if top <= 0 or value <= 0:
        return [0] * rows
    eighths = max(1, round(value / top * rows * 8))
    return [min(8, max(0, eighths - 8 * row)) for row in range(rows)]


class ColumnChart(Widget):
    """One column per value, as tall as the widget less the date axis, the largest value
    labelled on the left; the first and last labels under the axis."""

    DEFAULT_CSS = """
    ColumnChart {
        height: 6;
    }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.values: list[int] = []
        self.first = ""
        self.last = ""
        self.empty = ""
        self.marked: set[int] = set()  # columns drawn in the warning colour

    def show(
        self,
        values: Sequence[int],
        first: str,
        last: str,
        empty: str,
        marked: set[int] | None = None,
    ) -> None:
        self.values = list(values)
        self.first, self.last, self.empty = first, last, empty
        self.marked = marked or set()
        self.refresh()

    def render(self) -> RenderResult:
        if not any(self.values):
            return Content(self.empty).stylize("$text-muted")
        rows = max(1, self.size.height - 1)
        top = max(self.values)
        label = f"{top:,}"
        room = max(self.size.width - len(label) - 1, len(self.values))
        column = max(1, min(MAX_COLUMN, room // len(self.values)))
        # Wide columns get a gap between them; one-cell columns touch.
        filled = column - 1 if column > 2 else column
        cells = [column_cells(value, top, rows) for value in self.values]
        lines: list[Content] = []
        for row in reversed(range(rows)):
            axis = (label if row == rows - 1 else "").rjust(len(label)) + "▕"
            parts: list[Content | tuple[str, str] | str] = [(axis, "$text-muted")]
            for index, column_eighths in enumerate(cells):
                style = "$warning" if index in self.marked else "$accent"
                parts.append((_RISE[column_eighths[row]] * filled, style))
                parts.append(" " * (column - filled))
            lines.append(Content.assemble(*parts))
        span = column * len(self.values)
        gap = max(1, span - len(self.first) - len(self.last))
        dates = " " * (len(label) + 1) + self.first + " " * gap + self.last
        lines.append(Content(dates).stylize("$text-muted"))
        return Content("\n").join(lines)


@dataclass(frozen=True)
class BarRow:
    label: str
    fraction: float
    detail: str


class BarList(Widget):
    """A labelled bar per row, coloured by how good the fraction is, its detail after it."""

    DEFAULT_CSS = """
    BarList {
        height: auto;
    }
    """

    MAX_LABEL = 16

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.rows: list[BarRow] = []
        self.empty = ""

    def show(self, rows: Sequence[BarRow], empty: str) -> None:
        self.rows = list(rows)
        self.empty = empty
        self.refresh(layout=True)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        if not self.rows:
            return max(1, len(Content(self.empty).wrap(width)))
        return len(self.rows)

    def render(self) -> RenderResult:
        if not self.rows:
            return Content(self.empty).stylize("$text-muted")
        label_width = min(self.MAX_LABEL, max(len(row.label) for row in self.rows))
        detail_width = max(len(row.detail) for row in self.rows)
        bar_width = max(4, self.size.width - label_width - detail_width - 2)
        lines = [
            Content.assemble(
                (row.label[:label_width].ljust(label_width), "bold"),
                " ",
                (bar(row.fraction, bar_width), score_style(row.fraction)),
                " ",
                row.detail.rjust(detail_width),
            )
            for row in self.rows
        ]
        return Content("\n").join(lines)
