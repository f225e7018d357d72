"""The offline grader: a 1-10 grade of a teach-back from weighted, explainable components."""

from __future__ import annotations

from ...domain.model import Grade, GradeComponent, Level, Reference
from .contradiction import Contradiction, find_contradictions
from .copying import COPIED, copied_share
from .coverage import Coverage, measure_coverage
from .encoder import MODEL_NAME, shared_encoder
from .feedback import Findings, feedback, label, suggestion
from .jargon import find_jargon
from .meaning import Meaning, measure_meaning, same_thing
from .prepared import prepare
from .relevance import Relevance, measure_relevance
from .style import Reading, Structure, measure_reading, measure_structure
from .submission import read_submission

# What the explanation says counts most; how it is written counts in proportion to that, so a
# well-written explanation of the wrong thing earns little.
WEIGHTS = {"coverage": 0.45, "accuracy": 0.25, "structure": 0.2, "readability": 0.07}
JARGON_WEIGHTS = {"beginner": 0.10, "intermediate": 0.07, "advanced": 0.03}
CONTENT = ("coverage", "accuracy")
CONTENT_FOR_FULL_STYLE = 0.35
UNRELIABLE_READING = 0.3
JARGON_LOSS = 0.25
# Off the topic: hardly any shared wording, no agreement, no idea touched. (A free paraphrase
# also shares little wording, so all three must be low.)
OFF_TOPIC_SHARE = 0.12
OFF_TOPIC_COSINE = 0.1
OFF_TOPIC_COVERAGE = 0.15
# By meaning, an explanation this close to the reference is on its subject, whatever its words;
# being on the subject counts fully once this share of the key ideas is said.
ON_TOPIC_MEANING = 0.3
SUBSTANCE_FULL = 0.7
OFF_TOPIC_MAX = 2
COPIED_MAX = 4
# A contradiction caps the grade clearly below the pass mark (5) whatever the length and
# vocabulary around it, so a thin correct answer, which passes, stays above it; each further
# one (weighed by whether it is a key idea) takes more off.
CONTRADICTED_MAX = 3
CONTRADICTION_STEP = 2


class OfflineGrader:
    """Grades an explanation against a Reference with no network.

    With the semantic tier installed (``learnplat[semantic]``) and ``semantic`` on, key ideas
    and contradictions are also matched by meaning with a local sentence model, loaded on the
    first grade and shared by every grader in the process; without it, by words alone.
    """

    name = "offline"

    def __init__(self, *, semantic: bool = True) -> None:
        self.semantic = semantic

    def grade(self, reference: Reference, explanation: str, level: Level) -> Grade:
        """The grade of ``explanation`` (a teach-back of ``reference.topic`` at ``level``).

        Raises BadInput for an empty explanation or one over 5,000 words.
        """
        prepared = prepare(reference)
        submission = read_submission(explanation, prepared)
        encoder = shared_encoder() if self.semantic else None
        meaning = measure_meaning(prepared, submission, encoder) if encoder else None
        contradictions = find_contradictions(
            prepared, submission, meaning, same_thing(encoder) if encoder else None
        )
        contradicted = frozenset(found.index for found in contradictions)
        coverage = measure_coverage(prepared, submission, meaning, contradicted)
        relevance = measure_relevance(
            prepared,
            submission,
            contradictions,
            meaning.agreement if meaning else None,
            min(1.0, coverage.idea_mean / SUBSTANCE_FULL),
        )
        reading = measure_reading(submission, level)
        structure = measure_structure(prepared, submission)
        jargon = find_jargon(prepared, submission, level)
        share = copied_share(prepared, submission)
        off_topic = (
            relevance.on_topic < OFF_TOPIC_SHARE
            and relevance.cosine < OFF_TOPIC_COSINE
            and coverage.idea_mean < OFF_TOPIC_COVERAGE
            and (meaning is None or meaning.agreement < ON_TOPIC_MEANING)
        )
        components = _components(coverage, relevance, reading, structure, jargon, level, meaning)
        score = weighted_score(components)
        if off_topic:
            score = min(score, OFF_TOPIC_MAX)
        if share >= COPIED:
            score = min(score, COPIED_MAX)
        if contradictions:
            score = min(score, contradicted_max(contradictions))
        found = Findings(
            topic=reference.topic,
            level=level,
            coverage=coverage,
            relevance=relevance,
            reading=reading,
            structure=structure,
            jargon=jargon,
            copied_share=share,
            copied=share >= COPIED,
            off_topic=off_topic,
            words=submission.words,
        )
        return Grade(
            score=score,
            components=components,
            covered=tuple(idea.text for idea in coverage.covered),
            missed=coverage.missed,
            feedback=feedback(found),
            suggestion=suggestion(found),
            reading_grade=reading.grade,
            jargon=jargon,
            has_example=structure.has_example,
            copied=found.copied,
            off_topic=off_topic,
            grader=self.name,
        )


def _components(
    coverage: Coverage,
    relevance: Relevance,
    reading: Reading,
    structure: Structure,
    jargon: tuple[str, ...],
    level: Level,
    meaning: Meaning | None,
) -> tuple[GradeComponent, ...]:
    covered = ", ".join(label(idea) for idea in coverage.covered[:4]) or "none"
    matched = f"by words and by meaning ({MODEL_NAME})" if meaning else "by words"
    agreement = f"agreement {relevance.cosine:.2f} (TF-IDF cosine)"
    if relevance.by_meaning is not None:
        agreement += f", {relevance.by_meaning:.2f} by meaning"
    reading_weight = WEIGHTS["readability"] * (1.0 if reading.reliable else UNRELIABLE_READING)
    return (
        GradeComponent(
            "coverage",
            round(coverage.score, 3),
            WEIGHTS["coverage"],
            f"{len(coverage.covered)} of {len(coverage.scores)} key ideas ({covered}), matched "
            f"{matched}; {coverage.core_recall:.0%} of the reference's core words",
        ),
        GradeComponent(
            "accuracy",
            round(relevance.score, 3),
            WEIGHTS["accuracy"],
            f"{agreement}, {relevance.on_topic:.0%} of its wording on the topic, "
            f"{len(relevance.contradictions)} possible contradiction(s)",
        ),
        GradeComponent(
            "structure",
            round(structure.score, 3),
            WEIGHTS["structure"],
            f"{structure.sentences} sentence(s), {structure.connectives} connective(s), "
            f"{'an example' if structure.has_example else 'no example'}, "
            f"{structure.length_ratio:.0%} of the expected length",
        ),
        GradeComponent(
            "readability",
            round(reading.score, 3),
            round(reading_weight, 3),
            f"Flesch-Kincaid grade {reading.grade:.1f} ({reading.verdict} for {level})",
        ),
        GradeComponent(
            "jargon",
            round(max(0.0, 1.0 - JARGON_LOSS * len(jargon)), 3),
            JARGON_WEIGHTS.get(level, 0.07),
            _jargon_detail(jargon, level),
        ),
    )


def _jargon_detail(jargon: tuple[str, ...], level: Level) -> str:
    if jargon:
        return f"unexplained: {', '.join(jargon)}"
    if level == "advanced":
        return "technical terms are expected at the advanced level"
    return "every technical term explained"


def contradicted_max(contradictions: tuple[Contradiction, ...]) -> int:
    """The highest grade an explanation with these contradictions can get: 3 for one, less
    by CONTRADICTION_STEP for each further key idea contradicted, never below 1."""
    weight = sum(found.weight for found in contradictions)
    extra = max(0.0, weight - contradictions[0].weight)
    return max(1, round(CONTRADICTED_MAX - CONTRADICTION_STEP * extra))


def weighted_score(components: tuple[GradeComponent, ...]) -> int:
    """1 + 9 x the weighted mean, the style components scaled by how good the content is."""
    content = [c for c in components if c.name in CONTENT]
    style = [c for c in components if c.name not in CONTENT]
    content_weight = sum(c.weight for c in content)
    content_score = sum(c.score * c.weight for c in content) / content_weight
    gate = min(1.0, content_score / CONTENT_FOR_FULL_STYLE)
    total_weight = content_weight + sum(c.weight for c in style)
    total = (
        content_score * content_weight + gate * sum(c.score * c.weight for c in style)
    ) / total_weight
    return max(1, min(10, round(1 + 9 * total)))
