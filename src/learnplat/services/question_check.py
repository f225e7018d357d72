"""Check a generated question before anyone is served it: grounded, fair, unambiguous."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ..domain.model import QuizQuestion
from ..tutors.offline.definitions import glossary_entry
from ..tutors.offline.text import STOPWORDS, stem, tokens

OPTIONS = 4
_SECTION_NUMBER = re.compile(r"\d+(?:\.\d+)+\.?")


def _flat(text: str) -> str:
    return " ".join(text.lower().split())


def _contains(haystack: str, needle: str) -> bool:
    """Whether ``needle`` stands in ``haystack`` as whole words (any case, any spacing)."""
    pattern = r"\s+".join(re.escape(word) for word in needle.split())
    return re.search(rf"(?<![\w-]){pattern}(?![\w-])", haystack, re.IGNORECASE) is not None


def _kind(option: str) -> str:
    """ "name" for a capitalised or all-capitals option ("Calvin cycle", "ATP"), else "term"."""
    return "term" if option[:1].islower() else "name"


def _roots(text: str) -> tuple[str, ...]:
    return tuple(stem(word)[:5] for word in tokens(text))


def _sense_problem(question: QuizQuestion, subject: str) -> str | None:
    """The sanity rules a served question keeps whoever made it: the answer is a term the
    notes state (not a section number, a stop word or the subject's own name), the question
    a full sentence, the four options distinct and of one kind, none a form of another."""
    answer = question.answer.strip()
    if _SECTION_NUMBER.fullmatch(answer):
        return "the answer is a section number"
    answer_words = [t for t in tokens(answer) if t not in STOPWORDS]
    if not answer_words:
        return "the answer is a stop word"
    subject_words = {stem(t) for t in tokens(subject) if t not in STOPWORDS}
    if subject_words and {stem(t) for t in answer_words} <= subject_words:
        return "the answer is the subject's own name"
    stem_text = question.question.strip()
    body = stem_text.split(":", 1)[1].strip() if stem_text.startswith("Fill in") else stem_text
    if not re.search(r"[.!?][\"'”’)]*$", body) or len(body.split()) < 4:
        return "the question is not a full sentence"
    options = [option.strip() for option in question.options]
    if len({_kind(option) for option in options}) > 1:
        return "the options are not of one kind"
    for position, first in enumerate(options):
        for second in options[position + 1 :]:
            if _roots(first) == _roots(second):
                return "two options are forms of one word"
            if _contains(first, second) or _contains(second, first):
                return "an option contains another"
    return None


def problem(question: QuizQuestion, passage: str | None, subject: str = "") -> str | None:
    """Why ``question`` must not be served (None: it may). ``passage`` is the text of the
    passage it cites; ``subject`` the title of what it is asked on."""
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
    # A glossary's entry defines its own term: the other entries beside it in the passage
    # define theirs, so only the entry itself must not name a wrong option.
    entry = question.kind == "definition" and glossary_entry(question.explanation) is not None
    context = question.explanation if entry else passage
    for option in options:
        if _flat(option) == _flat(answer):
            continue
        if _contains(context, option):
            return "a distractor is in the cited passage"
        if _flat(option) in _flat(answer):
            return "a distractor is part of the answer"
        if _flat(option) in _flat(stem):
            return "a distractor is part of the question"
    return _sense_problem(question, subject)


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
    questions: Iterable[QuizQuestion], passages: Mapping[int | None, str], subject: str = ""
) -> Checked:
    """Sort ``questions`` into kept and dropped (``passages``: passage id -> text; ``subject``:
    the title of the notes). A second question with the same answer or stem as a kept one is
    dropped as a repeat."""
    checked = Checked()
    answers: set[str] = set()
    stems: set[str] = set()
    for question in questions:
        reason = problem(question, passages.get(question.citation.passage_id), subject)
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
