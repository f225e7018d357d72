"""LLMGrader: a teach-back graded by a chat model against a rubric, checked against the offline
grade, and the offline grade itself (with a notice) when the model cannot give a usable one."""

from __future__ import annotations

import logging
from dataclasses import replace

from learnplat.clients.base import ChatClient, Message
from learnplat.clients.errors import ProviderError

from ...domain.model import Grade, Level, Reference
from ..grader import OfflineGrader
from .grade_combine import COVERAGE_MARGIN, combine
from .grade_prompt import grade_prompt, grade_repair_prompt
from .grade_reader import Rubric, read_rubric
from .notices import provider_label, reason
from .replies import parse_reply

log = logging.getLogger("learnplat.tutors.llm")


class LLMGrader:
    """Grades an explanation with a chat model; same interface as OfflineGrader.

    The model gets the reference's numbered key ideas (with their sources), the level and the
    explanation, and returns a rubric as JSON. The rubric is checked strictly; an unusable reply
    is shown back to the model once with its problems. The result is held to the offline
    grade (computed first, without a network): coverage at most the offline coverage plus
    ``coverage_margin``, and its off-topic and copy caps stand. If the provider fails or the
    corrected reply is unusable too, the offline grade is returned with a notice saying why.
    Only ProviderErrors are caught; BadInput (an empty or over-long explanation) is raised by
    the offline grader before any request is made.
    """

    def __init__(
        self,
        client: ChatClient,
        fallback: OfflineGrader,
        *,
        temperature: float = 0.0,
        max_tokens: int = 1500,
        coverage_margin: float = COVERAGE_MARGIN,
    ) -> None:
        self.client = client
        self.fallback = fallback
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.coverage_margin = coverage_margin
        self.name: str = client.name
        self.model: str = client.model

    def __repr__(self) -> str:
        return f"LLMGrader({self.client!r}, fallback={self.fallback.name!r})"

    def grade(self, reference: Reference, explanation: str, level: Level) -> Grade:
        """The grade of ``explanation`` (a teach-back of ``reference.topic`` at ``level``)."""
        offline = self.fallback.grade(reference, explanation, level)
        system, user = grade_prompt(reference, explanation, level)
        try:
            rubric = self._ask(system, user, len(reference.key_ideas))
        except ProviderError as error:
            log.warning("%s failed while grading: %r", self.name, error)
            notice = f"{provider_label(self.name)} unavailable: {reason(error)} — {self._tail()}"
            return replace(offline, notices=(notice, *offline.notices))
        if rubric is None:
            notice = (
                f"{provider_label(self.name)} sent a grade that could not be used, even after "
                f"asking it to correct it — {self._tail()}"
            )
            return replace(offline, notices=(notice, *offline.notices))
        return combine(
            rubric, offline, reference, level, grader=self.name, margin=self.coverage_margin
        )

    def _tail(self) -> str:
        return f"graded {self.fallback.name}"

    def _ask(self, system: str, user: str, idea_count: int) -> Rubric | None:
        """The model's rubric, repaired once if needed; None if it stays unusable."""
        prompt = [Message("user", user)]
        reply = self._complete(prompt, system)
        rubric, problems, cut_off = _check(reply, idea_count)
        if rubric is not None:
            return rubric
        log.info("%s grade unusable, asking for a repair: %s", self.name, problems)
        repair = grade_repair_prompt(problems, cut_off=cut_off)
        if reply.strip():
            messages = [*prompt, Message("assistant", reply), Message("user", repair)]
        else:  # providers reject an empty assistant turn
            messages = [Message("user", f"{user}\n\n{repair}")]
        rubric, problems, _ = _check(self._complete(messages, system), idea_count)
        if rubric is None:
            log.warning("%s repaired grade still unusable: %s", self.name, problems)
        return rubric

    def _complete(self, messages: list[Message], system: str) -> str:
        return self.client.complete(
            messages,
            system=system,
            max_tokens=self.max_tokens,
            temperature=self.temperature,
            json_mode=True,
        )


def _check(reply: str, idea_count: int) -> tuple[Rubric | None, list[str], bool]:
    parsed = parse_reply(reply)
    if parsed.problem is not None:
        return None, [parsed.problem], parsed.cut_off
    rubric, problems = read_rubric(parsed.payload, idea_count)
    return rubric, problems, False
