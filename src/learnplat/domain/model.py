"""The shared vocabulary: requests, sources, citations, the lessons, answers, grades, quizzes
and topics the tutors make and every layer above them passes around."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from ..citations import page_mark
from .levels import FORMATS as FORMATS
from .levels import LEVELS as LEVELS
from .levels import Format as Format
from .levels import Level as Level


@dataclass(frozen=True)
class Source:
    """A passage the tutor may use: from a learner's document (doc_id set) or the topic library."""

    text: str
    title: str
    doc_id: int | None = None
    passage_id: int | None = None
    page: int | None = None
    unit_name: str = "page"
    heading_path: tuple[str, ...] = ()
    page_label: str | None = None  # printed page number where it differs from ``page``


@dataclass(frozen=True)
class Citation:
    """Where a statement came from. ``doc_id`` is None for the shipped topic library."""

    title: str
    doc_id: int | None = None
    page: int | None = None
    unit_name: str = "page"
    passage_id: int | None = None
    quote: str = ""
    page_label: str | None = None  # printed page number where it differs from ``page``

    @property
    def label(self) -> str:
        """Short form used inline: "Title, p. 3" / "Title, p. 23, PDF page 41" / "Title, §2" /
        "Title"."""
        if self.page is None:
            return self.title
        return f"{self.title}, {page_mark(self.unit_name, self.page, self.page_label)}"


@dataclass(frozen=True)
class Statement:
    """One sentence of a lesson with the citations that support it (none for tutor glue text)."""

    text: str
    citations: tuple[Citation, ...] = ()


@dataclass(frozen=True)
class KeyTerm:
    term: str
    definition: str
    citation: Citation | None = None


@dataclass(frozen=True)
class Section:
    """A titled part of a lesson: paragraphs of statements."""

    heading: str
    paragraphs: tuple[tuple[Statement, ...], ...]


@dataclass(frozen=True)
class ConceptNode:
    """A node of the concept map: topic -> sections -> key terms -> supporting facts."""

    label: str
    children: tuple[ConceptNode, ...] = ()
    citation: Citation | None = None


@dataclass(frozen=True)
class NarrationSegment:
    """A stretch of the narration script; ``start_s`` is its offset in the spoken audio."""

    start_s: float
    text: str


@dataclass(frozen=True)
class Exercise:
    question: str
    answer: str
    citation: Citation | None = None


@dataclass(frozen=True)
class Chapter:
    """An ebook chapter: its sections, key terms, a worked example and exercises with answers."""

    title: str
    sections: tuple[Section, ...]
    key_terms: tuple[KeyTerm, ...]
    worked_example: str
    exercises: tuple[Exercise, ...]


@dataclass(frozen=True)
class LessonRequest:
    """What a learner asked for, with what to teach from: passages of their documents (already
    retrieved for the topic) and/or the curated topic. At least one of the two is present."""

    topic: str
    level: Level
    format: Format
    sources: tuple[Source, ...] = ()
    topic_record: TopicRecord | None = None
    # The topic as the learner named it; None for a lesson on whole documents.
    focus: str | None = None


@dataclass
class Lesson:
    """A lesson in one format. Only the fields of its format are filled beyond the common ones."""

    topic: str
    level: Level
    format: Format
    title: str
    sections: list[Section]
    key_terms: list[KeyTerm]
    provider: str = "offline"
    model: str | None = None
    follow_ups: list[str] = field(default_factory=list)
    concept_map: ConceptNode | None = None
    narration: list[NarrationSegment] = field(default_factory=list)
    chapters: list[Chapter] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    from_cache: bool = False

    @property
    def citations(self) -> list[Citation]:
        """Every distinct citation in the lesson, in order of first appearance."""
        seen: dict[tuple, Citation] = {}
        statements = [s for section in self.all_sections() for p in section.paragraphs for s in p]
        for statement in statements:
            for citation in statement.citations:
                seen.setdefault((citation.doc_id, citation.page, citation.title), citation)
        for term in self.key_terms:
            if term.citation:
                key = (term.citation.doc_id, term.citation.page, term.citation.title)
                seen.setdefault(key, term.citation)
        return list(seen.values())

    def all_sections(self) -> list[Section]:
        return self.sections + [s for chapter in self.chapters for s in chapter.sections]


@dataclass(frozen=True)
class Answer:
    """An answer from the sources; ``found`` is False when they do not cover the question."""

    question: str
    text: str
    statements: tuple[Statement, ...]
    found: bool
    provider: str = "offline"
    notices: tuple[str, ...] = ()

    @property
    def citations(self) -> list[Citation]:
        seen: dict[tuple, Citation] = {}
        for statement in self.statements:
            for citation in statement.citations:
                seen.setdefault((citation.doc_id, citation.page, citation.title), citation)
        return list(seen.values())


@dataclass(frozen=True)
class TopicLevel:
    """One level of a curated topic: its explanation (Markdown paragraphs), terms and example."""

    explanation: str
    key_terms: tuple[KeyTerm, ...]
    example: str


@dataclass(frozen=True)
class TopicRecord:
    """A curated topic from the topic library (``data/topics/<category>/<id>.json``)."""

    id: str
    name: str
    category: str
    difficulty: Level
    summary: str
    levels: dict[str, TopicLevel]
    questions: tuple[Exercise, ...] = ()
    aliases: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    created_at: str = ""

    @property
    def citation(self) -> Citation:
        return Citation(title=f"Topic library: {self.name}")

    def seed_record(self, level: Level = "intermediate") -> dict[str, str]:
        """The seed system's topic record: topic_id, topic_name, explanation, category, ..."""
        return {
            "topic_id": self.id,
            "topic_name": self.name,
            "explanation": self.levels[level].explanation,
            "category": self.category,
            "difficulty": self.difficulty,
            "created_at": self.created_at,
        }


@dataclass(frozen=True)
class KeyIdea:
    """One idea a good explanation of the topic covers, with the terms that signal it."""

    text: str
    terms: tuple[str, ...]
    citation: Citation | None = None


@dataclass(frozen=True)
class Reference:
    """What an explanation is graded against: the topic at a level, from the curated topic
    and/or the learner's passages on it."""

    topic: str
    level: Level
    text: str
    key_ideas: tuple[KeyIdea, ...]
    sources: tuple[Source, ...] = ()


@dataclass(frozen=True)
class GradeComponent:
    """One part of the rubric: its score from 0 to 1, its weight, and what it found."""

    name: str
    score: float
    weight: float
    detail: str


@dataclass(frozen=True)
class Grade:
    """A 1-10 grade with the reasons a learner can act on."""

    score: int
    components: tuple[GradeComponent, ...]
    covered: tuple[str, ...]
    missed: tuple[KeyIdea, ...]
    feedback: tuple[str, ...]
    suggestion: str
    reading_grade: float
    jargon: tuple[str, ...] = ()
    has_example: bool = False
    copied: bool = False
    off_topic: bool = False
    grader: str = "offline"
    notices: tuple[str, ...] = ()


QuestionKind = Literal["definition", "cloze", "model"]


@dataclass(frozen=True)
class QuizQuestion:
    """A multiple-choice question made from the sources: four options, one the answer, cited
    to the passage the answer is taken from (``citation.passage_id``, ``citation.quote``)."""

    question: str
    options: tuple[str, ...]
    answer: str
    explanation: str
    citation: Citation
    kind: QuestionKind
    difficulty: Level = "intermediate"


@dataclass(frozen=True)
class Quiz:
    """Questions a tutor made, before the service verifies them; ``generator`` names who made
    them (a model's name, or "offline")."""

    questions: tuple[QuizQuestion, ...]
    generator: str = "offline"
    notices: tuple[str, ...] = ()
    # Questions a model wrote that cited no given passage or lacked three distractors: left
    # out before any check, but counted in the drop rate.
    unusable: int = 0


@dataclass(frozen=True)
class Flashcard:
    """A term and what the notes say it is, cited."""

    front: str
    back: str
    citation: Citation
