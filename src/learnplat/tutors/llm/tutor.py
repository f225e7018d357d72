"""LLMTutor: lessons and answers from a chat model as checked JSON, else from a fallback tutor."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar

from learnplat.clients.base import ChatClient, Message
from learnplat.clients.errors import ProviderError

from ...domain.model import Answer, Flashcard, Lesson, LessonRequest, Quiz, QuizQuestion, Source
from ..base import TextSink, Tutor
from ..render import answer_markdown, lesson_markdown
from . import notices
from .answer_reader import not_covered, read_answer
from .jsonscan import JsonScanner
from .lesson_reader import read_lesson
from .passages import SourceIndex
from .preview import MarkdownPreview
from .prompting import answer_prompt, lesson_prompt, quiz_prompt, repair_prompt
from .quiz_reader import read_quiz
from .replies import parse_reply

log = logging.getLogger("learnplat.tutors.llm")

T = TypeVar("T")
# A reader checks a parsed reply: the value if usable, the problems, how many claims it dropped.
Reader = Callable[[Any], tuple[T | None, list[str], int]]

ANSWER_MAX_TOKENS = 1500
REPLACED = (
    "\n\n---\n\n> The text above could not be used and was discarded; "
    "this is the corrected version.\n\n"
)


@dataclass
class _Made(Generic[T]):
    """A usable result, and how it came about."""

    value: T
    dropped: int
    repaired: bool
    streamed: bool


@dataclass
class _Failed:
    """No usable result: the provider failed (``error``) or its output stayed invalid."""

    error: ProviderError | None
    streamed: bool

    def notice(self, provider: str, what: str, fallback: str) -> str:
        if self.error is not None:
            return notices.provider_failed(
                self.error, provider, what=what, fallback=fallback, discarded=self.streamed
            )
        return notices.unusable_output(
            provider, what=what, fallback=fallback, discarded=self.streamed
        )


class LLMTutor:
    """A Tutor that asks a chat model for structured JSON lessons and answers.

    Each request is streamed: the prose reaches ``on_text`` as Markdown while the JSON is still
    arriving (see ``preview``). The whole reply is then checked; if it is unusable the model is
    shown its reply and the problems once and asked for a corrected one (not streamed). If the
    provider fails, or the correction is unusable too, ``fallback`` answers the request and the
    result carries a notice saying why. Only ProviderErrors are caught: anything else is a bug.
    """

    def __init__(
        self,
        client: ChatClient,
        fallback: Tutor,
        *,
        temperature: float = 0.3,
        max_tokens: int = 4000,
    ) -> None:
        self.client = client
        self.fallback = fallback
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.name: str = client.name
        self.model: str = client.model

    def __repr__(self) -> str:
        return f"LLMTutor({self.client!r}, fallback={self.fallback.name!r})"

    def lesson(self, request: LessonRequest, on_text: TextSink | None = None) -> Lesson:
        """A lesson in the requested level and format whose every claim cites ``request``'s
        sources; the fallback tutor's lesson, with a notice, if the model cannot give one."""
        index = SourceIndex(request.sources, request.topic_record, request.level)
        system, user = lesson_prompt(request, index)

        def read(payload: Any) -> tuple[Lesson | None, list[str], int]:
            draft = read_lesson(payload, request, index)
            return draft.lesson, draft.problems, draft.dropped

        made = self._generate(system, user, read, index, on_text, self.max_tokens)
        if isinstance(made, _Failed):
            lesson = self.fallback.lesson(request, on_text)
            lesson.notices.insert(0, made.notice(self.name, "lesson", self.fallback.name))
            return lesson
        lesson = made.value
        lesson.provider, lesson.model = self.name, self.model
        if not index.grounded:
            lesson.notices.append(notices.ungrounded(self.name))
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
        index = SourceIndex(sources)
        system, user = answer_prompt(question, index)

        def read(payload: Any) -> tuple[Answer | None, list[str], int]:
            draft = read_answer(payload, question, index, self.name)
            return draft.answer, draft.problems, draft.dropped

        max_tokens = min(self.max_tokens, ANSWER_MAX_TOKENS)
        made = self._generate(system, user, read, index, on_text, max_tokens)
        if isinstance(made, _Failed):
            answer = self.fallback.answer(question, sources, on_text)
            notice = made.notice(self.name, "answer", self.fallback.name)
            return replace(answer, notices=(notice, *answer.notices))
        answer = made.value
        if made.dropped:
            answer = replace(answer, notices=(*answer.notices, notices.left_out(made.dropped)))
        if on_text is not None:
            tail = "".join(f"\n> {notice}\n" for notice in answer.notices)
            self._finish_stream(on_text, made, answer_markdown(answer), tail)
        return answer

    def quiz(self, sources: Sequence[Source], limit: int) -> Quiz:
        """Up to ``limit`` questions written by the model, each cited to the passage its answer
        comes from; the fallback tutor's questions, with a notice, if the model cannot give
        usable ones. (Not streamed: nothing is shown before the questions are checked.)"""
        index = SourceIndex(sources)
        system, user = quiz_prompt(index, limit)

        def read(payload: Any) -> tuple[tuple[QuizQuestion, ...] | None, list[str], int]:
            draft = read_quiz(payload, index)
            return draft.questions, draft.problems, draft.dropped

        made = self._generate(system, user, read, index, None, self.max_tokens)
        if isinstance(made, _Failed) or not made.value:
            fallback = self.fallback.quiz(sources, limit)
            notice = (
                made.notice(self.name, "quiz", self.fallback.name)
                if isinstance(made, _Failed)
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

    def _generate(
        self,
        system: str,
        user: str,
        read: Reader[T],
        index: SourceIndex,
        on_text: TextSink | None,
        max_tokens: int,
    ) -> _Made[T] | _Failed:
        """Stream a reply (previewing it to ``on_text``), check it, repair it once if needed."""
        preview = MarkdownPreview(on_text, index) if on_text is not None else None
        scanner = JsonScanner(preview) if preview is not None else None
        prompt = [Message("user", user)]
        parts: list[str] = []
        deltas: Iterator[str] | None = None
        try:
            deltas = self.client.stream(
                prompt, system=system, max_tokens=max_tokens, temperature=self.temperature
            )
            for delta in deltas:
                parts.append(delta)
                if scanner is not None:
                    scanner.feed(delta)
        except ProviderError as error:
            log.warning("%s failed while streaming: %r", self.name, error)
            return _Failed(error, streamed=bool(preview and preview.emitted))
        finally:
            close = getattr(deltas, "close", None)
            if close is not None:
                close()  # also when on_text raised: release the connection now
        streamed = bool(preview and preview.emitted)
        reply = "".join(parts)
        value, problems, dropped, cut_off = _check(reply, read)
        if value is not None:
            return _Made(value, dropped, repaired=False, streamed=streamed)

        log.info("%s reply unusable, asking for a repair: %s", self.name, problems)
        repair = repair_prompt(problems, cut_off=cut_off)
        if reply.strip():
            messages = [*prompt, Message("assistant", reply), Message("user", repair)]
        else:  # providers reject an empty assistant turn
            messages = [Message("user", f"{user}\n\n{repair}")]
        try:
            repaired = self.client.complete(
                messages,
                system=system,
                max_tokens=max_tokens,
                temperature=self.temperature,
                json_mode=True,
            )
        except ProviderError as error:
            log.warning("%s failed during repair: %r", self.name, error)
            return _Failed(error, streamed)
        value, problems, dropped, _ = _check(repaired, read)
        if value is not None:
            return _Made(value, dropped, repaired=True, streamed=streamed)
        log.warning("%s repaired reply still unusable: %s", self.name, problems)
        return _Failed(None, streamed)

    @staticmethod
    def _finish_stream(on_text: TextSink, made: _Made[Any], markdown: str, tail: str) -> None:
        """Complete what ``on_text`` has seen: the rest of a previewed result, or all of it."""
        if made.repaired:
            on_text((REPLACED if made.streamed else "") + markdown)
        elif not made.streamed:
            on_text(markdown)
        elif tail:
            on_text(tail)


def _check(reply: str, read: Reader[T]) -> tuple[T | None, list[str], int, bool]:
    parsed = parse_reply(reply)
    if parsed.problem is not None:
        return None, [parsed.problem], 0, parsed.cut_off
    value, problems, dropped = read(parsed.payload)
    return value, problems, dropped, False


def _lesson_tail(lesson: Lesson) -> str:
    """What the preview cannot show before the end: the notices and the list of sources."""
    parts = [f"> {notice}" for notice in lesson.notices]
    labels = list(dict.fromkeys(citation.label for citation in lesson.citations))
    if labels:
        parts.append("## Sources\n\n" + "\n".join(f"- {label}" for label in labels))
    return "\n\n".join(parts) + "\n" if parts else ""
