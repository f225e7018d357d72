"""Teach Back: grade a learner's own explanation against the topic's reference, award points."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import BadInput, LearnplatError, NothingToTeach
from ..tutors.base import Grader
from ..tutors.grader import build_reference
from ..tutors.model import Grade, Reference, Source
from .community import Community, Submission
from .learning import TOPIC_PASSAGES, Learning, parse_level, source_of

MAX_WORDS = 5000


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
        passages = self.learning.library.relevant_passages(
            topic, doc_ids=doc_ids, limit=TOPIC_PASSAGES
        )
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
        if not reference_text.strip():
            raise BadInput("the reference is empty", hint="--reference @model-answer.txt")
        typed_level = parse_level(level)
        source = Source(text=reference_text.strip(), title="Reference")
        reference = build_reference(question or "the question", typed_level, sources=[source])
        return self.grader.grade(reference, answer, typed_level)
