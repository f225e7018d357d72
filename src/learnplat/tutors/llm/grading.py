"""LLMGrader: a teach-back graded by a chat model against a rubric, checked against the offline
grade, and the offline grade itself (with a notice) when the model cannot give a usable one."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from learnplat.clients.base import ChatClient

from ...domain.model import Grade, Level, Reference
from ..grader import OfflineGrader
from .asking import Asker, Budget, DoesNotFit, Failed, Prompt, estimate_tokens
from .grade_combine import COVERAGE_MARGIN, combine
from .grade_prompt import REFERENCE_CHARS, grade_prompt, grade_repair_prompt
from .grade_reader import Rubric, read_rubric
from .notices import provider_failed, provider_label
from .shapes import shape

log = logging.getLogger("learnplat.tutors.llm")
# The fewest reply tokens a rubric needs.
GRADE_NEEDS = 300


class LLMGrader:
    """Grades an explanation with a chat model; same interface as OfflineGrader.

    The model gets the reference's numbered key ideas (with their sources), the level and the
    explanation (the reference text cut to fit the model's context window), and returns a rubric
    as JSON, streamed, with its JSON Schema as structured output where the server takes it. The
    rubric is checked strictly; an unusable reply is shown back to the model once with its
    problems. The result is held to the offline
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
        timeout: float = 300,
    ) -> None:
        self.client = client
        self.fallback = fallback
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.coverage_margin = coverage_margin
        self.name: str = client.name
        self.model: str = client.model
        self.asker = Asker(client, temperature=temperature, timeout=timeout)

    def __repr__(self) -> str:
        return f"LLMGrader({self.client!r}, fallback={self.fallback.name!r})"

    def grade(self, reference: Reference, explanation: str, level: Level) -> Grade:
        """The grade of ``explanation`` (a teach-back of ``reference.topic`` at ``level``)."""
        offline = self.fallback.grade(reference, explanation, level)
        idea_count = len(reference.key_ideas)
        budget = Budget(self.max_tokens, GRADE_NEEDS)

        def plan(window: int | None) -> Prompt:
            # The explanation goes whole; the reference text is cut to fit, then the key ideas.
            steps = [(chars, None) for chars in (REFERENCE_CHARS, 3000, 1500, 600, 0)]
            for chars, idea_chars in [*steps, (0, 120), (0, 70)]:
                system, user = grade_prompt(
                    reference, explanation, level, reference_chars=chars, idea_chars=idea_chars
                )
                max_tokens = budget.reply_tokens(window, estimate_tokens(system, user))
                if max_tokens is not None:
                    return Prompt(system, user, max_tokens)
            raise DoesNotFit

        def read(payload: Any, prompt: Prompt) -> tuple[Rubric | None, list[str], int]:
            rubric, problems = read_rubric(payload, idea_count)
            return rubric, problems, 0

        made = self.asker.run(
            "grade",
            plan,
            shape("grade"),
            read,
            repair_advice=lambda problems, cut_off: grade_repair_prompt(problems, cut_off=cut_off),
        )
        if isinstance(made, Failed) and made.error is not None:
            notice = provider_failed(
                made.error,
                self.name,
                what="grade",
                fallback=self.fallback.name,
                discarded=False,
                tail=self._tail(),
            )
            return replace(offline, notices=(notice, *offline.notices))
        if isinstance(made, Failed):
            notice = (
                f"{provider_label(self.name)} sent a grade that could not be used, even after "
                f"asking it to correct it — {self._tail()}"
            )
            return replace(offline, notices=(notice, *offline.notices))
        return combine(
            made.value, offline, reference, level, grader=self.name, margin=self.coverage_margin
        )

    def _tail(self) -> str:
        return f"graded {self.fallback.name}"
