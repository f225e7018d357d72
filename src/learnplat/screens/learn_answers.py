"""The Learn tab's follow-up answers: each question asked in a worker, its answer streamed in
under the lesson with its citations."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Markdown, Static
from textual.widgets.markdown import MarkdownStream
from textual.worker import Worker, WorkerState, get_current_worker

from ..domain.model import Answer
from ..services.learning import Learning
from ..tutors.render import answer_markdown
from .learn_views import ERROR_TIMEOUT_S, Superseded, report_error
from .model_status import watch_model


class AnswerBlock(Vertical):
    """One follow-up: the question, then its answer streaming into a Markdown widget."""

    def __init__(self, serial: int, question: str, **kwargs: object) -> None:
        super().__init__(classes="learn-answer", **kwargs)  # type: ignore[arg-type]
        self.serial = serial
        self.question = question

    def compose(self) -> ComposeResult:
        yield Static(
            Text.assemble(("You asked: ", "bold"), self.question), classes="learn-question"
        )
        yield Markdown("", classes="learn-answer-text")
        yield Static("Answering…", markup=False, classes="learn-answer-state")

    @property
    def markdown(self) -> Markdown:
        return self.query_one(Markdown)

    def set_state(self, text: str) -> None:
        state = self.query_one(".learn-answer-state", Static)
        state.update(text)
        state.display = bool(text)


class AnswerThread(Vertical):
    """The questions asked about the current lesson and their answers, oldest first."""

    class AnswerText(Message, bubble=False):
        def __init__(self, serial: int, delta: str) -> None:
            super().__init__()
            self.serial = serial
            self.delta = delta

    class Answered(Message, bubble=False):
        def __init__(self, serial: int, answer: Answer) -> None:
            super().__init__()
            self.serial = serial
            self.answer = answer

    def __init__(self, learning: Learning, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.learning = learning
        self._asks = 0
        self._stream: MarkdownStream | None = None

    async def ask(self, question: str, doc_ids: tuple[int, ...], topic: str = "") -> None:
        """Add ``question`` and answer it from ``doc_ids`` (empty: the whole library) and the
        lesson's curated ``topic``, if any."""
        if self._stream is not None:
            await self._stream.stop()
            self._stream = None
            previous = self._block(self._asks)
            if previous is not None:
                previous.set_state("Stopped: you asked something else.")
        self._asks += 1
        block = AnswerBlock(self._asks, question)
        await self.mount(block)
        self._stream = Markdown.get_stream(block.markdown)
        if isinstance(self.parent, Widget):
            # Follow the answer as it streams in, until the learner scrolls away.
            self.parent.anchor()
        self._answer(self._asks, question, doc_ids, topic)

    async def clear(self) -> None:
        """Forget every question (a new lesson is starting)."""
        self.workers.cancel_group(self, "learn-ask")
        if self._stream is not None:
            await self._stream.stop()
            self._stream = None
        await self.remove_children()

    def _block(self, serial: int) -> AnswerBlock | None:
        for block in self.query(AnswerBlock):
            if block.serial == serial:
                return block
        return None

    async def on_answer_thread_answer_text(self, event: AnswerText) -> None:
        if event.serial == self._asks and self._stream is not None:
            await self._stream.write(event.delta)

    async def on_answer_thread_answered(self, event: Answered) -> None:
        block = self._block(event.serial)
        if event.serial != self._asks or block is None:
            return
        if self._stream is not None:
            await self._stream.stop()
            self._stream = None
        answer = event.answer
        final = answer_markdown(answer)
        if block.markdown.source != final:
            await block.markdown.update(final)
        block.set_state("")
        for notice in answer.notices:
            self.notify(
                notice, title="Follow-up", severity="warning", timeout=ERROR_TIMEOUT_S, markup=False
            )

    @work(thread=True, exclusive=True, exit_on_error=False, group="learn-ask")
    def _answer(self, serial: int, question: str, doc_ids: tuple[int, ...], topic: str) -> None:
        worker = get_current_worker()

        def on_text(delta: str) -> None:
            if worker.is_cancelled:
                raise Superseded  # another question, or a new lesson: stop this answer
            self.post_message(self.AnswerText(serial, delta))

        def show(line: str) -> None:
            block = self._block(serial) if serial == self._asks else None
            if block is not None:
                block.set_state(line)

        with watch_model(self.app, show):
            answer = self.learning.ask(
                question, doc_ids=doc_ids, topic=topic or None, on_text=on_text
            )
        if not worker.is_cancelled:
            self.post_message(self.Answered(serial, answer))

    async def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "learn-ask":
            return
        event.stop()
        if event.state != WorkerState.ERROR:
            return
        if self._stream is not None:
            await self._stream.stop()
            self._stream = None
        block = self._block(self._asks)
        if block is not None:
            block.set_state("No answer: see the message.")
        report_error(self, event.worker, "Follow-up")
