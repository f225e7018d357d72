"""The Library tab's display widgets: the documents table, search results and the page preview."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, OptionList, Static
from textual.widgets.option_list import Option

from ..citations import page_mark
from ..services.library import DocumentInfo, PageView, SearchHit

HIGHLIGHT_STYLE = "bold reverse"
TITLE_WIDTH = 36


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


class DocumentTable(DataTable[object]):
    """One row per document, keyed by document id; remembers the documents it shows."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)  # type: ignore[arg-type]
        self.documents: dict[int, DocumentInfo] = {}

    def on_mount(self) -> None:
        self.add_column("#", key="id")
        self.add_column("Title", key="title")
        self.add_column("Type", key="kind")
        self.add_column("Pages", key="pages")
        self.add_column("Words", key="words")
        self.add_column("Added", key="added")

    def show_documents(self, documents: Sequence[DocumentInfo], select: int | None = None) -> None:
        """Replace the rows; keep the cursor on ``select`` or else on the document it was on."""
        keep = select if select is not None else self.selected_id
        self.clear()
        self.documents = {document.id: document for document in documents}
        for document in documents:
            pages = str(document.pages) if document.unit_name == "page" else f"{document.pages} §"
            self.add_row(
                Text(str(document.id), justify="right"),
                Text(_shorten(document.title, TITLE_WIDTH)),
                Text(document.kind),
                Text(pages, justify="right"),
                Text(f"{document.words:,}", justify="right"),
                Text(document.added_at[:10]),
                key=str(document.id),
            )
        if keep is not None:
            self.move_to(keep)

    def hide(self, doc_id: int) -> None:
        """Take ``doc_id``'s row out (its removal waits to be undone or done)."""
        if doc_id in self.documents:
            del self.documents[doc_id]
            self.remove_row(str(doc_id))

    def move_to(self, doc_id: int) -> None:
        if doc_id in self.documents:
            self.move_cursor(row=self.get_row_index(str(doc_id)))

    @property
    def selected_id(self) -> int | None:
        if not self.row_count or not self.is_valid_row_index(self.cursor_row):
            return None
        row_key = self.coordinate_to_cell_key((self.cursor_row, 0)).row_key
        return int(row_key.value) if row_key.value is not None else None

    @property
    def selected_document(self) -> DocumentInfo | None:
        doc_id = self.selected_id
        return None if doc_id is None else self.documents.get(doc_id)


def hit_prompt(hit: SearchHit) -> Text:
    """Two lines: "title — p. 3 · heading", then the snippet with the matched words highlighted."""
    mark = page_mark(hit.unit_name, hit.page, hit.page_label)
    where = Text(f"{hit.title} — {mark}", style="bold")
    if hit.heading_path:
        where.append(f" · {hit.heading_path[-1]}", style="dim")
    snippet = Text(hit.snippet)
    for start, end in hit.highlights:
        snippet.stylize(HIGHLIGHT_STYLE, start, end)
    return Text("\n").join([where, snippet])


class SearchResults(OptionList):
    """Search hits, best first; an option's id is its index into ``hits``."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.hits: list[SearchHit] = []

    def show_hits(self, query: str, hits: Sequence[SearchHit]) -> None:
        self.hits = list(hits)
        self.clear_options()
        if not self.hits:
            nothing = Text(f"No passage matches “{query}”.", style="italic")
            self.add_option(Option(nothing, disabled=True))
            return
        self._add_hits()
        self.highlighted = 0

    def forget_document(self, doc_id: int) -> None:
        """Drop the hits of a removed document."""
        if any(hit.doc_id == doc_id for hit in self.hits):
            self.hits = [hit for hit in self.hits if hit.doc_id != doc_id]
            self.clear_options()
            self._add_hits()

    def _add_hits(self) -> None:
        options: list[Option | None] = []
        for index, hit in enumerate(self.hits):
            if index:
                options.append(None)  # a separator line between hits
            options.append(Option(hit_prompt(hit), id=str(index)))
        self.add_options(options)

    def hit_at(self, option_id: str | None) -> SearchHit | None:
        if option_id is None or not option_id.isdigit():
            return None
        index = int(option_id)
        return self.hits[index] if index < len(self.hits) else None


def highlight_terms(text: str, terms: Sequence[str]) -> Text:
    """``text`` with every whole-word occurrence of ``terms`` highlighted (case-insensitive)."""
    rendered = Text(text)
    words = sorted({term for term in terms if term.strip()}, key=len, reverse=True)
    if words:
        pattern = r"\b(?:" + "|".join(re.escape(word) for word in words) + r")\b"
        rendered.highlight_regex(re.compile(pattern, re.IGNORECASE), HIGHLIGHT_STYLE)
    return rendered


class PageText(VerticalScroll):
    """The scrolling text of a page; left and right turn pages."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "turn(-1)", "Previous page", show=False),
        Binding("right", "turn(1)", "Next page", show=False),
    ]

    class Turn(Message):
        """The learner asked for the previous (-1) or next (1) page."""

        def __init__(self, step: int) -> None:
            super().__init__()
            self.step = step

    def action_turn(self, step: int) -> None:
        self.post_message(self.Turn(step))


NO_PREVIEW = "Select a document (Enter on its row) or a search hit to read it here."


class PagePreview(Vertical):
    """A header line ("Title — p. 3 · Heading") over the page's text."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.view: PageView | None = None

    def compose(self) -> ComposeResult:
        yield Static(NO_PREVIEW, markup=False, id="preview-title")
        with PageText(id="preview-scroll"):
            yield Static("", markup=False, id="preview-body")

    def on_mount(self) -> None:
        self.border_title = "Preview"

    def show(self, view: PageView, terms: Sequence[str] = ()) -> None:
        self.view = view
        document = view.document
        title = f"{document.title} — {page_mark(document.unit_name, view.number, view.label)}"
        if view.heading_path:
            title += " · " + " › ".join(view.heading_path)
        self.query_one("#preview-title", Static).update(Text(title, style="bold"))
        self.query_one("#preview-body", Static).update(highlight_terms(view.text, terms))
        position = view.numbers.index(view.number) + 1 if view.number in view.numbers else 0
        self.border_subtitle = f"{document.unit_name} {position} of {len(view.numbers)}"
        self.query_one(PageText).scroll_home(animate=False)

    def clear(self, message: str = NO_PREVIEW) -> None:
        self.view = None
        self.query_one("#preview-title", Static).update(Text(message))
        self.query_one("#preview-body", Static).update("")
        self.border_subtitle = ""
