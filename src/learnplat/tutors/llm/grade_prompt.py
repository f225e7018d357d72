"""The grading prompt: the reference's key ideas numbered with their sources, the level, and the
learner's explanation, asking for a rubric as JSON (``prompts/grade_*.txt``)."""

from __future__ import annotations

from ...domain.model import Level, Reference
from .prompting import fill, repair_prompt, template

# The reference is there to check facts against; a long one is cut, not sent whole.
REFERENCE_CHARS = 6000
END_MARKER = "EXPLANATION>>>"


def ideas_block(reference: Reference, idea_chars: int | None = None) -> str:
    """ "1. Chlorophyll: ... (Topic library: Photosynthesis)", one key idea a line; with
    ``idea_chars`` each idea cut to that length and without its source (a small context)."""
    lines = []
    for number, idea in enumerate(reference.key_ideas, start=1):
        text = " ".join(idea.text.split())
        if idea_chars is not None:
            cut = text[:idea_chars].rsplit(" ", 1)[0]
            lines.append(f"{number}. {cut + '…' if len(text) > idea_chars else text}")
            continue
        source = f" ({idea.citation.label})" if idea.citation is not None else ""
        lines.append(f"{number}. {text}{source}")
    return "\n".join(lines) or template("grade_no_ideas")


def reference_block(reference: Reference, limit: int = REFERENCE_CHARS) -> str:
    text = reference.text.strip()
    if len(text) <= limit:
        return text
    if limit <= 0:
        return "(left out: the key ideas above must do)"
    return text[:limit].rsplit(" ", 1)[0] + " […]"


def grade_prompt(
    reference: Reference,
    explanation: str,
    level: Level,
    *,
    reference_chars: int = REFERENCE_CHARS,
    idea_chars: int | None = None,
) -> tuple[str, str]:
    """The system prompt and the user message asking for the grade of ``explanation``, with the
    reference text cut to ``reference_chars`` (and each key idea to ``idea_chars``)."""
    user = fill(
        template("grade_user"),
        {
            "topic": reference.topic,
            "level": level,
            "level_guide": template(f"grade_level_{level}"),
            "ideas": ideas_block(reference, idea_chars),
            "reference": reference_block(reference, reference_chars),
            # The learner's text cannot close the markers it is quoted between.
            "explanation": explanation.strip().replace(END_MARKER, "EXPLANATION >>>"),
            "idea_count": str(len(reference.key_ideas)),
        },
    )
    return template("grade_system"), user


def grade_repair_prompt(problems: list[str], *, cut_off: bool) -> str:
    """The tutor's repair message, with advice for a cut-off grade instead of a lesson's."""
    repair = repair_prompt(problems, cut_off=False)
    return f"{repair}\n{template('grade_repair_cut_off')}" if cut_off else repair
