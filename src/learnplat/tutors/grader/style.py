"""How an explanation is written: reading level against the level, examples, length, linking."""

from __future__ import annotations

import re
from dataclasses import dataclass

from learnplat.tutors import readability

from ...domain.model import Level
from .prepared import Prepared
from .submission import Submission

# Flesch-Kincaid grade bands per level (None: open-ended), and the score lost per grade outside.
BANDS: dict[str, tuple[float | None, float | None]] = {
    "beginner": (None, 8.0),
    "intermediate": (8.0, 12.0),
    "advanced": (10.0, None),
}
LOSS_PER_GRADE = 0.15
# Below this the Flesch-Kincaid grade of a text says little.
RELIABLE_WORDS = 40
_EXAMPLE = re.compile(
    r"\b(?:for example|for instance|e\.g\.|such as|imagine|say you|suppose|picture|let's say|"
    r"like when|like a|like an|like the|is like|are like|think of|as if|an example|"
    r"example is|for one thing)\b|\d+\s*[×x*/÷+−=-]\s*\d+",
    re.IGNORECASE,
)
_CONNECTIVE = re.compile(
    r"\b(?:because|so|therefore|which means|this means|that means|since|as a result|thus|hence|"
    r"otherwise|unless|if|then|but|however|although|instead|until|whereas)\b",
    re.IGNORECASE,
)
FULL_SENTENCES = 5
WORDS_PER_CONNECTIVE = 60


@dataclass(frozen=True)
class Reading:
    """The explanation's grade level, how well it fits the level, and the verdict ("high")."""

    grade: float
    score: float
    verdict: str
    reliable: bool


@dataclass(frozen=True)
class Structure:
    """Length against what the reference calls for, an example, sentences and connectives."""

    score: float
    has_example: bool
    sentences: int
    connectives: int
    length_ratio: float
    wants_example: bool


def measure_reading(submission: Submission, level: Level) -> Reading:
    grade = readability.flesch_kincaid_grade(submission.text)
    low, high = BANDS.get(level, (None, None))
    if high is not None and grade > high:
        distance, verdict = grade - high, "high"
    elif low is not None and grade < low:
        distance, verdict = low - grade, "low"
    else:
        distance, verdict = 0.0, "fits"
    score = max(0.0, 1.0 - LOSS_PER_GRADE * distance)
    return Reading(round(grade, 1), score, verdict, submission.words >= RELIABLE_WORDS)


def has_example(text: str) -> bool:
    """An example, a comparison ("like a ...") or numbers worked through."""
    return bool(_EXAMPLE.search(text))


def measure_structure(prepared: Prepared, submission: Submission) -> Structure:
    ratio = submission.words / prepared.expected_words
    length = min(1.0, ratio) ** 0.7
    wanted_sentences = max(1, min(FULL_SENTENCES, round(prepared.expected_words / 20)))
    sentences = len(submission.sentences)
    connectives = len(_CONNECTIVE.findall(submission.text))
    wanted_connectives = max(1.0, submission.words / WORDS_PER_CONNECTIVE)
    example = has_example(submission.text)
    parts = [
        (0.45, length),
        (0.15, min(1.0, sentences / wanted_sentences)),
        (0.15, min(1.0, connectives / wanted_connectives)),
    ]
    if prepared.is_long:
        parts.append((0.25, 1.0 if example else 0.0))
    score = sum(w * s for w, s in parts) / sum(w for w, _ in parts)
    return Structure(score, example, sentences, connectives, ratio, prepared.is_long)
