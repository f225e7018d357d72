"""The Challenges tab: rounds of timed multiple-choice questions from the bank, from one of the
learner's documents or from what is due for review; a countdown that runs down (at zero no
answer is sent and it is time's up), instant feedback, streak, level and points always in view,
a summary at the end of the round and the game leaderboard."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, ContentSwitcher, Select
from textual.worker import Worker, WorkerState, get_current_worker

from ..services.game import Game
from ..services.game_model import AnswerResult, Category, GameStats, ServedQuestion, summarize
from ..services.library import DocumentInfo, Library
from ..services.topics import TopicLibrary
from .challenges_board import ChallengesBoard, Period
from .challenges_round import ANY, Mode, RoundPickers, RoundSpec
from .learn_views import Superseded
from .model_status import watch_model
from .teach_views import report_worker_error
from .widgets.challenge_card import LETTERS, OptionRow, QuestionCard
from .widgets.challenge_countdown import Countdown
from .widgets.challenge_lobby import (
    ReportView,
    StatusLine,
    category_label,
    intro_content,
    ready_content,
    summary_content,
)

Phase = Literal["lobby", "loading", "question", "answering", "feedback"]
_BOARD_GROUP = Binding.Group("Board")


class ChallengesPane(Vertical):
    """The Challenges tab's body. Service calls run in workers that post messages back; the
    round's state lives here and changes only in message handlers."""

    # A round is played on ctrl+n or the Play button only: enter is the pickers' (it opens
    # one), and a letter or a digit answers only on the card of a round already started.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "play", "Play", tooltip="Play a round of the chosen questions"),
        Binding("1", "answer(0)", "Answer", key_display="1-4", tooltip="Answer with 1-4 or A-D"),
        *(Binding(str(n + 1), f"answer({n})", show=False) for n in range(1, 4)),
        *(Binding(letter.lower(), f"answer({n})", show=False) for n, letter in enumerate(LETTERS)),
        Binding("enter", "next", "Next", tooltip="The next question, or the round's summary"),
        Binding("escape", "end_round", "End round",
                tooltip="End the round now; an open question counts as unanswered"),
        Binding("w", "board('week')", "Week", group=_BOARD_GROUP, tooltip="This week's board"),
        Binding("w", "board('all')", "All time", group=_BOARD_GROUP, tooltip="The all-time board"),
        Binding("c", "board_category(True)", "Category", group=_BOARD_GROUP,
                tooltip="The board of the category picked above"),
        Binding("c", "board_category(False)", "All", group=_BOARD_GROUP,
                tooltip="The board of all categories"),
    ]

    class ChoicesLoaded(Message, bubble=False):
        def __init__(self, categories: list[Category], documents: list[DocumentInfo]) -> None:
            super().__init__()
            self.categories = categories
            self.documents = documents

    class StatsLoaded(Message, bubble=False):
        def __init__(self, stats: GameStats) -> None:
            super().__init__()
            self.stats = stats

    class Served(Message, bubble=False):
        def __init__(self, serial: int, served: ServedQuestion) -> None:
            super().__init__()
            self.serial = serial
            self.served = served

    class Answered(Message, bubble=False):
        def __init__(self, serial: int, result: AnswerResult) -> None:
            super().__init__()
            self.serial = serial
            self.result = result

    class TopicFound(Message, bubble=False):
        def __init__(self, category: str | None, level: str) -> None:
            super().__init__()
            self.category = category
            self.level = level

    def __init__(
        self, game: Game, library: Library, topics: TopicLibrary, **kwargs: object
    ) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.game = game
        self.library = library
        self.topics = topics
        self.phase: Phase = "lobby"
        self.spec: RoundSpec | None = None
        self.served: ServedQuestion | None = None
        self.answered: list[tuple[str, AnswerResult]] = []  # (what it was, the verdict)
        self.stats: GameStats | None = None
        self._serial = 0  # tells the round's messages from those of a round given up
        self._ending = False  # escape while an answer is on its way: finish after it
        self._wanted_doc: int | None = None  # to pick once the documents are loaded
        self._topics: list[str] = []  # the bank's categories, as loaded

    def compose(self) -> ComposeResult:
        yield RoundPickers(id="challenges-pickers")
        with Horizontal(id="challenges-bar"):
            yield StatusLine(id="challenges-status")
            yield Countdown(lambda: self.game.clock(), id="challenges-countdown")
        with ContentSwitcher(initial="challenges-lobby", id="challenges-views"):
            with Horizontal(id="challenges-lobby"):
                yield ReportView(id="challenges-report")
                yield ChallengesBoard(
                    self.game, lambda: self.pickers.picked_category, id="challenges-board"
                )
            yield QuestionCard(id="challenges-card")

    def on_mount(self) -> None:
        self.query_one(Countdown).display = False
        self.report.show(intro_content(None), "How to play")
        self._load_choices()

    def on_show(self) -> None:
        # Documents may have come or gone, and answers may have come from the CLI.
        self._load_choices()
        self._load_stats()
        if self.phase == "lobby":
            self.board.reload()

    @property
    def pickers(self) -> RoundPickers:
        return self.query_one(RoundPickers)

    @property
    def board(self) -> ChallengesBoard:
        return self.query_one(ChallengesBoard)

    @property
    def report(self) -> ReportView:
        return self.query_one(ReportView)

    @property
    def card(self) -> QuestionCard:
        return self.query_one(QuestionCard)

    @property
    def countdown(self) -> Countdown:
        return self.query_one(Countdown)

    # public ----------------------------------------------------------------
    def focus_default(self) -> None:
        """The card in a round; else the first picker (Tab goes through them to Play)."""
        if self.phase == "lobby":
            self.query_one("#challenges-mode").focus()
        else:
            self.card.focus()

    def quiz_on(self, topic: str, level: str, doc_id: int | None) -> None:
        """Get ready to play on what a lesson covered: its document's questions, else its
        topic's category at its level, else the default pickers."""
        if doc_id is not None:
            self._wanted_doc = doc_id
            self.pickers.pick(mode="document", difficulty=ANY)
            self._load_choices()  # the document may be newer than the list
        else:
            self._find_topic(topic, level)

    # pickers ----------------------------------------------------------------
    @on(Select.Changed)
    def _picks_changed(self) -> None:
        if self.phase != "lobby":
            return
        if self.board.by_category:
            self.board.reload()
        if self.report.what == "ready":
            self._show_ready()

    def _show_ready(self) -> None:
        spec = self.pickers.spec(warn=False)
        if spec is not None:
            self.report.show(ready_content(spec.describe()), "Ready", what="ready")

    # keyboard ------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "play":
            return self.phase == "lobby"
        if action == "answer":
            return self.phase == "question"
        if action == "next":
            return self.phase == "feedback"
        if action == "end_round":
            return self.phase != "lobby"
        # The board's letters act on the board, once it is moved to.
        if action == "board":
            return self.board.has_focus and parameters[0] != self.board.period
        if action == "board_category":
            return self.board.has_focus and bool(parameters[0]) != self.board.by_category
        return True

    @on(Button.Pressed, "#challenges-play")
    def action_play(self) -> None:
        """Start a round of the questions the pickers choose."""
        if self.phase != "lobby":
            self.notify("A round is on: finish it, or press escape to end it.",
                        severity="warning")
            return
        spec = self.pickers.spec()
        if spec is None:
            return
        self.spec = spec
        self.answered = []
        self._serial += 1
        self._ending = False
        self.pickers.enable(False)
        self.query_one(ContentSwitcher).current = "challenges-card"
        self.countdown.display = True
        self._next_question()

    def _next_question(self) -> None:
        assert self.spec is not None
        spec = self.spec
        self.phase = "loading"
        self.served = None
        number = len(self.answered) + 1
        self.card.border_title = Content(f"Question {number} of {spec.size}")
        self.card.border_subtitle = ""
        if spec.mode == "document" and not self.answered:
            # Made from the notes on first use: that can take a moment.
            self.card.show_waiting(f"Making questions from {spec.doc_title}…")
        else:
            self.card.show_waiting("Getting the question…")
        self.countdown.clear()
        self.card.focus()
        self.refresh_bindings()
        self._serve(self._serial, spec)

    def action_answer(self, index: int) -> None:
        """Answer the open question with its option ``index`` (0-3)."""
        if self.phase != "question" or self.served is None:
            self.notify("No question is open: ctrl+n plays a round.", severity="warning")
            return
        if index < len(self.served.options):
            self._submit(index)

    @on(OptionRow.Chosen)
    def _option_clicked(self, event: OptionRow.Chosen) -> None:
        if self.phase == "question":
            self.action_answer(event.index)

    @on(Countdown.Expired)
    def _time_up(self, event: Countdown.Expired) -> None:
        served = self.served
        if self.phase == "question" and served is not None and event.token == served.token:
            self._submit(None)

    def _submit(self, index: int | None) -> None:
        assert self.served is not None
        self.phase = "answering"
        self.countdown.stop()
        self.card.show_chosen(index)
        text = None if index is None else self.served.options[index]
        self.refresh_bindings()
        self._answer(self._serial, self.served.token, text)

    def action_next(self) -> None:
        """After the feedback: the next question, or the summary after the last one."""
        if self.phase != "feedback" or self.spec is None:
            return
        if len(self.answered) >= self.spec.size:
            self._finish()
        else:
            self._next_question()

    def action_end_round(self) -> None:
        """End the round now; an open question counts as unanswered."""
        if self.phase == "question":
            self._ending = True
            self._submit(None)
        elif self.phase == "answering":
            self._ending = True
        elif self.phase != "lobby":
            self._finish()

    def _finish(self) -> None:
        self._serial += 1
        self.phase = "lobby"
        self.served = None
        self._ending = False
        self.countdown.stop()
        self.countdown.display = False
        self.pickers.enable(True)
        self.query_one(ContentSwitcher).current = "challenges-lobby"
        if self.answered and self.spec is not None:
            content = summary_content(
                self.spec.describe(len(self.answered)),
                summarize([result for _title, result in self.answered]),
                self.answered,
            )
            self.report.show(content, "Round summary", what="summary")
        else:
            self.report.show(intro_content(self.stats), "How to play")
        self.refresh_bindings()
        self.focus_default()
        self._load_stats()
        self.board.reload()

    # the leaderboard ---------------------------------------------------------
    def action_board(self, period: Period) -> None:
        self.board.period = period
        self.board.reload()
        self.refresh_bindings()

    def action_toggle_board(self) -> None:
        self.action_board("week" if self.board.period == "all" else "all")

    def action_board_category(self, by_category: bool) -> None:
        if by_category and self.pickers.picked_category is None:
            self.notify("Pick a category above first: the board then shows only its points.",
                        severity="warning")
            return
        self.board.by_category = by_category
        self.board.reload()
        self.refresh_bindings()

    def action_toggle_board_category(self) -> None:
        self.action_board_category(not self.board.by_category)

    # palette shortcuts --------------------------------------------------------
    def action_pick_mode(self, mode: Mode) -> None:
        """Choose what to play (for the palette): then the document picker for a document,
        else the Play button."""
        if self.phase != "lobby":
            self.notify("A round is on: escape ends it.", severity="warning")
            return
        self.pickers.pick(mode=mode)
        self._show_ready()
        if mode == "document":
            self.query_one("#challenges-document", Select).focus()
        else:
            self.focus_default()

    # results ---------------------------------------------------------------
    @on(ChoicesLoaded)
    def _choices_loaded(self, event: ChoicesLoaded) -> None:
        self._topics = [category.name for category in event.categories]
        self.pickers.show_choices(self._topics, event.documents, self._wanted_doc)
        if self._wanted_doc is not None:
            self._wanted_doc = None
            self._ready()

    @on(TopicFound)
    def _topic_found(self, event: TopicFound) -> None:
        if event.category in self._topics:
            self.pickers.pick(mode="bank", category=event.category, difficulty=event.level)
        else:
            self.pickers.pick(mode="bank", category=ANY, difficulty=ANY)
        self._ready()

    def _ready(self) -> None:
        if self.phase != "lobby":
            self.notify("The round on now goes on; the pickers are set for the next one.",
                        title="Quiz me on this")
            return
        self._show_ready()
        self.focus_default()

    @on(StatsLoaded)
    def _stats_loaded(self, event: StatsLoaded) -> None:
        self.stats = event.stats
        if self.phase in ("lobby", "loading"):
            self.query_one(StatusLine).show_stats(event.stats)
        if self.report.what == "intro":
            self.report.show(intro_content(event.stats), "How to play")

    @on(Served)
    def _served(self, event: Served) -> None:
        if event.serial != self._serial or self.spec is None:
            return
        served = event.served
        self.served = served
        self.phase = "question"
        number = len(self.answered) + 1
        self.card.show_question(served)
        category = category_label(served.category)
        review = " · review" if served.mode == "review" else ""
        self.card.border_title = Content(
            f"Question {number} of {self.spec.size} · {category} · {served.difficulty}{review}"
        )
        self.card.border_subtitle = Content(f"{served.points} points")
        self.countdown.start(served.token, datetime.fromisoformat(served.served_at),
                             served.time_limit)
        self.card.focus()
        self.refresh_bindings()

    @on(Answered)
    def _answered(self, event: Answered) -> None:
        if event.serial != self._serial or self.served is None or self.spec is None:
            return
        result = event.result
        # Questions from notes are all named after their document: their answers tell them apart.
        label = self.served.title if self.served.source is None else result.correct_answer
        self.answered.append((label, result))
        self.query_one(StatusLine).show_result(result)
        self.phase = "feedback"
        if self._ending:
            self._finish()
            return
        if len(self.answered) >= self.spec.size:
            hint = "Enter: the round's summary"
        else:
            hint = f"Enter: question {len(self.answered) + 1} of {self.spec.size}"
        self.card.show_result(result, hint)
        self.refresh_bindings()

    # workers: one service call each, the result posted back as a message ----
    @work(thread=True, exclusive=True, exit_on_error=False, group="challenges-choices")
    def _load_choices(self) -> None:
        categories = self.game.categories()
        documents = self.library.documents()
        if not get_current_worker().is_cancelled:
            self.post_message(self.ChoicesLoaded(categories, documents))

    @work(thread=True, exclusive=True, exit_on_error=False, group="challenges-stats")
    def _load_stats(self) -> None:
        stats = self.game.stats()
        if not get_current_worker().is_cancelled:
            self.post_message(self.StatsLoaded(stats))

    @work(thread=True, exclusive=True, exit_on_error=False, group="challenges-topic")
    def _find_topic(self, topic: str, level: str) -> None:
        record = self.topics.find(topic) if topic.strip() else None
        self.post_message(self.TopicFound(record.category if record else None, level))

    @work(thread=True, exclusive=True, exit_on_error=False, group="challenges-next")
    def _serve(self, serial: int, spec: RoundSpec) -> None:
        def show(line: str) -> None:  # a model writing the document's questions
            if serial == self._serial and self.phase == "loading":
                self.card.show_waiting(line)

        with watch_model(self.app, show):
            served = self.game.next(
                category=spec.category,
                difficulty=spec.difficulty,
                doc_id=spec.doc_id,
                review_first=spec.mode == "review",
            )
        self.post_message(self.Served(serial, served))

    @work(thread=True, exclusive=True, exit_on_error=False, group="challenges-answer")
    def _answer(self, serial: int, token: str, text: str | None) -> None:
        self.post_message(self.Answered(serial, self.game.answer(token, text)))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state != WorkerState.ERROR or worker.node is not self:
            return
        if isinstance(worker.error, Superseded):
            return  # stopped on purpose (a newer request took its place): nothing to undo
        if worker.group == "challenges-next" and self.phase == "loading":
            report_worker_error(self, worker, "No question")
            self._finish()
        elif worker.group == "challenges-answer" and self.phase == "answering":
            report_worker_error(self, worker, "Answer not counted")
            self.phase = "feedback"
            if self._ending:
                self._finish()
                return
            self.card.show_feedback(
                Content("Not counted (see the message). Enter: the next question.")
            )
            self.refresh_bindings()
        else:
            report_worker_error(self, worker, "Challenges")
