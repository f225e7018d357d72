"""Turn a model's rubric into a Grade, held to the offline grade's checks and flags.

A model may credit what the offline matcher cannot see (a paraphrase), but not much more: what
the explanation says (coverage, and accuracy, which offline is its agreement with the reference)
is capped at the offline measure plus a margin, and the key ideas it may add to those the offline
check found are limited to the same share. A model may always mark down. Because a model's
accuracy and style say nothing about how much was explained, they count fully only once the
coverage reaches ``COVERAGE_FOR_FULL_CREDIT``: a correct, well-written explanation of too little
earns little. The weights, the 1-10 scale and the caps for a copied or off-topic explanation are
the offline grader's.
"""

from __future__ import annotations

from dataclasses import replace

from ...domain.model import Grade, GradeComponent, KeyIdea, Level, Reference
from ..grader.feedback import label, where
from ..grader.grader import COPIED_MAX, OFF_TOPIC_MAX, weighted_score
from .grade_reader import Rubric

# How far above the offline measure a model may rate coverage and accuracy. The offline matcher
# already credits most paraphrases (0.7 for one avoiding every term of the reference).
COVERAGE_MARGIN = 0.25
COVERAGE_FOR_FULL_CREDIT = 0.7
# Accuracy lost per factual error the model lists, whatever accuracy it gave.
ERROR_LOSS = 0.2
SHOWN_IDEAS = 4
SHOWN_MISSED = 2
MAX_LINES = 10


def combine(
    rubric: Rubric,
    offline: Grade,
    reference: Reference,
    level: Level,
    *,
    grader: str,
    margin: float = COVERAGE_MARGIN,
) -> Grade:
    """The Grade of ``rubric`` for an explanation ``offline`` graded without a model."""
    ideas = reference.key_ideas
    offline_scores = {c.name: c.score for c in offline.components}
    weights = {c.name: c.weight for c in offline.components}

    # Ideas both found stand; the model may add at most a margin's share of the others.
    found_offline = set(offline.covered)
    agreed = [n for n in rubric.covered if ideas[n - 1].text in found_offline]
    extra = [n for n in rubric.covered if n not in agreed][: int(margin * len(ideas))]
    kept = set(agreed + extra)
    covered = tuple(idea for n, idea in enumerate(ideas, start=1) if n in kept)
    missed = tuple(idea for n, idea in enumerate(ideas, start=1) if n not in kept)
    cut_ideas = len(rubric.covered) - len(kept)

    claimed = rubric.components["coverage"]
    cap = min(1.0, offline_scores.get("coverage", 0.0) + margin)
    coverage = min(claimed, cap)
    capped = claimed > cap or cut_ideas > 0
    accuracy = min(
        rubric.components["accuracy"],
        offline_scores.get("accuracy", 0.0) + margin,
        max(0.0, 1.0 - ERROR_LOSS * len(rubric.errors)),
    )
    gate = min(1.0, coverage / COVERAGE_FOR_FULL_CREDIT)

    scores = {**rubric.components, "coverage": coverage, "accuracy": accuracy}
    details = {
        "coverage": _coverage_detail(covered, len(ideas), claimed, cap, offline_scores, gate),
        "accuracy": _accuracy_detail(
            rubric.errors,
            rubric.components["accuracy"],
            offline_scores.get("accuracy", 0.0),
            margin,
        ),
        "structure": f"model's judgement; {'an example' if rubric.has_example else 'no example'}",
        "readability": f"model's judgement; Flesch-Kincaid grade {offline.reading_grade:.1f}",
        "jargon": _jargon_detail(rubric.jargon, level),
    }
    components = tuple(
        GradeComponent(c.name, round(scores[c.name], 3), weights[c.name], details[c.name])
        for c in offline.components
    )
    # The other parts count in proportion to the coverage until it reaches full credit.
    score = weighted_score(
        tuple(c if c.name == "coverage" else replace(c, score=c.score * gate) for c in components)
    )
    if offline.off_topic:
        score = min(score, OFF_TOPIC_MAX)
    if offline.copied:
        score = min(score, COPIED_MAX)

    return Grade(
        score=score,
        components=components,
        covered=tuple(idea.text for idea in covered),
        missed=missed,
        feedback=_feedback(rubric, offline, covered, missed, capped),
        suggestion=_suggestion(rubric, offline, missed, capped),
        reading_grade=offline.reading_grade,
        jargon=rubric.jargon,
        has_example=rubric.has_example,
        copied=offline.copied,
        off_topic=offline.off_topic,
        grader=grader,
    )


def _flag_lines(offline: Grade) -> tuple[str, ...]:
    """The offline feedback on being off the topic or copied: it puts those lines first."""
    return offline.feedback[: int(offline.off_topic) + int(offline.copied)]


def _feedback(
    rubric: Rubric,
    offline: Grade,
    covered: tuple[KeyIdea, ...],
    missed: tuple[KeyIdea, ...],
    capped: bool,
) -> tuple[str, ...]:
    lines = [*_flag_lines(offline), *rubric.feedback]
    lines += [f"Factual error: {error}" for error in rubric.errors]
    if capped and missed:
        shown = [f"{label(idea)}{where(idea)}" for idea in missed[:SHOWN_MISSED]]
        more = len(missed) - SHOWN_MISSED
        lines.append(
            f"Only {len(covered)} of {len(covered) + len(missed)} key ideas come across clearly. "
            f"You missed: {'; '.join(shown)}{f' and {more} more' if more > 0 else ''}."
        )
    return tuple(dict.fromkeys(lines))[:MAX_LINES]


def _suggestion(rubric: Rubric, offline: Grade, missed: tuple[KeyIdea, ...], capped: bool) -> str:
    if offline.off_topic or offline.copied:
        return offline.suggestion
    if capped and missed:
        return f"Add a sentence or two on {label(missed[0])}{where(missed[0])}."
    return rubric.suggestion


def _coverage_detail(
    covered: tuple[KeyIdea, ...],
    total: int,
    claimed: float,
    cap: float,
    offline_scores: dict[str, float],
    gate: float,
) -> str:
    names = ", ".join(label(idea) for idea in covered[:SHOWN_IDEAS]) or "none"
    detail = f"{len(covered)} of {total} key ideas ({names}); model's judgement {claimed:.2f}"
    if claimed > cap:
        offline = offline_scores.get("coverage", 0.0)
        detail += f", held to {cap:.2f} by the offline coverage check ({offline:.2f})"
    if gate < 1.0:
        detail += f"; the other parts count {gate:.0%}, as it is below {COVERAGE_FOR_FULL_CREDIT}"
    return detail


def _accuracy_detail(errors: tuple[str, ...], claimed: float, offline: float, margin: float) -> str:
    found = f"{len(errors)} factual error(s) found" if errors else "no factual errors found"
    detail = f"model's judgement {claimed:.2f}; {found}"
    if claimed > offline + margin:
        detail += f"; held to {offline + margin:.2f} by its agreement with the reference"
    return detail


def _jargon_detail(jargon: tuple[str, ...], level: Level) -> str:
    if jargon:
        return f"unexplained: {', '.join(jargon)}"
    if level == "advanced":
        return "technical terms are expected at the advanced level"
    return "every technical term explained"
