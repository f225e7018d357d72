"""LLMTutor: lessons and answers from a chat model as checked JSON, else from a fallback tutor."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from learnplat.clients.base import ChatClient, ReplyShape

from ...domain.model import Answer, Flashcard, Lesson, LessonRequest, Quiz, QuizQuestion, Source
from ..base import TextSink, Tutor
from ..render import answer_markdown, lesson_markdown
from . import notices
from .answer_reader import not_covered, read_answer
from .asking import Asker, Budget, Failed, Made, Prompt, fit_items
from .jsonscan import JsonScanner
from .lesson_reader import read_lesson
from .passages import PASSAGE_CHARS, SourceIndex
from .preview import MarkdownPreview
from .prompting import answer_prompt, lesson_prompt, quiz_prompt
from .quiz_reader import read_quiz
from .shapes import citing

log = logging.getLogger("learnplat.tutors.llm")

ANSWER_MAX_TOKENS = 1500
# The fewest reply tokens worth asking for: a lesson, an answer, one quiz question.
LESSON_NEEDS = 500
ANSWER_NEEDS = 250
QUESTION_TOKENS = 160
REPLACED = (
    "\n\n---\n\n> The text above could not be used and was discarded; "
    "this is the corrected version.\n\n"
)


class _Shown:
    """The streaming preview: the JSON scanner feeding the Markdown preview."""

    def __init__(self, on_text: TextSink, index: SourceIndex) -> None:
        self._preview = MarkdownPreview(on_text, index)
        self._scanner = JsonScanner(self._preview)

    @property
    def emitted(self) -> bool:
        return self._preview.emitted

    def feed(self, delta: str) -> None:
        self._scanner.feed(delta)


def _citing(name: str) -> Callable[[Prompt], ReplyShape]:
    """The reply shape ``name`` citing only the passages the planned prompt numbers."""
    return lambda prompt: citing(name, [passage.id for passage in prompt.index.passages])


def _failure_notice(failed: Failed, provider: str, what: str, fallback: str) -> str:
    if failed.error is not None:
        return notices.provider_failed(
            failed.error, provider, what=what, fallback=fallback, discarded=failed.streamed
        )
    return notices.unusable_output(
        provider, what=what, fallback=fallback, discarded=failed.streamed
    )


class LLMTutor:
    """A Tutor that asks a chat model for structured JSON lessons, answers and quizzes.

    Each task goes through ``asking.Asker``: fitted to the model's context window, streamed
    with the reply's JSON Schema as structured output, checked, and repaired once. A lesson's or
    answer's prose reaches ``on_text`` as Markdown while the JSON is still arriving (see
    ``preview``). If the provider fails, or the correction is unusable too, ``fallback`` answers
    the request and the result carries a notice saying why. Only ProviderErrors are caught:
    anything else (a cancel from the activity watcher included) goes up.
    """

    def __init__(
        self,
        client: ChatClient,
        fallback: Tutor,
        *,
        temperature: float = 0.3,
        max_tokens: int = 4000,
        timeout: float = 300,
    ) -> None:
        self.client = client
        self.fallback = fallback
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.name: str = client.name
        self.model: str = client.model
        self.asker = Asker(client, temperature=temperature, timeout=timeout)

    def __repr__(self) -> str:
        return f"LLMTutor({self.client!r}, fallback={self.fallback.name!r})"

    def lesson(self, request: LessonRequest, on_text: TextSink | None = None) -> Lesson:
        """A lesson in the requested level and format whose every claim cites ``request``'s
        sources; the fallback tutor's lesson, with a notice, if the model cannot give one."""
        budget = Budget(self.max_tokens, LESSON_NEEDS)

        def build(kept: int, chars: int | None) -> tuple[str, str, Any]:
            index = SourceIndex(
                request.sources[:kept],
                request.topic_record,
                request.level,
                passage_chars=chars or PASSAGE_CHARS,
            )
            return (*lesson_prompt(request, index), index)

        def plan(window: int | None) -> Prompt:
            # Notes that cannot fit at all make no lesson here: the fallback's is grounded.
            count = len(request.sources)
            return fit_items(count, build, budget, window, keep_at_least=1 if count else 0)

        def read(payload: Any, prompt: Prompt) -> tuple[Lesson | None, list[str], int]:
            draft = read_lesson(payload, request, prompt.index)
            return draft.lesson, draft.problems, draft.dropped

        made = self.asker.run(
            "lesson",
            plan,
            _citing(f"lesson_{request.format}"),
            read,
            preview_for=self._preview(on_text),
        )
        if isinstance(made, Failed):
            lesson = self.fallback.lesson(request, on_text)
            lesson.notices.insert(0, _failure_notice(made, self.name, "lesson", self.fallback.name))
            return lesson
        lesson = made.value
        lesson.provider, lesson.model = self.name, self.model
        if not request.sources and request.topic_record is None:
            lesson.notices.append(notices.ungrounded(self.name))
        if made.left_out:
            lesson.notices.append(notices.passages_left_out(made.left_out, len(request.sources)))
        if made.dropped:
            lesson.notices.append(notices.left_out(made.dropped))
        if on_text is not None:
            self._finish_stream(on_text, made, lesson_markdown(lesson), _lesson_tail(lesson))
        return lesson

    def answer(
        self, question: str, sources: Sequence[Source], on_text: TextSink | None = None
    ) -> Answer:
        """An answer made only of sentences that cite ``sources``; ``found`` False when none
        does. The fallback tutor's answer, with a notice, if the model cannot give one."""
        if not sources:
            answer = not_covered(question, self.name)
            if on_text is not None:
                on_text(answer_markdown(answer))
            return answer
        budget = Budget(min(self.max_tokens, ANSWER_MAX_TOKENS), ANSWER_NEEDS)

        def build(kept: int, chars: int | None) -> tuple[str, str, Any]:
            index = SourceIndex(sources[:kept], passage_chars=chars or PASSAGE_CHARS)
            return (*answer_prompt(question, index), index)

        def plan(window: int | None) -> Prompt:
            return fit_items(len(sources), build, budget, window)

        def read(payload: Any, prompt: Prompt) -> tuple[Answer | None, list[str], int]:
            draft = read_answer(payload, question, prompt.index, self.name)
            return draft.answer, draft.problems, draft.dropped

        made = self.asker.run(
            "answer", plan, _citing("answer"), read, preview_for=self._preview(on_text)
        )
        if isinstance(made, Failed):
            answer = self.fallback.answer(question, sources, on_text)
            notice = _failure_notice(made, self.name, "answer", self.fallback.name)
            return replace(answer, notices=(notice, *answer.notices))
        answer = made.value
        extra = []
        if made.left_out:
            extra.append(notices.passages_left_out(made.left_out, len(sources)))
        if made.dropped:
            extra.append(notices.left_out(made.dropped))
        if extra:
            answer = replace(answer, notices=(*answer.notices, *extra))
        if on_text is not None:
            tail = "".join(f"\n> {notice}\n" for notice in answer.notices)
            self._finish_stream(on_text, made, answer_markdown(answer), tail)
        return answer

    def quiz(self, sources: Sequence[Source], limit: int) -> Quiz:
        """Up to ``limit`` questions written by the model, each cited to the passage its answer
        comes from; the fallback tutor's questions, with a notice, if the model cannot give
        usable ones. (Streamed, but nothing is shown before the questions are checked.)"""
        budget = Budget(min(self.max_tokens, QUESTION_TOKENS * limit + 100), QUESTION_TOKENS)

        def build(kept: int, chars: int | None) -> tuple[str, str, Any]:
            index = SourceIndex(sources[:kept], passage_chars=chars or PASSAGE_CHARS)
            return (*quiz_prompt(index, limit), index)

        def room_for(prompt: Prompt) -> int:
            """No more questions than the reply has room for, when the context window cut it:
            a model told 40 writes until its tokens run out, and a cut-off reply is no quiz."""
            if prompt.max_tokens >= budget.wanted:
                return limit
            return min(limit, max(1, (prompt.max_tokens - 100) // QUESTION_TOKENS))

        def plan(window: int | None) -> Prompt:
            prompt = fit_items(len(sources), build, budget, window)
            if room_for(prompt) < limit:
                system, user = quiz_prompt(prompt.index, room_for(prompt))
                prompt = replace(prompt, system=system, user=user)
            return prompt

        def shape_of(prompt: Prompt) -> ReplyShape:
            ids = [passage.id for passage in prompt.index.passages]
            return citing("quiz", ids, questions=room_for(prompt))

        def read(
            payload: Any, prompt: Prompt
        ) -> tuple[tuple[QuizQuestion, ...] | None, list[str], int]:
            draft = read_quiz(payload, prompt.index)
            return draft.questions, draft.problems, draft.dropped

        made = self.asker.run("quiz", plan, shape_of, read)
        if isinstance(made, Failed) or not made.value:
            fallback = self.fallback.quiz(sources, limit)
            notice = (
                _failure_notice(made, self.name, "quiz", self.fallback.name)
                if isinstance(made, Failed)
                else notices.unusable_output(
                    self.name, what="quiz", fallback=self.fallback.name, discarded=False
                )
            )
            return replace(fallback, notices=(notice, *fallback.notices))
        return Quiz(made.value[:limit], generator=self.name, unusable=made.dropped)

    def flashcards(self, sources: Sequence[Source], limit: int) -> list[Flashcard]:
        """The fallback tutor's cards: a definition card quotes the notes word for word, which
        the extractive engine does exactly and a model need not be asked for."""
        return self.fallback.flashcards(sources, limit)

    @staticmethod
    def _preview(on_text: TextSink | None) -> Callable[[Prompt], _Shown] | None:
        if on_text is None:
            return None
        return lambda prompt: _Shown(on_text, prompt.index)

    @staticmethod
    def _finish_stream(on_text: TextSink, made: Made[Any], markdown: str, tail: str) -> None:
        """Complete what ``on_text`` has seen: the rest of a previewed result, or all of it."""
        if made.repaired:
            on_text((REPLACED if made.streamed else "") + markdown)
        elif not made.streamed:
            on_text(markdown)
        elif tail:
            on_text(tail)


def _lesson_tail(lesson: Lesson) -> str:
    """What the preview cannot show before the end: the notices and the list of sources."""
    parts = [f"> {notice}" for notice in lesson.notices]
    labels = list(dict.fromkeys(citation.label for citation in lesson.citations))
    if labels:
        parts.append("## Sources\n\n" + "\n".join(f"- {label}" for label in labels))
    return "\n\n".join(parts) + "\n" if parts else ""
