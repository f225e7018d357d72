"""Teach Back: grade a learner's own explanation against the topic's reference, award points."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..errors import BadInput, LearnplatError, NothingToTeach
from ..tutors.base import Grader
from ..tutors.grader import build_reference
from ..tutors.model import Grade, Reference, Source
from .community import Community, Submission
from .grading_batch import BatchLine, grade_lines, open_batch
from .learning import TOPIC_PASSAGES, Learning, parse_level, source_of
from .library import Library, Passage
from .search import STOPWORDS

MAX_WORDS = 5000
# A model answer or a chapter: grading time grows with the reference, and 20,000 words (some
# 40 pages) is past any answer a grader compares with.
MAX_REFERENCE_WORDS = 20_000
MAX_QUESTION_WORDS = 1000
# A topic that names several things ("master-slave and master-master replication", "static vs
# dynamic websites") is explained where each is, seldom in one passage naming all of them.
_TOPIC_PARTS = re.compile(r"\s*(?:,|;|&|/|\band\b|\bor\b|\bvs\b\.?|\bversus\b)\s*", re.IGNORECASE)
# A noun phrase's head comes before its modifiers ("the abstract nature of mathematics").
_MODIFIER = re.compile(r"\s+(?:of|in|on|for|with|from|by|to|at|about|between)\s+.*$", re.IGNORECASE)
# Below this many passages a reference says too little to grade against: look wider.
MIN_REFERENCE_PASSAGES = 4


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
        passages = reference_passages(self.learning.library, topic, doc_ids)
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


def reference_passages(
    library: Library, topic: str, doc_ids: Sequence[int] = (), limit: int = TOPIC_PASSAGES
) -> list[Passage]:
    """The passages an explanation of ``topic`` is graded against, best first: those with all
    its words, taken in turn with those naming each thing it names ("X and Y": X's, Y's); with
    fewer than MIN_REFERENCE_PASSAGES, those naming its head phrase ("the basic visualization
    steps in d3": "basic visualization steps", then "visualization steps"), then, when any
    passage names it, those with any of its words, ranked.
    Raises NotFound for an unknown document id."""

    def search(query: str, require_all: bool = True) -> list[Passage]:
        if not _words(query):
            return []
        return library.relevant_passages(
            query, doc_ids=doc_ids, limit=limit, require_all=require_all
        )

    parts = [part for part in _TOPIC_PARTS.split(topic) if _words(part)]
    queues = [search(topic)]
    if len(parts) > 1:
        # "master-slave and master-master replication": the last part's head word is shared.
        shared = _words(parts[-1])[-1:] if len(_words(parts[-1])) > 1 else []
        for part in parts:
            words = _words(part)
            query = " ".join([*words, *(w for w in shared if w not in words)])
            queues.append(search(query) or search(part))
    found = _interleave(queues, limit)
    if len(found) < MIN_REFERENCE_PASSAGES:
        # Never one word alone: "theory" is no head phrase of "zorblax theory".
        head = _words(_MODIFIER.sub("", parts[0] if parts else topic))
        for start in range(max(1, len(head) - 1)):
            found = _interleave([found, search(" ".join(head[start:]))], limit)
            if len(found) >= MIN_REFERENCE_PASSAGES:
                break
    if found and len(found) < MIN_REFERENCE_PASSAGES:
        # Widen around a topic the notes name, never onto one they do not: the passages with
        # most of its words first.
        hits = [search(word) for word in dict.fromkeys(w.lower() for w in _words(topic))]
        count: dict[int, int] = {}
        for queue in hits:
            for passage in queue:
                count[passage.id] = count.get(passage.id, 0) + 1
        ranked = sorted(_interleave(hits, 4 * limit), key=lambda p: -count[p.id])
        found = _interleave([found, ranked], limit)
    return found


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"\w[\w'’-]*", text) if w.lower() not in STOPWORDS]


def _interleave(queues: list[list[Passage]], limit: int) -> list[Passage]:
    """One from each queue in turn, each passage once, up to ``limit``."""
    found: dict[int, Passage] = {}
    for rank in range(max((len(q) for q in queues), default=0)):
        for queue in queues:
            if rank < len(queue) and len(found) < limit:
                found.setdefault(queue[rank].id, queue[rank])
    return list(found.values())
