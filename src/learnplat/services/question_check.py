"""Check a generated question before anyone is served it: grounded, fair, unambiguous."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ..tutors.model import QuizQuestion

OPTIONS = 4


def _flat(text: str) -> str:
    return " ".join(text.lower().split())


def _contains(haystack: str, needle: str) -> bool:
    """Whether ``needle`` stands in ``haystack`` as whole words (any case, any spacing)."""
    pattern = r"\s+".join(re.escape(word) for word in needle.split())
    return re.search(rf"(?<![\w-]){pattern}(?![\w-])", haystack, re.IGNORECASE) is not None


def problem(question: QuizQuestion, passage: str | None) -> str | None:
    """Why ``question`` must not be served (None: it may). ``passage`` is the text of the
    passage it cites."""
    options = [option.strip() for option in question.options]
    answer = question.answer.strip()
    if len(options) != OPTIONS or not all(options) or not answer:
        return "not four options"
    if len({_flat(option) for option in options}) != OPTIONS:
        return "options repeat"
    if sum(_flat(option) == _flat(answer) for option in options) != 1:
        return "answer not among the options"
    if passage is None:
        return "cites no passage"
    if not _contains(passage, answer):
        return "answer not in the cited passage"
    stem = question.question
    if _contains(stem, answer):
        return "the question gives the answer away"
    for option in options:
        if _flat(option) == _flat(answer):
            continue
        if _contains(passage, option):
            return "a distractor is in the cited passage"
        if _flat(option) in _flat(answer):
            return "a distractor is part of the answer"
        if _flat(option) in _flat(stem):
            return "a distractor is part of the question"
    return None


@dataclass
class Checked:
    """The questions that passed, and how many failed for each reason."""

    kept: list[QuizQuestion] = field(default_factory=list)
    dropped: Counter[str] = field(default_factory=Counter)

    @property
    def candidates(self) -> int:
        return len(self.kept) + sum(self.dropped.values())

    @property
    def drop_rate(self) -> float:
        return sum(self.dropped.values()) / self.candidates if self.candidates else 0.0


def check_all(
    questions: Iterable[QuizQuestion], passages: Mapping[int | None, str]
) -> Checked:
    """Sort ``questions`` into kept and dropped (``passages``: passage id -> text). A second
    question with the same answer or stem as a kept one is dropped as a repeat."""
    checked = Checked()
    answers: set[str] = set()
    stems: set[str] = set()
    for question in questions:
        reason = problem(question, passages.get(question.citation.passage_id))
        if reason is None and (
            _flat(question.answer) in answers or _flat(question.question) in stems
        ):
            reason = "repeats another question"
        if reason is None:
            checked.kept.append(question)
            answers.add(_flat(question.answer))
            stems.add(_flat(question.question))
        else:
            checked.dropped[reason] += 1
    return checked
