"""Questions from a learner's document: made by the tutor, verified, ready for the store."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..domain.model import QuizQuestion
from ..errors import BadInput
from ..tutors.base import Tutor
from .challenge_bank import question_row
from .game_model import NOTES_CATEGORY, QuestionSet
from .learning import source_of
from .library import DocumentInfo, Passage
from .question_check import check_all

# Candidates asked of the tutor per document; the checks keep most of them.
CANDIDATES = 40
MIN_WORDS = 60
POINTS = {"beginner": 10, "intermediate": 20, "advanced": 30}
TIME_LIMITS = {"beginner": 30, "intermediate": 45, "advanced": 60}
# Reading a long question takes time too: this many more seconds per 10 words over 25.
EXTRA_S_PER_10_WORDS = 4
READ_FREE_WORDS = 25


@dataclass(frozen=True)
class MadeSet:
    """The store rows of the verified questions, and the set's summary."""

    rows: list[dict[str, Any]]
    summary: QuestionSet


def time_limit(question: QuizQuestion) -> int:
    words = len(question.question.split()) + sum(len(o.split()) for o in question.options)
    extra = max(0, words - READ_FREE_WORDS) * EXTRA_S_PER_10_WORDS // 10
    return min(120, TIME_LIMITS[question.difficulty] + extra)


def document_row(document: DocumentInfo, question: QuizQuestion) -> dict[str, Any]:
    """The store's columns for a verified question of ``document``."""
    digest = hashlib.sha256(
        f"{question.question}\x1f{question.answer}".encode()
    ).hexdigest()[:12]
    citation = question.citation
    return question_row(
        slug=f"doc{document.id}-{digest}",
        title=f"From {document.title}",
        question=question.question,
        answer=question.answer,
        options=question.options,
        explanation=question.explanation,
        category=NOTES_CATEGORY,
        difficulty=question.difficulty,
        points=POINTS[question.difficulty],
        time_limit=time_limit(question),
        source="document",
        document_id=document.id,
        passage_id=citation.passage_id,
        page=citation.page,
        unit_name=citation.unit_name,
        source_title=document.title,
        quote=citation.quote,
    )


def make_question_set(
    tutor: Tutor, document: DocumentInfo, passages: Sequence[Passage]
) -> MadeSet:
    """Ask ``tutor`` for questions on ``document`` and keep those that pass every check.
    Raises BadInput when the document has too little text, or no question survives."""
    words = sum(passage.words for passage in passages)
    too_little = BadInput(
        f"{document.title!r} has too little text to make questions from ({words} words)",
        hint="questions need notes with definitions and key terms: a page or more of prose",
    )
    if words < MIN_WORDS:
        raise too_little
    sources = [source_of(passage) for passage in passages]
    quiz = tutor.quiz(sources, CANDIDATES)
    checked = check_all(quiz.questions, {s.passage_id: s.text for s in sources}, document.title)
    if quiz.unusable:
        checked.dropped["cites no given passage or lacks three distractors"] += quiz.unusable
    if not checked.kept:
        raise too_little
    summary = QuestionSet(
        doc_id=document.id,
        title=document.title,
        generator=quiz.generator,
        candidates=checked.candidates,
        kept=len(checked.kept),
        dropped=dict(checked.dropped),
        notices=quiz.notices,
    )
    return MadeSet([document_row(document, q) for q in checked.kept], summary)
