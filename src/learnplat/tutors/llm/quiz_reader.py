"""Turn a model's quiz JSON ``{questions: [{source, question, answer, distractors, ...}]}`` into
QuizQuestions cited to the passages (the game's checks decide which are served)."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, replace
from typing import Any, cast

from ...domain.model import LEVELS, Level, QuizQuestion
from .checks import Problems, read_list, read_object, read_text
from .passages import SourceIndex, normalize_id

DISTRACTORS = 3


@dataclass
class QuizDraft:
    """What came of one reply: the questions if its shape was right, the problems, the drops."""

    questions: tuple[QuizQuestion, ...] | None
    problems: list[str]
    dropped: int = 0


def _options(answer: str, distractors: list[str], question: str) -> tuple[str, ...]:
    """The answer among the distractors at a place fixed by the question (models put the
    answer first far too often for its place to be left to them)."""
    options = [answer, *distractors]
    seed = int.from_bytes(hashlib.sha256(question.encode("utf-8")).digest()[:8], "big")
    random.Random(seed).shuffle(options)
    return tuple(options)


def read_quiz(payload: Any, index: SourceIndex) -> QuizDraft:
    """The questions that cite a given passage and have an answer and three distractors; the
    rest are dropped (counted). A reply of the wrong shape is a problem to repair."""
    problems = Problems()
    root = read_object(payload, (), problems)
    if root is None:
        return QuizDraft(None, problems.messages)
    raw_questions = read_list(root.get("questions"), ("questions",), problems)
    made: list[QuizQuestion] = []
    dropped = 0
    for number, raw in enumerate(raw_questions):
        path = ("questions", number)
        item = read_object(raw, path, problems)
        if item is None:
            continue
        question = read_text(item.get("question"), (*path, "question"), problems)
        answer = read_text(item.get("answer"), (*path, "answer"), problems)
        raw_distractors = read_list(item.get("distractors"), (*path, "distractors"), problems)
        distractors = [
            read_text(d, (*path, "distractors", i), problems) for i, d in enumerate(raw_distractors)
        ]
        if not question or not answer:
            continue
        citation = index.cite([normalize_id(item.get("source")) or ""], answer)
        distractors = [d for d in distractors if d]
        if not citation or len(distractors) != DISTRACTORS:
            dropped += 1
            continue
        explanation = " ".join(str(item.get("explanation") or "").split()) or citation[0].quote
        difficulty = item.get("difficulty")
        level = cast(Level, difficulty if difficulty in LEVELS else "intermediate")
        made.append(
            QuizQuestion(
                question=question,
                options=_options(answer, distractors, question),
                answer=answer,
                explanation=explanation,
                citation=replace(citation[0]),
                kind="model",
                difficulty=level,
            )
        )
    if problems:
        return QuizDraft(None, problems.messages, dropped)
    return QuizDraft(tuple(made), [], dropped)
