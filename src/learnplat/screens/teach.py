"""The Teach Back tab: explain a topic in your own words and get it graded, then see the
community's explanations, upvote them, and where you stand on the leaderboard."""

from __future__ import annotations

from typing import ClassVar, Literal

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, ContentSwitcher, Input, Select, TextArea
from textual.worker import Worker, WorkerState

from ..services.community import Community
from ..services.teachback import MAX_WORDS, TeachBack, TeachResult
from ..services.topics import TopicLibrary
from ..tutors.model import LEVELS
from .learn_views import TopicInput
from .teach_community import CommunityView
from .teach_views import (
    ERROR_TIMEOUT_S,
    GradeView,
    count_words,
    report_worker_error,
    word_count_label,
)

View = Literal["write", "community"]
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
        Binding("ctrl+r", "regrade", "Grade again", show=False),
    ]

    class TopicsLoaded(Message, bubble=False):
        def __init__(self, names: list[str]) -> None:
            super().__init__()
            self.names = names

    class Graded(Message, bubble=False):
        def __init__(self, results: list[TeachResult]) -> None:
            super().__init__()
            self.results = results

    def __init__(
        self,
        teachback: TeachBack,
        community: Community,
        topics: TopicLibrary,
        **kwargs: object,
    ) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.teachback = teachback
        self.community = community
        self.topics = topics
        self.view: View = "write"
        self.grading = False
        self._topics_loaded = False
        self._shown_title: str | Content | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="teach-ask"):
            yield TopicInput(
                placeholder="Topic you explain, e.g. photosynthesis (tab completes)",
                id="teach-topic",
            )
            yield Select(
                [(level.capitalize(), level) for level in LEVELS],
                value="beginner",
                allow_blank=False,
                id="teach-level",
            )
            yield Button("Submit", variant="primary", id="teach-submit")
        with ContentSwitcher(initial="teach-write", id="teach-views"):
            with Horizontal(id="teach-write"):
                yield TextArea(id="teach-editor", placeholder=EDITOR_PLACEHOLDER)
                yield GradeView(id="teach-result")
            yield CommunityView(
                self.community, typed_topic=lambda: self.topic, id="teach-community"
            )

    def on_mount(self) -> None:
        editor = self.query_one("#teach-editor", TextArea)
        editor.border_title = "Your explanation"
        editor.border_subtitle = word_count_label(0)
        self.query_one(GradeView).border_title = "Your grade"

    def on_show(self) -> None:
        # Others may have shared or voted since we last looked.
        if not self._topics_loaded:
            self._load_topics()
        self.community_view.refresh_all()

    @property
    def community_view(self) -> CommunityView:
        return self.query_one(CommunityView)

    # public ----------------------------------------------------------------
    def focus_default(self) -> None:
        """The feed in the community view; else the topic until one is typed, then the editor."""
        if self.view == "community":
            self.community_view.focus_default()
        elif not self.topic:
            self.query_one("#teach-topic", TopicInput).focus()
        else:
            self.query_one("#teach-editor", TextArea).focus()

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
        if action == "show_view":
            return parameters[0] != self.view  # the footer names the other view
        return True

    def action_show_view(self, view: View) -> None:
        changed = view != self.view
        self.view = view
        self.query_one(ContentSwitcher).current = f"teach-{view}"
        self.refresh_bindings()
        self.focus_default()
        if changed and view == "community":
            self.community_view.refresh_all()  # others may have shared or voted meanwhile

    def action_toggle_view(self) -> None:
        self.action_show_view("write" if self.view == "community" else "community")

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
        self._submit(topic, self.text, self.level)

    def _busy(self, grading: bool) -> None:
        self.grading = grading
        self.query_one("#teach-submit", Button).disabled = grading
        view = self.query_one(GradeView)
        if grading:
            self._shown_title = view.border_title
            view.border_title = Content("Grading…")
        else:
            # What was shown before stays (a failure is a notification): its title too.
            view.border_title = self._shown_title

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

    def action_regrade(self) -> None:
        """Grade again the explanations saved while their grading failed."""
        if self.grading:
            self.notify("Still grading the last explanation…", severity="warning")
            return
        self._busy(True)
        self._regrade()

    # results ---------------------------------------------------------------
    @on(TopicsLoaded)
    def _show_topic_names(self, event: TopicsLoaded) -> None:
        self._topics_loaded = True
        self.query_one("#teach-topic", TopicInput).names.set_names(event.names)

    @on(Graded)
    async def _graded(self, event: Graded) -> None:
        self._busy(False)
        if not event.results:
            self.notify("No explanation is waiting for a grade.", title="Grade again")
            return
        if self.view != "write":
            self.action_show_view("write")
        await self.query_one(GradeView).show_result(event.results[-1])
        for result in event.results:
            self._report(result)
        self.community_view.refresh_all()

    def _report(self, result: TeachResult) -> None:
        submission = result.submission
        title = f"{submission.topic} #{submission.id}"
        if result.grade is None:
            reason = result.error.message if result.error is not None else "no grade"
            self.notify(
                f"Saved but not graded: {reason}\nctrl+r grades it again.",
                title=title,
                severity="error",
                timeout=ERROR_TIMEOUT_S,
                markup=False,
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
    @work(thread=True, exclusive=True, exit_on_error=False, group="teach-topics")
    def _load_topics(self) -> None:
        names = [record.name for record in self.topics.all()]
        self.post_message(self.TopicsLoaded(names))

    @work(thread=True, exclusive=True, exit_on_error=False, group="teach-submit")
    def _submit(self, topic: str, text: str, level: str) -> None:
        self.post_message(self.Graded([self.teachback.teach(topic, text, level=level)]))

    @work(thread=True, exclusive=True, exit_on_error=False, group="teach-submit")
    def _regrade(self) -> None:
        results = [self.teachback.regrade(saved.id) for saved in self.community.pending()]
        self.post_message(self.Graded(results))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state != WorkerState.ERROR or worker.node is not self:
            return
        if worker.group == "teach-submit":
            self._busy(False)
            report_worker_error(self, worker, "Not graded")
        else:
            report_worker_error(self, worker, "Teach Back")
