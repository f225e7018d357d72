"""The Teach Back tab's display widgets: the grade (a score gauge, a bar per rubric component,
feedback, points, missed ideas), the community feed, the leaderboard and the stats line."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Generic, Literal, Protocol, TypeVar

from rich.text import Text
from textual.app import ComposeResult, RenderResult
from textual.containers import HorizontalGroup, VerticalScroll
from textual.content import Content
from textual.coordinate import Coordinate
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import DataTable, Static
from textual.worker import Worker

from ..domain.model import Grade, GradeComponent
from ..errors import LearnplatError
from ..services.community import FeedItem, LeaderRow, Stats, VoteResult
from ..services.library import DocumentInfo
from ..services.teachback import MAX_WORDS, TeachResult

log = logging.getLogger("learnplat.tui")

ERROR_TIMEOUT_S = 12
WRITE_HINT = (
    "Explain the topic in your own words in the editor, as if to a friend, then press ctrl+s. "
    "You get a score out of 10 with what to improve, knowledge points, and your explanation "
    "joins the community feed (ctrl+o), where other learners can upvote it. It is graded "
    "against the topic library and your documents: ctrl+g picks which documents."
)
# Eighths of a cell, so that a bar shows 0.95 and 1.0 apart.
_EIGHTHS = " ▏▎▍▌▋▊▉"
COMPONENT_BAR = 10
LEVEL_SHORT = {"beginner": "beg", "intermediate": "int", "advanced": "adv"}
Item = TypeVar("Item")


def report_worker_error(
    widget: Widget,
    worker: Worker[None],
    title: str,
    severity: Literal["warning", "error"] = "error",
) -> None:
    """Notify a failed worker's error: a LearnplatError with its hint, anything else as
    unexpected (and logged)."""
    error = worker.error
    if isinstance(error, LearnplatError):
        message = error.message if not error.hint else f"{error.message}\n{error.hint}"
        widget.notify(
            message, title=title, severity=severity, timeout=ERROR_TIMEOUT_S, markup=False
        )
        return
    log.error("teach worker %s failed", worker.name, exc_info=error)
    widget.notify(
        f"Unexpected error: {error.__class__.__name__}: {error}",
        title="Something went wrong",
        severity="error",
        timeout=ERROR_TIMEOUT_S,
        markup=False,
    )


def shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


SOURCES_HELP = (
    "Space or Enter ticks a document. Explanations are graded against the topic library and "
    "the passages on their topic in the ticked documents; with none ticked, in your whole "
    "library."
)


def sources_label(documents: list[DocumentInfo], doc_ids: tuple[int, ...]) -> str:
    """What explanations are graded against, for the options row and the pending list."""
    picked = [document.title for document in documents if document.id in doc_ids]
    if not picked:
        return "all your documents"
    if len(picked) == 1:
        return shorten(picked[0], 22)
    return f"{len(picked)} documents"


def bar(fraction: float, width: int) -> str:
    """A left-to-right bar ``width`` cells wide, filled to ``fraction`` (0-1) in eighths."""
    fraction = min(max(fraction, 0.0), 1.0)
    eighths = round(fraction * width * 8)
    full, part = divmod(eighths, 8)
    filled = "█" * full + (_EIGHTHS[part] if part else "")
    return filled + "░" * (width - len(filled))


def score_style(fraction: float) -> str:
    if fraction >= 0.7:
        return "$success"
    if fraction >= 0.4:
        return "$warning"
    return "$error"


def count_words(text: str) -> int:
    """Words as the service counts them against the 5,000-word limit."""
    return len(text.split())


def word_count_label(words: int) -> str:
    label = f"{words:,} / {MAX_WORDS:,} words"
    return label + " · too long" if words > MAX_WORDS else label


def ago(created_at: str, now: datetime) -> str:
    """How long before ``now`` an ISO timestamp was: "now", "5m ago", "3h ago", "2d ago" or
    a date."""
    try:
        moment = datetime.fromisoformat(created_at)
    except ValueError:
        return created_at[:10]
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    seconds = (now - moment).total_seconds()
    if seconds < 60:
        return "now"
    if seconds < 3600:
        return f"{int(seconds // 60)}m ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)}h ago"
    if seconds < 7 * 86400:
        return f"{int(seconds // 86400)}d ago"
    return moment.date().isoformat()


def stats_line(stats: Stats) -> Content:
    """One line: points, explanations, average score, rank and upvotes."""
    average = f"{stats.average_score:.1f}/10" if stats.average_score is not None else "–"
    rank = f"#{stats.rank}" if stats.rank is not None else "none yet"
    plural = "" if stats.explanations == 1 else "s"
    return Content.from_markup(
        "[b]$name[/b]  [b $accent]$points[/] points · $count explanation$plural · "
        "average $average · rank $rank · ▲ $received received",
        name=stats.display_name,
        points=str(stats.points),
        count=str(stats.explanations),
        plural=plural,
        average=average,
        rank=rank,
        received=str(stats.upvotes_received),
    )


def item_preview(item: FeedItem) -> Content:
    """The explanation's start, after who wrote it (and whether the learner upvoted it)."""
    author = "you" if item.mine else item.author
    voted = ", upvoted by you ✓" if item.voted_by_me else ""
    return Content.assemble((f"#{item.id} by {author}{voted}: ", "bold"), item.excerpt)


class ScoreGauge(Widget):
    """The score as "7/10" and a bar as wide as the widget, coloured by how good it is."""

    DEFAULT_CSS = """
    ScoreGauge {
        height: 1;
    }
    """

    score: reactive[int] = reactive(0)

    def render(self) -> RenderResult:
        label = f"{self.score}/10 "
        width = max(self.size.width - len(label), 0)
        fraction = self.score / 10
        return Content.assemble((label, "bold"), (bar(fraction, width), score_style(fraction)))


class Bullet(HorizontalGroup):
    """A marked line whose wrapped lines stay indented under its text."""

    DEFAULT_CSS = """
    Bullet {
        height: auto;
    }
    Bullet > .bullet-mark {
        width: 2;
    }
    Bullet > .bullet-text {
        width: 1fr;
    }
    """

    def __init__(self, text: str | Content, mark: str = "•", **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._text = text
        self._mark = mark

    def compose(self) -> ComposeResult:
        yield Static(self._mark, markup=False, classes="bullet-mark")
        yield Static(self._text, markup=False, classes="bullet-text")


def component_line(component: GradeComponent) -> Content:
    """The rubric part, its bar and its score: "coverage  █████████▌ 95%  ×0.45"."""
    return Content.assemble(
        (f"{component.name:<12}", "bold"),
        (bar(component.score, COMPONENT_BAR), score_style(component.score)),
        f" {component.score:.0%}".ljust(5),
        (f" ×{component.weight:g}", "dim"),
    )


def points_text(result: TeachResult) -> str:
    submission = result.submission
    if submission.points:
        return (
            f"+{submission.points} knowledge points · shared as #{submission.id} "
            "in the community feed"
        )
    return submission.points_reason.capitalize() or "No points."


class GradeView(VerticalScroll):
    """What the grader made of an explanation; the hint on how it works until then."""

    def compose(self) -> ComposeResult:
        yield Static(WRITE_HINT, markup=False, classes="teach-hint")

    async def show_result(self, result: TeachResult) -> None:
        """Replace what is shown with ``result``: its grade, or why it has none yet."""
        submission = result.submission
        self.border_title = Content(f"{submission.topic} · {submission.level} · #{submission.id}")
        await self.remove_children()
        if result.grade is None:
            error = result.error
            reason = error.message if error is not None else "grading did not finish"
            await self.mount(
                Static(
                    f"Saved as #{submission.id} but not graded: {reason}. Nothing is lost: "
                    "it waits in the pending list (ctrl+l), where enter grades it again.",
                    markup=False,
                    classes="teach-warning",
                )
            )
            return
        await self.mount_all(self._grade_widgets(result, result.grade))
        self.scroll_home(animate=False)

    def _grade_widgets(self, result: TeachResult, grade: Grade) -> list[Widget]:
        gauge = ScoreGauge(id="teach-gauge")
        gauge.score = grade.score
        points_class = "teach-points" if result.submission.points else "teach-warning"
        widgets: list[Widget] = [
            gauge,
            Static(points_text(result), markup=False, classes=points_class),
            Static("Rubric", classes="teach-heading"),
        ]
        for component in grade.components:
            widgets.append(Static(component_line(component), classes="teach-component"))
            widgets.append(Static(component.detail, markup=False, classes="teach-detail"))
        for notice in grade.notices:
            widgets.append(Bullet(notice, "⚠", classes="teach-warning"))
        if grade.feedback:
            widgets.append(Static("Feedback", classes="teach-heading"))
            widgets.extend(Bullet(line, classes="teach-feedback") for line in grade.feedback)
        if grade.suggestion:
            widgets.append(Static("Next time", classes="teach-heading"))
            widgets.append(Bullet(grade.suggestion, "→", classes="teach-suggestion"))
        if grade.missed:
            widgets.append(Static("Missed ideas", classes="teach-heading"))
            for idea in grade.missed:
                where = idea.citation.label if idea.citation is not None else "the reference"
                text = Content.assemble(idea.text, (f" — explained in {where}", "dim"))
                widgets.append(Bullet(text, classes="teach-missed"))
        return widgets


class ExplanationTable(DataTable[object], Generic[Item]):
    """Explanations, one row each keyed by explanation id; a reload keeps the cursor on the
    explanation it was on."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)  # type: ignore[arg-type]
        self.items: dict[int, Item] = {}

    def show_rows(self, rows: Sequence[tuple[int, Item, Sequence[Text]]]) -> None:
        """Replace the rows with ``rows`` of (explanation id, item, cells)."""
        keep = self.selected_id
        self.clear()
        self.items = {explanation_id: item for explanation_id, item, _cells in rows}
        for explanation_id, _item, cells in rows:
            self.add_row(*cells, key=str(explanation_id))
        if keep in self.items:
            self.move_cursor(row=self.get_row_index(str(keep)))

    @property
    def selected_id(self) -> int | None:
        if not self.row_count or not self.is_valid_row_index(self.cursor_row):
            return None
        row_key = self.coordinate_to_cell_key(Coordinate(self.cursor_row, 0)).row_key
        return int(row_key.value) if row_key.value is not None else None

    @property
    def selected_item(self) -> Item | None:
        explanation_id = self.selected_id
        return None if explanation_id is None else self.items.get(explanation_id)


class FeedTable(ExplanationTable[FeedItem]):
    """The community's explanations."""

    def on_mount(self) -> None:
        self.add_column("▲", key="votes")
        self.add_column("Score", key="score")
        self.add_column("Topic", key="topic")
        self.add_column("Lvl", key="level")
        self.add_column("Author", key="author")
        self.add_column("When", key="when")
        self.add_column("Excerpt", key="excerpt")

    def show_items(self, items: Sequence[FeedItem], now: datetime) -> None:
        """Replace the rows, keeping the cursor on the explanation it was on."""
        self.show_rows([(item.id, item, self._cells(item, now)) for item in items])

    def _cells(self, item: FeedItem, now: datetime) -> list[Text]:
        author = f"{item.author} (you)" if item.mine else item.author
        return [
            self._votes_cell(item),
            Text(f"{item.score}/10", justify="right"),
            Text(shorten(item.topic, 24)),
            Text(LEVEL_SHORT.get(item.level, item.level)),
            Text(shorten(author, 16)),
            Text(ago(item.created_at, now)),
            Text(item.excerpt),
        ]

    @staticmethod
    def _votes_cell(item: FeedItem) -> Text:
        # ✓: the learner's own upvote, which u takes back.
        if item.voted_by_me:
            return Text(f"▲ {item.upvotes} ✓", style="bold")
        return Text(f"▲ {item.upvotes}")

    def show_vote(self, vote: VoteResult) -> None:
        """Update one row's upvotes after the learner voted or took the vote back."""
        item = self.items.get(vote.explanation_id)
        if item is None:
            return
        item = replace(item, upvotes=vote.upvotes, voted_by_me=vote.voted_by_me)
        self.items[item.id] = item
        self.update_cell(str(item.id), "votes", self._votes_cell(item), update_width=True)


class Standing(Protocol):
    """A line of a board: who, where, and whether it is the learner."""

    @property
    def rank(self) -> int: ...

    @property
    def display_name(self) -> str: ...

    @property
    def is_me(self) -> bool: ...


Row = TypeVar("Row", bound=Standing)


class StandingsTable(DataTable[object], Generic[Row]):
    """A board, best first: rank and name, then the subclass's ``COLUMNS`` (label, key) filled
    by ``cells``; the learner's own row in bold and named "(you)"."""

    NAME_LABEL = "Learner"
    NAME_WIDTH = 16
    COLUMNS: tuple[tuple[str, str], ...] = ()

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="none", zebra_stripes=True, **kwargs)  # type: ignore[arg-type]

    def on_mount(self) -> None:
        self.add_column("#", key="rank")
        self.add_column(self.NAME_LABEL, key="name")
        for label, key in self.COLUMNS:
            self.add_column(label, key=key)

    def cells(self, row: Row, style: str) -> list[Text]:
        raise NotImplementedError

    def show_rows(self, rows: Sequence[Row]) -> None:
        self.clear()
        for row in rows:
            style = "bold" if row.is_me else ""
            name = f"{row.display_name} (you)" if row.is_me else row.display_name
            self.add_row(
                Text(f"{row.rank}.", style=style, justify="right"),
                Text(shorten(name, self.NAME_WIDTH), style=style),
                *self.cells(row, style),
                key=str(row.rank),
            )


class Leaderboard(StandingsTable[LeaderRow]):
    """The learners with the most points; the learner's own row marked."""

    COLUMNS = (("Pts", "points"), ("▲", "upvotes"))

    def cells(self, row: LeaderRow, style: str) -> list[Text]:
        return [
            Text(str(row.points), style=style, justify="right"),
            Text(str(row.upvotes_received), justify="right"),
        ]
