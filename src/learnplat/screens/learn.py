"""The Learn tab: a lesson on a topic at a level and in a format, streamed as the tutor writes it,
with follow-up questions, export, the concept map of a visual lesson drawn as a tree, and an
audio lesson's narration played with its script."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import (
    Button,
    Input,
    Label,
    LoadingIndicator,
    Markdown,
    OptionList,
    Select,
    Static,
)
from textual.widgets.markdown import MarkdownStream
from textual.worker import Worker, WorkerState, get_current_worker

from ..domain.model import FORMATS, LEVELS, Lesson
from ..services.export import export_lesson
from ..services.learning import Learning
from ..services.library import DocumentInfo, Library
from ..services.speech import Speech
from .learn_answers import AnswerThread
from .learn_asks import FORMAT_LABELS, LessonAsk, QuizMe, TeachItBack, lesson_status
from .learn_audio import AudioPanel
from .learn_views import (
    ERROR_TIMEOUT_S,
    ConceptTree,
    FollowUpInput,
    FollowUpList,
    SourcesButton,
    Superseded,
    TopicInput,
    display_markdown,
    export_name,
    report_error,
)
from .model_status import watch_model
from .widgets.learn_export import ExportModal
from .widgets.learn_sources import SourcesModal

INTRO = (
    "Type a topic and press Enter. Tab completes the library's topics and your documents' "
    "titles. Choose a level and a format; ctrl+o picks which of your documents to learn from "
    "(none picked: the topic library and your whole library)."
)


class LearnPane(Vertical):
    """The Learn tab's body. Service calls run in workers that post messages back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+l", "learn", "Learn", tooltip="Make the lesson (Enter in the topic)"),
        # Sources has a button on screen: left out of an 80-column footer.
        Binding("ctrl+o", "sources", "Sources", show=False,
                tooltip="Pick which of your documents lessons come from"),
        # Priority: Input binds ctrl+e to "end of line", and an input usually has focus here.
        Binding("ctrl+e", "export", "Export", priority=True,
                tooltip="Write the lesson as Markdown, Mermaid or EPUB"),
        Binding("ctrl+g", "quiz", "Quiz", tooltip="Quiz me on this (Challenges)"),
        Binding("ctrl+t", "teach_back", "Teach", tooltip="Teach it back (Teach Back)"),
        Binding("ctrl+f", "focus_follow_up", "Ask",
                tooltip="Ask a follow-up question about a chat lesson"),
        Binding("escape", "new_topic", "New topic", show=False,
                tooltip="Back to the topic box, to learn something else (stops a lesson "
                "being made)"),
    ]

    class ChoicesLoaded(Message, bubble=False):
        def __init__(
            self, topics: list[str], documents: list[DocumentInfo], open_sources: bool
        ) -> None:
            super().__init__()
            self.topics = topics
            self.documents = documents
            self.open_sources = open_sources

    class LessonText(Message, bubble=False):
        def __init__(self, serial: int, delta: str) -> None:
            super().__init__()
            self.serial = serial
            self.delta = delta

    class LessonMade(Message, bubble=False):
        def __init__(self, serial: int, lesson: Lesson) -> None:
            super().__init__()
            self.serial = serial
            self.lesson = lesson

    class Exported(Message, bubble=False):
        def __init__(self, path: Path) -> None:
            super().__init__()
            self.path = path

    def __init__(
        self,
        learning: Learning,
        library: Library,
        speech: Speech | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.learning = learning
        self.library = library
        self.speech = speech  # None: the app's session's (see AudioPanel.speech)
        self.lesson: Lesson | None = None
        self.documents: list[DocumentInfo] = []
        self.doc_ids: tuple[int, ...] = ()
        self._asked: LessonAsk | None = None  # the lesson shown (or being written on screen)
        self._making: LessonAsk | None = None  # the lesson asked for last
        self._serial = 0
        self._stream: MarkdownStream | None = None
        self._lesson_worker: Worker[None] | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="learn-ask"):
            yield TopicInput(
                placeholder="What do you want to learn? e.g. photosynthesis", id="learn-topic"
            )
            yield Button("Learn", variant="primary", id="learn-go")
        with Horizontal(id="learn-options"):
            yield Label("Level", classes="learn-option-label")
            yield Select(
                [(level.capitalize(), level) for level in LEVELS],
                value="beginner",
                allow_blank=False,
                compact=True,
                id="learn-level",
            )
            yield Label("Format", classes="learn-option-label")
            yield Select(
                [(FORMAT_LABELS[name], name) for name in FORMATS],
                value="chat",
                allow_blank=False,
                compact=True,
                id="learn-format",
            )
            yield SourcesButton("Sources: all", compact=True, id="learn-sources")
            yield LoadingIndicator(id="learn-loading")
        with VerticalScroll(id="learn-body"):
            yield Static(INTRO, markup=False, id="learn-intro")
            yield Static("", markup=False, id="learn-notices")
            yield ConceptTree(id="learn-map")
            yield AudioPanel(self.speech, id="learn-audio")
            yield Markdown("", id="learn-lesson")
            yield FollowUpList(id="learn-follow-ups")
            yield AnswerThread(self.learning, id="learn-answers")
        yield FollowUpInput(id="learn-question")

    def on_mount(self) -> None:
        self.query_one("#learn-loading").display = False
        self.query_one(FollowUpList).border_title = "You could ask next"
        self._load_choices(open_sources=False)

    def on_show(self) -> None:
        # Documents may have been added or removed in the Library since we last looked.
        self._load_choices(open_sources=False)

    def focus_default(self) -> None:
        """The follow-up box under a chat lesson (what is typed there is a question about it),
        else the topic box."""
        if self.lesson is not None and self.lesson.format == "chat":
            self.query_one("#learn-question", FollowUpInput).focus()
        else:
            self.action_focus_topic()

    def action_focus_topic(self) -> None:
        self.query_one("#learn-topic", TopicInput).focus()

    def action_new_topic(self) -> None:
        """Esc: back to the topic box; a lesson still being made is given up (its model request
        is closed, so the server stops writing it)."""
        if self._making is not None and self._lesson_worker is not None:
            self._give_up()
        self.action_focus_topic()

    def _give_up(self) -> None:
        worker, self._lesson_worker = self._lesson_worker, None
        self._making = None
        self._serial += 1  # what the stopped worker still posts is for nobody
        if worker is not None:
            worker.cancel()
        if self._stream is not None:
            self.run_worker(self._stream.stop(), exclusive=False)
            self._stream = None
        self._idle(lesson_status(self.lesson) if self.lesson is not None else "Stopped")
        self.notify("Stopped making the lesson.", title="Learn")

    # keyboard ------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Hidden from the footer (False) until there is a lesson to act on.
        if action in ("export", "quiz", "teach_back"):
            return self.lesson is not None
        if action == "focus_follow_up":
            return self.lesson is not None and self.lesson.format == "chat"
        return True

    @property
    def level(self) -> str:
        return str(self.query_one("#learn-level", Select).value)

    @property
    def format(self) -> str:
        return str(self.query_one("#learn-format", Select).value)

    @on(Input.Submitted, "#learn-topic")
    @on(Button.Pressed, "#learn-go")
    async def action_learn(self) -> None:
        """Make a lesson on the typed topic (or the picked documents) at the chosen level."""
        topic = self.query_one("#learn-topic", TopicInput).value.strip()
        if not topic and not self.doc_ids:
            self.notify(
                "Type a topic to learn, or pick documents to learn from (ctrl+o).",
                severity="warning",
            )
            self.action_focus_topic()
            return
        self._serial += 1
        ask = LessonAsk(self._serial, topic, self.level, self.format, self.doc_ids)
        self._making = ask
        if self.lesson is None:
            await self._show_new(ask)  # nothing finished to keep: start afresh now
        else:
            # A finished lesson stays until the new one's first words arrive: a topic nothing
            # covers (a typo, a question typed into the topic box) must not wipe it.
            self._busy(f"Making {ask.describe}…")
        self._lesson_worker = self._make_lesson(ask)

    async def _show_new(self, ask: LessonAsk) -> None:
        self._asked = ask
        await self._reset_lesson(ask)

    async def _reset_lesson(self, ask: LessonAsk) -> None:
        if self._stream is not None:
            await self._stream.stop()
            self._stream = None
        self.lesson = None
        self.set_class(True, "-started")
        self.set_class(False, "-has-lesson")
        self.set_class(ask.format == "chat", "-chat")
        self.set_class(ask.format == "visual", "-visual")
        self.set_class(False, "-audio")
        await self.query_one(AudioPanel).clear()  # stops any narration playing
        self._show_notices([])
        self.query_one(FollowUpList).show_questions([])
        await self.query_one(AnswerThread).clear()
        markdown = self.query_one("#learn-lesson", Markdown)
        await markdown.update("")
        body = self.query_one("#learn-body", VerticalScroll)
        body.anchor(False)
        body.scroll_home(animate=False)
        self._stream = Markdown.get_stream(markdown)
        self._busy(f"Making {ask.describe}…")
        self.refresh_bindings()

    def _busy(self, text: str) -> None:
        self.query_one("#learn-loading").display = True
        self.query_one("#learn-body").border_title = Content(text)

    def _idle(self, text: str = "") -> None:
        self.query_one("#learn-loading").display = False
        self.query_one("#learn-body").border_title = Content(text)

    def action_sources(self) -> None:
        self._load_choices(open_sources=True)

    def _sources_picked(self, doc_ids: tuple[int, ...] | None) -> None:
        if doc_ids is not None:
            self.doc_ids = doc_ids
            self._show_sources()

    def _show_sources(self) -> None:
        self.query_one("#learn-sources", SourcesButton).show(self.documents, self.doc_ids)

    @on(Button.Pressed, "#learn-sources")
    def _sources_pressed(self) -> None:
        self.action_sources()

    def action_export(self) -> None:
        if self.lesson is None:
            self.notify(
                "Learn something first: there is no lesson to export yet.", severity="warning"
            )
            return
        modal = ExportModal(export_name(self.lesson))
        self.app.push_screen(modal, callback=self._export_to)

    def _export_to(self, path: Path | None) -> None:
        if path is not None and self.lesson is not None:
            self._export(self.lesson, path)

    def action_quiz(self) -> None:
        if self.lesson is None or self._asked is None:
            self.notify("Make a lesson first, then quiz yourself on it.", title="Quiz me on this")
            return
        picked = set(self._asked.doc_ids)
        documents = picked or {c.doc_id for c in self.lesson.citations if c.doc_id is not None}
        doc_id = next(iter(documents)) if len(documents) == 1 else None
        self.post_message(QuizMe(self.lesson.topic, self._asked.level, doc_id))

    def action_teach_back(self) -> None:
        if self._asked is None:
            self.notify("Make a lesson first, then teach it back.", title="Teach it back")
            return
        self.post_message(TeachItBack(self._asked.topic, self._asked.level))

    def action_play_narration(self) -> None:
        """Play, pause or resume an audio lesson's narration (the panel's p)."""
        self.query_one(AudioPanel).action_play()

    def action_stop_narration(self) -> None:
        self.query_one(AudioPanel).action_stop()

    @on(AudioPanel.ScriptShown)
    def _script_shown(self, event: AudioPanel.ScriptShown) -> None:
        # The panel's script (marks, highlight) stands in for the lesson's own while it plays.
        self.set_class(event.shown, "-narrating")

    def action_focus_follow_up(self) -> None:
        if self.lesson is None or self.lesson.format != "chat":
            self.notify(
                "Follow-up questions come with a chat lesson: learn one first.", severity="warning"
            )
            return
        self.query_one("#learn-question", FollowUpInput).focus()

    # the lesson -------------------------------------------------------------
    @on(ChoicesLoaded)
    def _choices_loaded(self, event: ChoicesLoaded) -> None:
        self.documents = event.documents
        known = {document.id for document in event.documents}
        self.doc_ids = tuple(doc_id for doc_id in self.doc_ids if doc_id in known)
        self._show_sources()
        titles = [document.title for document in event.documents]
        self.query_one("#learn-topic", TopicInput).names.set_names([*event.topics, *titles])
        self.query_one("#learn-question", FollowUpInput).say_answers_need(not event.documents)
        if not event.open_sources:
            return
        if not event.documents:
            self.notify(
                "Your library has no documents yet: add notes in the Library (f4). "
                "Lessons come from the topic library meanwhile.",
                title="Sources",
            )
            return
        self.app.push_screen(
            SourcesModal(event.documents, self.doc_ids), callback=self._sources_picked
        )

    async def _current(self, serial: int) -> bool:
        """Whether ``serial`` is the lesson asked for last; its first message puts it on
        screen in place of the lesson shown."""
        if serial != self._serial or self._making is None:
            return False
        if self._asked is not self._making:
            await self._show_new(self._making)
        return True

    @on(LessonText)
    async def _lesson_text(self, event: LessonText) -> None:
        if await self._current(event.serial) and self._stream is not None:
            await self._stream.write(event.delta)

    @on(LessonMade)
    async def _lesson_made(self, event: LessonMade) -> None:
        if not await self._current(event.serial):
            return
        still_asking = self._still_asking()
        lesson = event.lesson
        if self._stream is not None:
            await self._stream.stop()
            self._stream = None
        markdown = self.query_one("#learn-lesson", Markdown)
        final = display_markdown(lesson)
        if markdown.source != final:
            await markdown.update(final)
        self.lesson = lesson
        self.set_class(True, "-has-lesson")
        self.set_class(lesson.format == "chat", "-chat")
        visual = lesson.format == "visual" and lesson.concept_map is not None
        self.set_class(visual, "-visual")
        if visual and lesson.concept_map is not None:
            self.query_one(ConceptTree).show_map(lesson.concept_map)
        audio = lesson.format == "audio" and bool(lesson.narration)
        self.set_class(audio, "-audio")
        if audio:
            await self.query_one(AudioPanel).show_lesson(lesson)
        if lesson.format == "chat":
            self.query_one(FollowUpList).show_questions(lesson.follow_ups)
            self.query_one("#learn-question", FollowUpInput).names.set_names(lesson.follow_ups)
        if still_asking:
            self._focus_lesson(lesson)
        self._show_notices(lesson.notices)
        for notice in lesson.notices:
            self.notify(
                notice,
                title=lesson.title,
                severity="warning",
                timeout=ERROR_TIMEOUT_S,
                markup=False,
            )
        self._idle(lesson_status(lesson))
        self.refresh_bindings()

    def _still_asking(self) -> bool:
        """Whether the focus is where the lesson was asked from (the topic box holding its
        topic, or the Learn button): the learner has not moved on to something else."""
        focused = self.app.focused
        if focused is None or focused.id == "learn-go":
            return True
        asked = self._asked.topic if self._asked is not None else ""
        return isinstance(focused, Input) and focused.id == "learn-topic" and (
            focused.value.strip() == asked
        )

    def _focus_lesson(self, lesson: Lesson) -> None:
        """Move on to the lesson, so that what is typed next is no longer added to the topic:
        a chat lesson's follow-up box, an audio lesson's narration (p plays it), a visual
        lesson's map, else the lesson's text (arrows scroll it)."""
        if lesson.format == "chat":
            self.query_one("#learn-question", FollowUpInput).focus()
        elif lesson.format == "audio" and lesson.narration:
            self.query_one(AudioPanel).focus()
        elif lesson.format == "visual" and lesson.concept_map is not None:
            self.query_one(ConceptTree).focus()
        else:
            self.query_one("#learn-body", VerticalScroll).focus()

    def _show_notices(self, notices: list[str]) -> None:
        line = self.query_one("#learn-notices", Static)
        line.update("\n".join(f"⚠ {notice}" for notice in notices))
        line.display = bool(notices)

    # follow-up questions ----------------------------------------------------
    @on(OptionList.OptionSelected, "#learn-follow-ups")
    async def _follow_up_chosen(self, event: OptionList.OptionSelected) -> None:
        question = str(event.option.prompt)
        self.query_one("#learn-question", FollowUpInput).value = question
        await self._ask_question(question)

    @on(Input.Submitted, "#learn-question")
    async def _question_submitted(self, event: Input.Submitted) -> None:
        await self._ask_question(event.value)

    async def _ask_question(self, typed: str) -> None:
        question = typed.strip()
        if self.lesson is None:
            self.notify("Learn something first, then ask about it.", severity="warning")
            return
        if not question:
            self.notify("Type a question, or press ↑ for a suggested one.", severity="warning")
            return
        self.query_one("#learn-question", FollowUpInput).value = ""
        # Answered from the documents the lesson was grounded in (none picked: all of them).
        doc_ids = self._asked.doc_ids if self._asked is not None else ()
        topic = self._asked.topic if self._asked is not None else ""
        await self.query_one(AnswerThread).ask(question, doc_ids, topic)

    @on(Exported)
    def _exported(self, event: Exported) -> None:
        self.notify(f"Wrote {event.path}", title="Exported", markup=False)

    # workers: one service call each, the result posted back as a message ----
    @work(thread=True, exclusive=True, exit_on_error=False, group="learn-choices")
    def _load_choices(self, open_sources: bool) -> None:
        topics = [record.name for record in self.learning.topics.all()]
        documents = self.library.documents()
        if not get_current_worker().is_cancelled:
            self.post_message(self.ChoicesLoaded(topics, documents, open_sources))

    @work(thread=True, exclusive=True, exit_on_error=False, group="learn-lesson")
    def _make_lesson(self, ask: LessonAsk) -> None:
        worker = get_current_worker()

        def on_text(delta: str) -> None:
            if worker.is_cancelled:
                raise Superseded  # a newer lesson was asked for: stop this one early
            self.post_message(self.LessonText(ask.serial, delta))

        def show(line: str) -> None:
            if ask.serial == self._serial and self._making is not None:
                self._busy(f"{line} (esc stops)")

        with watch_model(self.app, show):
            lesson = self.learning.lesson(
                ask.topic or None,
                doc_ids=ask.doc_ids,
                level=ask.level,
                format=ask.format,
                on_text=on_text,
            )
        if not worker.is_cancelled:
            self.post_message(self.LessonMade(ask.serial, lesson))

    @work(thread=True, exclusive=True, exit_on_error=False, group="learn-export")
    def _export(self, lesson: Lesson, path: Path) -> None:
        self.post_message(self.Exported(export_lesson(lesson, path)))

    async def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state != WorkerState.ERROR or not worker.group.startswith("learn-"):
            return
        if worker.group == "learn-lesson" and worker is self._lesson_worker:
            if self._asked is not self._making and self.lesson is not None:
                # Nothing of the new lesson was shown: the lesson on screen stays as it was.
                self._idle(lesson_status(self.lesson))
            else:
                if self._stream is not None:
                    await self._stream.stop()
                    self._stream = None
                self._idle("No lesson")
                self.set_class(False, "-started")  # the intro again, not an empty page
        report_error(self, worker, "Learn")
