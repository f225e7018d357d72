"""The Teach Back tab: explain a topic in your own words and get it graded against the topic
library and the documents you pick, grade again the explanations whose grading failed, then see
the community's explanations, upvote them, and where you stand on the leaderboard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, Literal

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, ContentSwitcher, Input, Label, Select, TextArea
from textual.worker import Worker, WorkerState, get_current_worker

from ..domain.model import LEVELS
from ..errors import LearnplatError
from ..services.community import Community, Submission
from ..services.library import DocumentInfo, Library
from ..services.teachback import MAX_WORDS, TeachBack, TeachResult
from ..services.topics import TopicLibrary
from .learn_views import Superseded, TopicInput
from .model_status import watch_model
from .teach_community import CommunityView
from .teach_views import (
    ERROR_TIMEOUT_S,
    SOURCES_HELP,
    GradeView,
    count_words,
    report_worker_error,
    sources_label,
    word_count_label,
)
from .widgets.learn_sources import SourcesModal
from .widgets.teach_pending import PendingView

View = Literal["write", "community", "pending"]
EDITOR_PLACEHOLDER = (
    "Explain the topic here in your own words: what it is, how it works, an example…"
)
class TeachPane(Vertical):
    """The Teach Back tab's body. Service calls run in workers that post messages back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Submit", tooltip="Grade the explanation in the editor"),
        # One key, two labels: the footer names the view it goes to (check_action picks).
        Binding(
            "ctrl+o",
            "show_view('community')",
            "Community",
            tooltip="The community's explanations and the leaderboard",
        ),
        Binding("ctrl+o", "show_view('write')", "Write", tooltip="The editor and your grade"),
        Binding("ctrl+l", "pending(True)", "Pending", tooltip="Explanations waiting for a grade"),
        Binding("ctrl+l", "pending(False)", "Write", tooltip="The editor and your grade"),
        Binding(
            "ctrl+g",
            "sources",
            "Sources",
            tooltip="Pick which of your documents explanations are graded against",
        ),
        # Each key is in the footer of the views it matters in (80 columns hold no more), and
        # ctrl+l once something is pending; these twins keep the keys working everywhere.
        Binding("ctrl+s", "quietly('submit')", show=False),
        Binding("ctrl+o", "quietly('toggle_view')", show=False),
        Binding("ctrl+l", "quietly('pending')", show=False),
        Binding("ctrl+g", "quietly('sources')", show=False),
        # In the pending view's footer (its own ctrl+r); works everywhere.
        Binding("ctrl+r", "regrade", "Grade all", show=False,
                tooltip="Grade every pending one again"),
    ]

    @dataclass
    class ChoicesLoaded(Message, bubble=False):
        topics: list[str]
        documents: list[DocumentInfo]
        open_sources: bool  # then show the picker

    @dataclass
    class PendingLoaded(Message, bubble=False):
        items: list[Submission]
        now: datetime

    @dataclass
    class Graded(Message, bubble=False):
        results: list[TeachResult]
        regrade: bool = False  # grading again explanations left pending

    def __init__(
        self,
        teachback: TeachBack,
        community: Community,
        topics: TopicLibrary,
        library: Library | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.teachback = teachback
        self.community = community
        self.topics = topics
        self.library = library or teachback.learning.library
        self.view: View = "write"
        self.grading = False
        self.documents: list[DocumentInfo] = []
        self.doc_ids: tuple[int, ...] = ()  # graded against these documents; none: all
        self.pending: list[Submission] = []
        self._shown_title: str | Content | None = None

    def compose(self) -> ComposeResult:
        # Tab goes the way a learner does: the topic, the explanation, then how it is graded.
        # Nothing stands between the topic and the editor; Submit is clicked or ctrl+s, never a
        # Tab and an Enter away from text being typed.
        with Horizontal(id="teach-ask"):
            yield TopicInput(
                placeholder="Topic you explain, e.g. photosynthesis (tab completes)",
                id="teach-topic",
            )
            submit = Button("Submit", variant="primary", id="teach-submit")
            submit.can_focus = False
            yield submit
        with ContentSwitcher(initial="teach-write", id="teach-views"):
            with Horizontal(id="teach-write"):
                yield TextArea(id="teach-editor", placeholder=EDITOR_PLACEHOLDER)
                yield GradeView(id="teach-result")
            yield CommunityView(
                self.community, typed_topic=lambda: self.topic, id="teach-community"
            )
            yield PendingView(id="teach-pending")
        with Horizontal(id="teach-options"):
            yield Label("Level", classes="teach-option-label")
            yield Select(
                [(level.capitalize(), level) for level in LEVELS],
                value="beginner",
                allow_blank=False,
                compact=True,
                id="teach-level",
            )
            yield Label("Graded against", classes="teach-option-label")
            yield Button(sources_label([], ()), compact=True, id="teach-sources")
            yield Button("", compact=True, variant="warning", id="teach-pending-count")

    def on_mount(self) -> None:
        editor = self.query_one("#teach-editor", TextArea)
        editor.border_title = "Your explanation"
        editor.border_subtitle = word_count_label(0)
        self.query_one(GradeView).border_title = "Your grade"
        self.query_one("#teach-pending-count", Button).display = False

    def on_show(self) -> None:
        # Documents may have come or gone in the Library, others may have shared or voted, and
        # the CLI may have left explanations pending since we last looked.
        self._load_choices(open_sources=False)
        self._reload_pending()
        self.community_view.refresh_all()

    @property
    def community_view(self) -> CommunityView:
        return self.query_one(CommunityView)

    @property
    def pending_view(self) -> PendingView:
        return self.query_one(PendingView)

    # public ----------------------------------------------------------------
    def focus_default(self) -> None:
        """Where the tab opens: the topic until one is typed, then the editor; the topic too
        while the community or pending view shows (its keys act only once it is moved to)."""
        if self.view == "write" and self.topic:
            self.query_one("#teach-editor", TextArea).focus()
        else:
            self.query_one("#teach-topic", TopicInput).focus()

    def _focus_view(self) -> None:
        """The view just asked for: the feed, the pending list, else as the tab opens."""
        if self.view == "community":
            self.community_view.focus_default()
        elif self.view == "pending":
            self.pending_view.focus_default()
        else:
            self.focus_default()

    def start(self, topic: str, level: str = "beginner") -> None:
        """Get ready to explain ``topic`` at ``level`` (e.g. straight after its lesson)."""
        self.query_one("#teach-topic", TopicInput).value = topic
        if level in LEVELS:
            self.query_one("#teach-level", Select).value = level
        self.action_show_view("write")

    @property
    def topic(self) -> str:
        return self.query_one("#teach-topic", TopicInput).value.strip()

    @property
    def level(self) -> str:
        return str(self.query_one("#teach-level", Select).value)

    @property
    def text(self) -> str:
        return self.query_one("#teach-editor", TextArea).text

    # keyboard ------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The footer names the view each key goes to: ctrl+o the community or back from it,
        # ctrl+l the pending list or back from it. False hides the binding (its twin works).
        if action == "show_view":
            if self.view == "pending":
                return False  # ctrl+l is the way back named there
            return (parameters[0] == "community") != (self.view == "community")
        if action == "pending":
            if parameters[0]:
                return self.view != "pending" and bool(self.pending)
            return self.view == "pending"
        if action == "submit":
            return self.view == "write"
        if action == "sources":
            return self.view != "community"
        return True

    def action_quietly(self, action: str) -> None:
        getattr(self, f"action_{action}")()

    def action_show_view(self, view: View) -> None:
        changed = view != self.view
        self.view = view
        self.query_one(ContentSwitcher).current = f"teach-{view}"
        self.refresh_bindings()
        self._focus_view()
        if changed and view == "community":
            self.community_view.refresh_all()  # others may have shared or voted meanwhile
        if changed and view == "pending":
            self._reload_pending()

    def action_toggle_view(self) -> None:
        self.action_show_view("write" if self.view == "community" else "community")

    def action_pending(self, show: bool = True) -> None:
        """The pending list, or (``show`` False) back to the editor."""
        self.action_show_view("pending" if show else "write")

    def action_sources(self) -> None:
        """Pick the documents explanations are graded against (the list is read afresh)."""
        self._load_choices(open_sources=True)

    @on(Button.Pressed, "#teach-sources")
    def _sources_pressed(self) -> None:
        self.action_sources()

    @on(Button.Pressed, "#teach-pending-count")
    def _pending_pressed(self) -> None:
        self.action_show_view("pending")

    def _sources_picked(self, doc_ids: tuple[int, ...] | None) -> None:
        if doc_ids is not None:
            self.doc_ids = doc_ids
            self._show_sources()

    def _show_sources(self) -> None:
        label = sources_label(self.documents, self.doc_ids)
        button = self.query_one("#teach-sources", Button)
        button.label = label
        button.tooltip = "Pick the documents explanations are graded against (ctrl+g)"
        button.refresh(layout=True)  # its width follows the label
        self.pending_view.show_against(label)

    @on(Input.Submitted, "#teach-topic")
    def _topic_submitted(self) -> None:
        self.action_show_view("write")
        self.query_one("#teach-editor", TextArea).focus()

    @on(TextArea.Changed, "#teach-editor")
    def _text_changed(self, event: TextArea.Changed) -> None:
        words = count_words(event.text_area.text)
        event.text_area.border_subtitle = word_count_label(words)
        event.text_area.set_class(words > MAX_WORDS, "-too-long")

    @on(Button.Pressed, "#teach-submit")
    def action_submit(self) -> None:
        """Grade the editor's text as an explanation of the typed topic; the text stays."""
        if self.grading:
            self.notify("Still grading the last explanation…", severity="warning")
            return
        topic = self.topic
        if not topic:
            self.notify(
                "Type the topic you are explaining first (tab completes library topics).",
                title="Not graded",
                severity="warning",
            )
            self.query_one("#teach-topic", TopicInput).focus()
            return
        self._busy(True)
        self._submit(topic, self.text, self.level, self.doc_ids)

    def _busy(self, grading: bool, what: str = "Grading…") -> None:
        self.grading = grading
        self.query_one("#teach-submit", Button).disabled = grading
        view = self.query_one(GradeView)
        if grading:
            self._shown_title = view.border_title
            view.border_title = Content(what)
            self.pending_view.busy(what)
        else:
            # What was shown before stays (a failure is a notification): its title too.
            view.border_title = self._shown_title
            self.pending_view.busy(None)

    # the community view's commands, for the palette ----------------------
    def _in_community(self, action: str) -> None:
        self.action_show_view("community")
        self.community_view.when_loaded(getattr(self.community_view, f"action_{action}"))

    def action_toggle_vote(self) -> None:
        self._in_community("toggle_vote")

    def action_toggle_sort(self) -> None:
        self._in_community("toggle_sort")

    def action_toggle_filter(self) -> None:
        self._in_community("toggle_filter")

    def action_toggle_board(self) -> None:
        self._in_community("toggle_board")

    # the pending list ------------------------------------------------------
    def action_regrade(self) -> None:
        """Grade again every explanation saved while its grading failed."""
        self._start_regrade(None)

    def action_regrade_selected(self) -> None:
        """Grade again the explanation selected in the pending list (shown first)."""
        self.action_show_view("pending")
        self.pending_view.when_loaded(self.pending_view.action_regrade_selected)

    @on(PendingView.Regrade)
    def _regrade_asked(self, event: PendingView.Regrade) -> None:
        event.stop()
        self._start_regrade(event.explanation_id)

    def _start_regrade(self, explanation_id: int | None) -> None:
        if self.grading:
            self.notify("Still grading the last explanation…", severity="warning")
            return
        which = "" if explanation_id is None else f" #{explanation_id}"
        self._busy(True, f"Grading{which} again…")
        self._regrade(explanation_id, self.doc_ids)

    def _reload_pending(self) -> None:
        self.pending_view.loading = True
        self._load_pending()

    def _show_pending_count(self) -> None:
        count = len(self.pending)
        button = self.query_one("#teach-pending-count", Button)
        button.display = count > 0
        button.label = f"{count} pending"
        button.tooltip = "Explanations whose grading failed: see them and grade them again"

    # results ---------------------------------------------------------------
    @on(ChoicesLoaded)
    def _choices_loaded(self, event: ChoicesLoaded) -> None:
        self.query_one("#teach-topic", TopicInput).names.set_names(event.topics)
        self.documents = event.documents
        known = {document.id for document in event.documents}
        self.doc_ids = tuple(doc_id for doc_id in self.doc_ids if doc_id in known)
        self._show_sources()
        if not event.open_sources:
            return
        if not event.documents:
            self.notify(
                "Your library has no documents yet: add notes in the Library (f4). "
                "Explanations are graded against the topic library meanwhile.",
                title="Sources",
            )
            return
        modal = SourcesModal(
            event.documents, self.doc_ids, title="Grade against", help_text=SOURCES_HELP
        )
        self.app.push_screen(modal, callback=self._sources_picked)

    @on(PendingLoaded)
    def _pending_loaded(self, event: PendingLoaded) -> None:
        self.pending = event.items
        self._show_pending_count()
        self.refresh_bindings()  # ctrl+l is in the footer while something is pending
        self.pending_view.show(event.items, event.now)

    @on(Graded)
    async def _graded(self, event: Graded) -> None:
        self._busy(False)
        self._reload_pending()
        if not event.results:
            self.notify("No explanation is waiting for a grade.", title="Grade again")
            return
        graded = [result for result in event.results if result.grade is not None]
        # A grade is shown as any grade is; an explanation that failed again stays in the list.
        shown = graded[-1] if graded else None if event.regrade else event.results[-1]
        if shown is not None:
            if self.view != "write":
                self.action_show_view("write")
            await self.query_one(GradeView).show_result(shown)
        for result in event.results:
            self._report(result, event.regrade)
        if graded:
            self.community_view.refresh_all()

    def _report(self, result: TeachResult, regrade: bool = False) -> None:
        submission = result.submission
        title = f"{submission.topic} #{submission.id}"
        if result.grade is None:
            error = result.error
            reason = error.message if error is not None else "no grade"
            if error is not None and error.hint:
                reason = f"{reason}\n{error.hint}"
            if regrade:
                message = (
                    f"Still not graded: {reason}\n"
                    "It stays in the pending list (ctrl+l); enter there tries again."
                )
            else:
                message = (
                    f"Saved but not graded: {reason}\n"
                    "It waits in the pending list (ctrl+l); enter there grades it again."
                )
            self.notify(
                message, title=title, severity="error", timeout=ERROR_TIMEOUT_S, markup=False
            )
            return
        if submission.points:
            self.notify(
                f"{result.grade.score}/10 · +{submission.points} knowledge points",
                title=title,
                markup=False,
            )
        else:
            self.notify(
                f"{result.grade.score}/10 · {submission.points_reason}",
                title=title,
                severity="warning",
                markup=False,
            )
        for notice in result.grade.notices:
            self.notify(notice, title=title, severity="warning", markup=False)

    # workers: one service call each, the result posted back as a message ----
    @work(thread=True, exclusive=True, exit_on_error=False, group="teach-choices")
    def _load_choices(self, open_sources: bool) -> None:
        topics = [record.name for record in self.topics.all()]
        documents = self.library.documents()
        if not get_current_worker().is_cancelled:
            self.post_message(self.ChoicesLoaded(topics, documents, open_sources))

    @work(thread=True, exclusive=True, exit_on_error=False, group="teach-pending")
    def _load_pending(self) -> None:
        items = self.community.pending()
        if not get_current_worker().is_cancelled:
            self.post_message(self.PendingLoaded(items, self.community.clock()))

    @work(thread=True, exclusive=True, exit_on_error=False, group="teach-submit")
    def _submit(self, topic: str, text: str, level: str, doc_ids: tuple[int, ...]) -> None:
        with watch_model(self.app, self._grading_status):
            result = self.teachback.teach(topic, text, level=level, doc_ids=doc_ids)
        self.post_message(self.Graded([result]))

    @work(thread=True, exclusive=True, exit_on_error=False, group="teach-submit")
    def _regrade(self, explanation_id: int | None, doc_ids: tuple[int, ...]) -> None:
        waiting = self.community.pending()
        if explanation_id is not None:
            waiting = [saved for saved in waiting if saved.id == explanation_id]
        with watch_model(self.app, self._grading_status):
            graded = [self._regrade_one(saved, doc_ids) for saved in waiting]
        self.post_message(self.Graded(graded, True))

    def _grading_status(self, line: str) -> None:
        """What the model grading is doing, where "Grading…" was (while still grading)."""
        if self.grading:
            self.query_one(GradeView).border_title = Content(line)
            self.pending_view.busy(line)

    def _regrade_one(self, saved: Submission, doc_ids: tuple[int, ...]) -> TeachResult:
        # A topic nothing covers (say, the picked documents no longer do) leaves this one
        # pending with the reason, and the others are still graded.
        try:
            return self.teachback.regrade(saved.id, doc_ids=doc_ids)
        except LearnplatError as error:
            return TeachResult(saved, None, error=error)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state != WorkerState.ERROR or worker.node is not self:
            return
        if isinstance(worker.error, Superseded):
            return  # stopped on purpose (a newer request took its place): nothing to undo
        if worker.group == "teach-submit":
            self._busy(False)
            self._reload_pending()  # a failure after saving leaves one more pending
            report_worker_error(self, worker, "Not graded")
        elif worker.group == "teach-pending":
            self.pending_view.load_failed()
            report_worker_error(self, worker, "Teach Back")
        else:
            report_worker_error(self, worker, "Teach Back")
