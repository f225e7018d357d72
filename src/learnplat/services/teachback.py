"""Teach Back: grade a learner's own explanation against the topic's reference, award points."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..domain.model import Grade, Reference, Source
from ..errors import BadInput, LearnplatError, NothingToTeach
from ..tutors.base import Grader
from ..tutors.grader import build_reference
from .community import Community, Submission
from .grading_batch import BatchLine, grade_lines, open_batch
from .learning import Learning, parse_level, source_of
from .topic_passages import topic_passages

MAX_WORDS = 5000
# A model answer or a chapter: grading time grows with the reference, and 20,000 words (some
# 40 pages) is past any answer a grader compares with.
MAX_REFERENCE_WORDS = 20_000
MAX_QUESTION_WORDS = 1000


@dataclass(frozen=True)
class TeachResult:
    """A submitted explanation: its grade (None while pending) and what it earned."""

    submission: Submission
    grade: Grade | None
    error: LearnplatError | None = None

    @property
    def status(self) -> str:
        return self.submission.status


def check_text(text: str) -> str:
    """The explanation, or BadInput when it is empty or longer than 5,000 words."""
    words = len(text.split())
    if not words:
        raise BadInput("the explanation is empty", hint="write it in your own words first")
    if words > MAX_WORDS:
        raise BadInput(
            f"the explanation has {words:,} words; the limit is {MAX_WORDS:,}",
            hint="explain one topic at a time",
        )
    return text.strip()


class TeachBack:
    """Submit, grade and regrade the current user's explanations. Raises LearnplatError."""

    def __init__(self, learning: Learning, community: Community, grader: Grader) -> None:
        self.learning = learning
        self.community = community
        self.grader = grader

    def reference(self, topic: str, level: str, doc_ids: Sequence[int] = ()) -> Reference:
        """What ``topic`` is graded against: the curated topic at ``level`` and the learner's
        passages on it. Raises BadInput, NotFound, NothingToTeach (with the nearest topics)."""
        typed_level = parse_level(level)
        record = self.learning.topics.find(topic)
        passages = topic_passages(self.learning.library, topic, doc_ids)
        record, passages = self.learning.same_subject(record, passages, doc_ids)
        if record is None and not passages:
            nearest = ", ".join(r.name for r in self.learning.topics.suggest(topic))
            raise NothingToTeach(
                f"nothing to grade an explanation of {topic!r} against: it is not in the topic "
                "library or your documents",
                hint=(f"nearest library topics: {nearest}. " if nearest else "")
                + "Add notes that explain it to your library (the Library tab, or "
                "`learnplat ingest notes.pdf`).",
            )
        name = record.name if record else topic
        sources = [source_of(p) for p in passages]
        return build_reference(name, typed_level, record=record, sources=sources)

    def teach(
        self, topic: str, text: str, *, level: str = "beginner", doc_ids: Sequence[int] = ()
    ) -> TeachResult:
        """Save the explanation (pending), grade it, award its points and share it.

        A grading failure leaves it pending (``result.error`` says why) for ``regrade``."""
        text = check_text(text)
        if not topic.strip():
            raise BadInput("say which topic you explain", hint="photosynthesis, recursion, …")
        reference = self.reference(topic, level, doc_ids)
        record = self.learning.topics.find(topic)
        submission = self.community.submit(
            reference.topic, record.id if record else None, level, text
        )
        return self._grade(submission, reference)

    def regrade(self, explanation_id: int, doc_ids: Sequence[int] = ()) -> TeachResult:
        """Grade an explanation left pending. Raises NotFound, BadInput (already graded)."""
        submission = self.community.get(explanation_id)
        if submission.status != "pending":
            raise BadInput(f"#{explanation_id} is already graded ({submission.score}/10)")
        reference = self.reference(submission.topic, submission.level, doc_ids)
        return self._grade(submission, reference)

    def _grade(self, submission: Submission, reference: Reference) -> TeachResult:
        try:
            grade = self.grader.grade(reference, submission.transcript, reference.level)
        except LearnplatError as exc:
            return TeachResult(submission, None, error=exc)
        return TeachResult(self.community.record_grade(submission.id, grade), grade)

    def grade_only(
        self,
        reference_text: str,
        answer: str,
        *,
        level: str = "intermediate",
        question: str | None = None,
    ) -> Grade:
        """Grade ``answer`` against a reference text without storing anything (for teachers
        and scripts). Raises BadInput."""
        check_text(answer)
        reference_words = len(reference_text.split())
        if not reference_words:
            raise BadInput("the reference is empty", hint="--reference @model-answer.txt")
        if reference_words > MAX_REFERENCE_WORDS:
            raise BadInput(
                f"the reference has {reference_words:,} words; the limit is "
                f"{MAX_REFERENCE_WORDS:,}",
                hint="grade against the part of the text the question is about",
            )
        if question is not None and len(question.split()) > MAX_QUESTION_WORDS:
            raise BadInput(f"the question is longer than {MAX_QUESTION_WORDS:,} words")
        typed_level = parse_level(level)
        source = Source(text=reference_text.strip(), title="Reference")
        reference = build_reference(question or "the question", typed_level, sources=[source])
        return self.grader.grade(reference, answer, typed_level)

    def grade_batch(
        self, source: Path | BinaryIO, level: str = "intermediate"
    ) -> Iterator[BatchLine]:
        """Grade a JSON Lines file (a path, or an open binary stream such as stdin) line by
        line, without storing anything: one BatchLine per non-blank line, a bad line carrying
        its error while the rest are graded. Raises BadInput, before the first line, for a
        bad level or a missing, unreadable or special file."""
        typed_level = parse_level(level)
        if isinstance(source, Path):
            return grade_lines(self, open_batch(source), typed_level, close=True)
        return grade_lines(self, source, typed_level)


