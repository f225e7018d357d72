"""Turn a model's answer JSON ``{found, sentences: [{sources, text}]}`` into an Answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...domain.model import Answer, Statement
from .checks import Problems, read_list, read_object, read_text
from .passages import SourceIndex

NOT_COVERED = "Your notes don't cover this."


@dataclass
class AnswerDraft:
    """What came of one reply: an answer if its shape was right, the problems, the drop count."""

    answer: Answer | None
    problems: list[str]
    dropped: int = 0


def not_covered(question: str, provider: str, notices: tuple[str, ...] = ()) -> Answer:
    return Answer(question, NOT_COVERED, (), found=False, provider=provider, notices=notices)


def read_answer(payload: Any, question: str, index: SourceIndex, provider: str) -> AnswerDraft:
    """Keep the sentences that cite the passages; if none is left the notes do not cover it."""
    problems = Problems()
    root = read_object(payload, (), problems)
    if root is None:
        return AnswerDraft(None, problems.messages)
    found = root.get("found")
    if not isinstance(found, bool):
        problems.add(("found",), "expected true or false")
    # Sentences under "found": false are not looked at: nothing is shown, nothing is dropped.
    raw_sentences = read_list(root.get("sentences"), ("sentences",), problems) if found else []
    statements: list[Statement] = []
    dropped = 0
    for number, raw in enumerate(raw_sentences):
        path = ("sentences", number)
        item = read_object(raw, path, problems)
        if item is None:
            continue
        raw_text = read_text(item.get("text"), (*path, "text"), problems, required=False)
        if not raw_text:
            continue
        text, citations = index.cite_text(item.get("sources"), raw_text)
        # An answer must rest on the passages, so an uncited sentence never stands.
        if not citations:
            dropped += 1
            continue
        statements.append(Statement(text, citations))
    if problems:
        return AnswerDraft(None, problems.messages, dropped)
    if not found or not statements:
        return AnswerDraft(not_covered(question, provider), [], dropped)
    text = " ".join(statement.text for statement in statements)
    return AnswerDraft(Answer(question, text, tuple(statements), True, provider), [], dropped)
