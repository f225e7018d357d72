"""The Challenges tab's question card: the question, its four options on keys 1-4 (A-D, or a
click), then the verdict: right, wrong or time's up, the answer, the points with their speed and
streak parts, the explanation and, for a question from notes, where it comes from."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import HorizontalGroup, Vertical, VerticalScroll
from textual.content import Content
from textual.events import Click
from textual.message import Message
from textual.widgets import LoadingIndicator, Static

from ...services.game_model import AnswerResult, ServedQuestion

LETTERS = "ABCD"


def timed_out(result: AnswerResult) -> bool:
    """No answer counts as time's up, as does one that arrived after the limit."""
    return result.outcome == "timeout" or result.answer is None


def verdict(result: AnswerResult) -> Content:
    """The feedback's first words: what happened, and what a right answer earned."""
    if result.correct:
        line = Content.assemble(("✓ Right!", "bold $success"), f" +{result.points} points")
    elif timed_out(result):
        line = Content.styled("⏱ Time's up", "bold $warning")
    else:
        line = Content.styled("✗ Wrong", "bold $error")
    if result.leveled_up:
        line = Content.assemble(line, (f" ★ Level {result.level}!", "bold $accent"))
    return line


def points_breakdown(result: AnswerResult) -> str:
    """Where the points came from, or why there are none."""
    took = f"{result.time_taken_s:.1f} s of {result.time_limit} s"
    if result.correct:
        bonus = f" + {result.streak_bonus} streak bonus" if result.streak_bonus else ""
        return f"{result.speed_points} for speed ({took}){bonus} · streak {result.streak}"
    if result.answer is None:
        why = f"No answer in {result.time_limit} s"
    elif timed_out(result):
        why = f"Answered after {result.time_taken_s:.1f} s, past the {result.time_limit} s limit"
    else:
        why = f"You chose {result.answer} ({took})"
    return f"{why} · no points, streak back to 0"


def feedback_content(result: AnswerResult, next_hint: str) -> Content:
    """Everything said after an answer, one paragraph a line."""
    lines = [
        Content.assemble(verdict(result), (f" · {points_breakdown(result)}", "$text-muted")),
        Content.assemble("Answer: ", (result.correct_answer, "bold")),
    ]
    if result.explanation:
        lines.append(Content(result.explanation))
    if result.source is not None:
        lines.append(Content.assemble(("From ", "$text-muted"), (result.source.label, "italic")))
    lines.append(Content(next_hint).stylize("$text-muted"))
    return Content("\n").join(lines)


class OptionRow(HorizontalGroup):
    """One option: its number and letter, then its text (wrapped lines stay indented)."""

    class Chosen(Message):
        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, index: int, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.index = index

    def compose(self) -> ComposeResult:
        yield Static(self._key(" "), classes="challenges-option-key")
        yield Static("", markup=False, classes="challenges-option-text")

    def _key(self, mark: str) -> Content:
        return Content.assemble(
            (f"{self.index + 1}", "bold"), (f" {LETTERS[self.index]} ", "dim"), mark, " "
        )

    def show(self, text: str) -> None:
        self.remove_class("-correct", "-wrong", "-chosen", "-other")
        self.query_one(".challenges-option-key", Static).update(self._key(" "))
        self.query_one(".challenges-option-text", Static).update(text)

    def mark(self, state: str) -> None:
        """``state``: "-chosen" (waiting for the verdict), "-correct", "-wrong" or "-other"."""
        self.remove_class("-correct", "-wrong", "-chosen", "-other")
        self.add_class(state)
        marks = {"-correct": "✓", "-wrong": "✗", "-chosen": "…"}
        self.query_one(".challenges-option-key", Static).update(self._key(marks.get(state, " ")))

    def on_click(self, event: Click) -> None:
        event.stop()
        self.post_message(self.Chosen(self.index))


class QuestionCard(VerticalScroll):
    """A served question; after the answer, the options marked and the feedback below them."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.options: tuple[str, ...] = ()

    def compose(self) -> ComposeResult:
        yield Static("", markup=False, id="challenges-q-waiting")
        yield LoadingIndicator(id="challenges-q-loading")
        yield Static("", markup=False, id="challenges-q-title")
        yield Static("", markup=False, id="challenges-q-text")
        yield Static("", markup=False, id="challenges-q-notice")
        with Vertical(id="challenges-options"):
            for index in range(len(LETTERS)):
                yield OptionRow(
                    index, id=f"challenges-option-{index + 1}", classes="challenges-option"
                )
        yield Static("", id="challenges-feedback")

    def show_waiting(self, text: str) -> None:
        """Only ``text`` and a loading indicator, until the question comes."""
        self.set_class(True, "-waiting")
        self.query_one("#challenges-q-waiting", Static).update(text)
        self.query_one("#challenges-feedback", Static).display = False
        self.query_one("#challenges-q-notice", Static).display = False

    def show_question(self, served: ServedQuestion) -> None:
        self.set_class(False, "-waiting")
        self.options = served.options[: len(LETTERS)]
        self.query_one("#challenges-q-title", Static).update(served.title)
        self.query_one("#challenges-q-text", Static).update(served.question)
        notice = self.query_one("#challenges-q-notice", Static)
        notice.update(served.notice)
        notice.display = bool(served.notice)
        for row in self.query(OptionRow):
            row.display = row.index < len(self.options)
            if row.display:
                row.show(self.options[row.index])
        self.query_one("#challenges-feedback", Static).display = False
        self.scroll_home(animate=False)

    def show_chosen(self, index: int | None) -> None:
        """The answer is on its way: mark the option picked (None: no answer)."""
        for row in self.query(OptionRow):
            if row.index == index:
                row.mark("-chosen")

    def show_result(self, result: AnswerResult, next_hint: str) -> None:
        for row in self.query(OptionRow):
            if not row.display:
                continue
            option = self.options[row.index]
            if option == result.correct_answer:
                row.mark("-correct")
            elif option == result.answer:
                row.mark("-wrong")
            else:
                row.mark("-other")
        self.show_feedback(feedback_content(result, next_hint))

    def show_feedback(self, content: Content) -> None:
        feedback = self.query_one("#challenges-feedback", Static)
        feedback.update(content)
        feedback.display = True
        self.call_after_refresh(self.scroll_end, animate=False)
