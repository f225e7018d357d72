"""Removing documents in the Library, held back for a while: the tab hides a document at once
and asks the service to delete it only when its time to undo is up, so that ctrl+z brings it back
untouched and a crash before then loses nothing (nothing is deleted and put back)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from textual import on, work
from textual.containers import Vertical
from textual.message import Message
from textual.timer import Timer

from ..services.library import DocumentInfo, Library
from .library_views import DocumentTable, PagePreview, SearchResults
from .widgets.confirm import ConfirmModal

log = logging.getLogger("learnplat.tui")
TICK_S = 0.5


@dataclass(frozen=True)
class HeldRemoval:
    document: DocumentInfo
    due: float  # when it is deleted, by the clock that held it


class HeldRemovals:
    """The documents waiting to be deleted, in the order they were removed."""

    def __init__(self) -> None:
        self._held: list[HeldRemoval] = []

    def __len__(self) -> int:
        return len(self._held)

    def __contains__(self, doc_id: object) -> bool:
        return any(held.document.id == doc_id for held in self._held)

    @property
    def last(self) -> DocumentInfo | None:
        return self._held[-1].document if self._held else None

    def hold(self, document: DocumentInfo, due: float) -> None:
        self._held.append(HeldRemoval(document, due))

    def undo(self) -> DocumentInfo | None:
        """The last document removed, no longer to be deleted (None: nothing is held)."""
        return self._held.pop().document if self._held else None

    def release(self, doc_id: int) -> DocumentInfo | None:
        """Keep ``doc_id`` after all (it was added again before it was deleted)."""
        for held in self._held:
            if held.document.id == doc_id:
                self._held.remove(held)
                return held.document
        return None

    def take_due(self, now: float) -> list[DocumentInfo]:
        """The documents whose time to undo is up at ``now``, no longer held."""
        due = [held.document for held in self._held if held.due <= now]
        self._held = [held for held in self._held if held.due > now]
        return due

    def take_all(self) -> list[DocumentInfo]:
        """Every document held (the app is closing: what was removed is deleted now)."""
        held, self._held = self._held, []
        return [removal.document for removal in held]


class RemovalsPane(Vertical):
    """The Library pane's removals: asked first (Cancel has focus), hidden at once, deleted by a
    worker when ``UNDO_S`` seconds by ``clock`` have passed, or when the app closes."""

    UNDO_S = 10
    """How long a removed document can be brought back before it is deleted."""

    class DocumentRemoved(Message, bubble=False):
        def __init__(self, document: DocumentInfo) -> None:
            super().__init__()
            self.document = document

    def __init__(self, library: Library, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.library = library
        self.removals = HeldRemovals()
        self.clock: Callable[[], float] = time.monotonic  # times the undo (tests replace it)
        self._removal_timer: Timer | None = None

    def refresh_documents(self, select: int | None = None) -> None:
        """Read the documents again (the pane shows them, leaving out those held)."""
        raise NotImplementedError

    def hold_removals(self) -> None:
        """Start the timer that deletes held documents when their time is up (on mount)."""
        self._removal_timer = self.set_interval(TICK_S, self.tick_removals, pause=True)

    def on_unmount(self) -> None:
        # The app is closing: what was removed and not brought back is deleted now.
        for document in self.removals.take_all():
            try:
                self.library.remove(document.id)
            except Exception:
                log.exception("could not remove document %s on closing", document.id)

    def action_remove(self) -> None:
        """Remove the selected document, once the learner confirms (undone with ctrl+z)."""
        document = self.query_one(DocumentTable).selected_document
        if document is None:
            self.notify("No document is selected.", severity="warning")
            return
        question = (
            f"Remove “{document.title}” ({document.filename}) from your library?\n"
            "Its text will no longer be searched. The original file is not touched. "
            f"For {self.UNDO_S} seconds ctrl+z brings it back."
        )
        modal = ConfirmModal(question, confirm_label="Remove", title="Remove document")
        self.app.push_screen(modal, callback=partial(self._remove_confirmed, document))

    def _remove_confirmed(self, document: DocumentInfo, confirmed: bool | None) -> None:
        if not confirmed:
            return
        self.removals.hold(document, self.clock() + self.UNDO_S)
        self.forget_document(document)
        table = self.query_one(DocumentTable)
        table.hide(document.id)
        self.set_class(not table.row_count, "-empty")
        if self._removal_timer is not None:
            self._removal_timer.resume()
        self.app.refresh_bindings()  # ctrl+z (undo) is in the footer while one is held
        self.notify(
            f"Removed “{document.title}”. ctrl+z (undo) brings it back for {self.UNDO_S} s.",
            title="Removed",
            timeout=self.UNDO_S,
            markup=False,
        )

    def forget_document(self, document: DocumentInfo) -> None:
        """Stop showing ``document``'s page and search hits."""
        preview = self.query_one(PagePreview)
        if preview.view is not None and preview.view.document.id == document.id:
            preview.clear()
        self.query_one(SearchResults).forget_document(document.id)

    def action_undo_remove(self) -> None:
        """Bring back the document removed last, if it is not deleted yet."""
        document = self.removals.undo()
        if document is None:
            self.notify("Nothing to undo: no removal is waiting.", severity="warning")
            return
        self._removals_changed()
        self.refresh_documents(select=document.id)
        self.notify(f"“{document.title}” is back in your library.", markup=False)

    def keep(self, doc_id: int) -> DocumentInfo | None:
        """Do not delete ``doc_id`` after all (it was added again meanwhile); None: not held."""
        document = self.removals.release(doc_id)
        if document is not None:
            self._removals_changed()
            self.refresh_documents(select=doc_id)
        return document

    def tick_removals(self) -> None:
        """Delete the documents whose time to undo is up (read from ``clock``)."""
        due = self.removals.take_due(self.clock())
        if due:
            self._removals_changed()
            self._delete(due)

    def _removals_changed(self) -> None:
        if not self.removals and self._removal_timer is not None:
            self._removal_timer.pause()
        self.app.refresh_bindings()

    @on(DocumentRemoved)
    def _document_removed(self, event: DocumentRemoved) -> None:
        # Said when it was hidden; now it is gone for good.
        self.forget_document(event.document)
        self.refresh_documents()

    @work(thread=True, exit_on_error=False, group="library-remove")
    def _delete(self, documents: list[DocumentInfo]) -> None:
        for document in documents:
            self.post_message(self.DocumentRemoved(self.library.remove(document.id)))
