"""The Library tab: add files, read documents page by page, search them, remove them (held back
for a while, so that ctrl+z brings a removed document back)."""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import (
    Button,
    DataTable,
    Input,
    Label,
    OptionList,
    ProgressBar,
    Static,
)
from textual.worker import Worker, WorkerState, get_current_worker

from ..errors import EncryptedDocument, LearnplatError
from ..services.extract import SUPPORTED_EXTENSIONS
from ..services.library import (
    DocumentInfo,
    IngestProgress,
    IngestResult,
    Library,
    PageView,
    SearchHit,
)
from .library_removals import RemovalsPane
from .library_views import DocumentTable, PagePreview, PageText, SearchResults
from .widgets.file_picker import FilePickerModal
from .widgets.password import PasswordModal
from .widgets.path_input import PathInput, parse_pasted_paths

log = logging.getLogger("learnplat.tui")

EMPTY_HINT = (
    "Your library is empty. Type or paste a file path above and press Enter, drop files onto "
    "the terminal, or press ctrl+o to browse. PDF, DOCX, TXT and Markdown files work."
)
ERROR_TIMEOUT_S = 12
_PAGE_GROUP = Binding.Group("Page")


@dataclass(frozen=True)
class IngestJob:
    """Files to ingest together, with the password to try (for an encrypted PDF)."""

    paths: tuple[Path, ...]
    password: str | None = None
    typed: str | None = None  # what was in the path input, to clear it once the files are in


class LibraryPane(RemovalsPane):
    """The Library tab's body. Every service call runs in a worker that posts one message back."""

    # No letter acts here: the tab opens in the path input, and a letter typed elsewhere by
    # mistake must not remove or add anything. / only moves to the search box (in an input it
    # is a character), and delete removes only from the focused table, asking first.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+o", "browse", "Browse", tooltip="Pick a PDF, DOCX, TXT or Markdown file"),
        Binding("ctrl+f,slash", "focus_search", "Search",
                tooltip="Search the text of your documents (/ outside a text box)"),
        Binding("delete", "remove", "Remove",
                tooltip="Remove the selected document (asks first; ctrl+z brings it back)"),
        Binding("left_square_bracket", "turn_page(-1)", "Previous page", group=_PAGE_GROUP),
        Binding("right_square_bracket", "turn_page(1)", "Next page", group=_PAGE_GROUP),
        Binding("escape", "focus_path", "Add a file by path", show=False,
                tooltip="Back to the path box, to add a file"),
    ]

    class DocumentsLoaded(Message, bubble=False):
        def __init__(self, documents: list[DocumentInfo]) -> None:
            super().__init__()
            self.documents = documents

    class IngestStep(Message, bubble=False):
        def __init__(self, progress: IngestProgress) -> None:
            super().__init__()
            self.progress = progress

    class IngestFinished(Message, bubble=False):
        def __init__(self, job: IngestJob, results: list[IngestResult]) -> None:
            super().__init__()
            self.job = job
            self.results = results

    class PageLoaded(Message, bubble=False):
        def __init__(self, view: PageView, terms: tuple[str, ...]) -> None:
            super().__init__()
            self.view = view
            self.terms = terms

    class SearchFinished(Message, bubble=False):
        def __init__(self, query: str, hits: list[SearchHit]) -> None:
            super().__init__()
            self.query = query
            self.hits = hits

    def __init__(self, library: Library, **kwargs: object) -> None:
        super().__init__(library, **kwargs)
        self._jobs: deque[IngestJob] = deque()
        self._locked: deque[tuple[IngestJob, Path, str]] = deque()
        self._ingesting = False
        self._asking_password = False
        self._select_after_load: int | None = None
        self._browse_from = Path.cwd()

    def compose(self) -> ComposeResult:
        with Horizontal(id="library-add"):
            yield PathInput(
                SUPPORTED_EXTENSIONS,
                placeholder="Type or paste a file path, Enter adds it (tab completes)",
                id="library-path",
            )
            yield Button("Browse…", id="library-browse")
        with Horizontal(id="library-progress"):
            # File names are shown as written: "[b]notes[/b].md" is a name, not markup.
            yield Label("", id="library-progress-label", markup=False)
            yield ProgressBar(id="library-progress-bar", show_eta=False)
        yield DocumentTable(id="library-table")
        yield Static(EMPTY_HINT, markup=False, id="library-empty")
        with Horizontal(id="library-lower"):
            with Vertical(id="library-search"):
                yield Input(placeholder="Search your documents (^f)", id="library-query")
                yield SearchResults(id="library-results")
            yield PagePreview(id="library-preview")

    def on_mount(self) -> None:
        self.query_one("#library-search").border_title = "Search"
        self.query_one("#library-progress").display = False
        self.set_class(True, "-empty")
        self.hold_removals()
        self.refresh_documents()

    # keyboard ------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Hidden from the footer (False) until there is something to act on.
        if action == "turn_page":
            previews = self.query(PagePreview)
            return bool(previews) and previews.first().view is not None
        if action == "remove":
            # Only from the table the learner moved to: delete in an input deletes a character.
            tables = self.query(DocumentTable)
            return bool(tables) and tables.first().has_focus and tables.first().row_count > 0
        return True

    def focus_default(self) -> None:
        """The path input: its placeholder invites typing, and a letter acts nowhere else."""
        self.query_one(PathInput).focus()

    def action_focus_path(self) -> None:
        self.query_one(PathInput).focus()

    def action_focus_search(self) -> None:
        self.query_one("#library-query", Input).focus()

    def action_browse(self, start: Path | None = None) -> None:
        picker = FilePickerModal(start or self._browse_from, SUPPORTED_EXTENSIONS)
        self.app.push_screen(picker, callback=self._picked)

    def _picked(self, path: Path | None) -> None:
        if path is not None:
            self._browse_from = path.parent
            self.request_ingest([path])

    def action_turn_page(self, step: int) -> None:
        view = self.query_one(PagePreview).view
        if view is None:
            self.notify("Select a document first (Enter on its row).", severity="warning")
            return
        target = view.previous if step < 0 else view.next
        if target is None:
            self.app.bell()
            return
        self._load_page(view.document.id, target)

    # adding files --------------------------------------------------------
    @on(Button.Pressed, "#library-browse")
    def _browse_pressed(self) -> None:
        self.action_browse()

    @on(Input.Submitted, "#library-path")
    def _path_submitted(self, event: Input.Submitted) -> None:
        typed = event.value.strip()
        paths = parse_pasted_paths(typed)
        if len(paths) > 1 and not all(path.exists() for path in paths):
            # Typed words that are not all files are one path that does not exist: one error.
            paths = [Path(typed).expanduser()]
        if not paths:
            self.notify("Type the path of a file to add.", severity="warning")
            return
        if len(paths) == 1 and paths[0].is_dir():
            self.action_browse(paths[0])
            return
        self.request_ingest(paths, typed=event.value)

    @on(PathInput.FilesPasted)
    def _files_pasted(self, event: PathInput.FilesPasted) -> None:
        self.request_ingest(event.paths)

    def on_paste(self, event: events.Paste) -> None:
        event.stop()
        self.ingest_pasted(event.text)

    def ingest_pasted(self, text: str) -> None:
        """Add the files named in pasted text (a terminal drag-and-drop); a folder opens Browse."""
        paths = parse_pasted_paths(text)
        found = [path for path in paths if path.exists()]
        missing = [path.name or str(path) for path in paths if not path.exists()]
        if not found:
            # Pasted prose is not a list of files: one notice, not an error per word.
            self.notify(
                "Nothing to add: the pasted text names no existing file.", severity="warning"
            )
            return
        if missing:
            more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
            names = ", ".join(missing[:3]) + more
            self.notify(f"Not found: {names}", severity="warning", markup=False)
        if len(found) == 1 and found[0].is_dir():
            self.action_browse(found[0])
        else:
            self.request_ingest(found)

    def request_ingest(
        self, paths: Sequence[Path], password: str | None = None, typed: str | None = None
    ) -> None:
        """Queue files for ingest; one batch runs at a time."""
        self._jobs.append(IngestJob(tuple(paths), password, typed))
        self._start_next_job()

    def _start_next_job(self) -> None:
        if self._ingesting or self._asking_password:
            return
        if self._locked:
            self._ask_password()
            return
        if not self._jobs:
            return
        job = self._jobs.popleft()
        self._ingesting = True
        self.query_one("#library-progress").display = True
        self.query_one(ProgressBar).update(total=len(job.paths), progress=0)
        self.query_one("#library-progress-label", Label).update(f"Adding {job.paths[0].name}")
        self._ingest(job)

    @on(IngestStep)
    def _ingest_step(self, event: IngestStep) -> None:
        progress = event.progress
        label = self.query_one("#library-progress-label", Label)
        if progress.result is None:
            queued = f" (+{len(self._jobs)} queued)" if self._jobs else ""
            label.update(
                f"Reading {progress.path.name} · {progress.index + 1}/{progress.total}{queued}"
            )
        else:
            self.query_one(ProgressBar).update(total=progress.total, progress=progress.index + 1)

    @on(IngestFinished)
    def _ingest_finished(self, event: IngestFinished) -> None:
        added: list[int] = []
        for result in event.results:
            self._report(event.job, result)
            if result.status == "added" and result.document is not None:
                added.append(result.document.id)
        path_input = self.query_one(PathInput)
        if (
            event.job.typed is not None
            and path_input.value == event.job.typed
            and all(result.status != "failed" for result in event.results)
        ):
            path_input.value = ""
        if added:
            self.refresh_documents(select=added[-1])
        self._ingest_ended()

    def _ingest_ended(self) -> None:
        self._ingesting = False
        self.query_one("#library-progress").display = False
        self._start_next_job()

    def _report(self, job: IngestJob, result: IngestResult) -> None:
        name = result.path.name
        document = result.document
        if result.status == "added" and document is not None:
            self.notify(
                f"Added “{document.title}”: {document.pages} {document.unit_name}s, "
                f"{document.words:,} words.",
                title=name,
                markup=False,
            )
        elif result.status == "duplicate" and document is not None:
            if self.keep(document.id) is not None:
                # Added again while its removal could still be undone: it stays.
                self.notify(f"Kept “{document.title}”: it is not removed after all.",
                            title=name, markup=False)
                return
            self.notify(
                f"Already in the library as “{document.title}” (#{document.id}).",
                title=name,
                markup=False,
            )
        elif isinstance(result.error, EncryptedDocument):
            self._locked.append((job, result.path, result.error.message))
        elif result.error is not None:
            self._notify_error(result.error, f"Could not add {name}")
        for warning in result.warnings:
            self.notify(warning, title=name, severity="warning", markup=False)

    def _ask_password(self) -> None:
        job, path, problem = self._locked.popleft()
        self._asking_password = True
        self.app.push_screen(
            PasswordModal(path.name, problem), callback=partial(self._password_given, job, path)
        )

    def _password_given(self, job: IngestJob, path: Path, password: str | None) -> None:
        self._asking_password = False
        if password is None:
            self.notify(
                f"Skipped {path.name}: it needs a password.", severity="warning", markup=False
            )
        else:
            self._jobs.appendleft(IngestJob((path,), password, job.typed))
        self._start_next_job()

    # documents, pages, search --------------------------------------------
    def refresh_documents(self, select: int | None = None) -> None:
        if select is not None:
            self._select_after_load = select
        self._load_documents()

    @on(DocumentsLoaded)
    def _documents_loaded(self, event: DocumentsLoaded) -> None:
        shown = [document for document in event.documents if document.id not in self.removals]
        self.query_one(DocumentTable).show_documents(shown, select=self._select_after_load)
        self._select_after_load = None
        self.set_class(not shown, "-empty")
        self.refresh_bindings()

    @on(DataTable.RowSelected, "#library-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self._load_page(int(event.row_key.value), None)

    @on(PageText.Turn)
    def _turn(self, event: PageText.Turn) -> None:
        self.action_turn_page(event.step)

    @on(PageLoaded)
    def _page_loaded(self, event: PageLoaded) -> None:
        self.query_one(PagePreview).show(event.view, event.terms)
        self.refresh_bindings()

    @on(Input.Submitted, "#library-query")
    def _query_submitted(self, event: Input.Submitted) -> None:
        query = event.value.strip()
        if not query:
            self.notify("Type a word or phrase to search for.", severity="warning")
            return
        self._search(query)

    @on(SearchFinished)
    def _search_finished(self, event: SearchFinished) -> None:
        results = self.query_one(SearchResults)
        results.show_hits(event.query, event.hits)
        if event.hits:
            results.focus()

    @on(OptionList.OptionSelected, "#library-results")
    def _hit_chosen(self, event: OptionList.OptionSelected) -> None:
        hit = self.query_one(SearchResults).hit_at(event.option_id)
        if hit is None:
            return
        self.query_one(DocumentTable).move_to(hit.doc_id)
        terms = tuple(hit.snippet[start:end] for start, end in hit.highlights)
        self._load_page(hit.doc_id, hit.page, terms)

    # workers: one service call each, the result posted back as a message ----
    @work(thread=True, exclusive=True, exit_on_error=False, group="library-documents")
    def _load_documents(self) -> None:
        documents = self.library.documents()
        if not get_current_worker().is_cancelled:
            self.post_message(self.DocumentsLoaded(documents))

    @work(thread=True, exclusive=True, exit_on_error=False, group="library-ingest")
    def _ingest(self, job: IngestJob) -> None:
        results = self.library.ingest_many(
            job.paths,
            password=job.password,
            on_progress=lambda progress: self.post_message(self.IngestStep(progress)),
        )
        self.post_message(self.IngestFinished(job, results))

    @work(thread=True, exclusive=True, exit_on_error=False, group="library-page")
    def _load_page(self, doc_id: int, number: int | None, terms: tuple[str, ...] = ()) -> None:
        view = self.library.page(doc_id, number)
        if not get_current_worker().is_cancelled:
            self.post_message(self.PageLoaded(view, terms))

    @work(thread=True, exclusive=True, exit_on_error=False, group="library-search")
    def _search(self, query: str) -> None:
        hits = self.library.search(query, limit=20)
        if not get_current_worker().is_cancelled:
            self.post_message(self.SearchFinished(query, hits))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR:
            return
        worker = event.worker
        if worker.group == "library-ingest":
            self._ingest_ended()
        if worker.group == "library-remove":
            self.refresh_documents()  # what could not be removed shows again
        error = worker.error
        if isinstance(error, LearnplatError):
            self._notify_error(error)
        else:
            log.error("library worker %s failed", worker.name, exc_info=error)
            self.notify(
                f"Unexpected error: {error.__class__.__name__}: {error}",
                title="Something went wrong",
                severity="error",
                timeout=ERROR_TIMEOUT_S,
                markup=False,
            )

    def _notify_error(self, error: LearnplatError, title: str = "") -> None:
        message = error.message if not error.hint else f"{error.message}\n{error.hint}"
        self.notify(message, title=title, severity="error", timeout=ERROR_TIMEOUT_S, markup=False)
