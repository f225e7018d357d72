"""The LLM tutor's prompts: text files in ``tutors/prompts/``, filled by safe substitution."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from importlib import resources

from ...domain.model import LessonRequest
from .passages import SourceIndex

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


@cache
def template(name: str) -> str:
    """The prompt file ``prompts/<name>.txt`` (read once), without its final newline."""
    path = resources.files("learnplat.tutors").joinpath("prompts", f"{name}.txt")
    return path.read_text(encoding="utf-8").rstrip("\n")


def fill(text: str, values: Mapping[str, str]) -> str:
    """Replace each ``{name}`` in ``text`` by ``values[name]``.

    Unlike ``str.format`` the braces of JSON examples are left alone, and the inserted values are
    not scanned again, so a learner's text containing ``{topic}`` stays as typed. A placeholder
    with no value is a bug in the prompt files and raises KeyError.
    """

    def value(match: re.Match[str]) -> str:
        return values[match.group(1)]

    return _PLACEHOLDER.sub(value, text)


def passages_block(index: SourceIndex) -> str:
    return index.prompt_block() or template("no_passages")


def lesson_prompt(request: LessonRequest, index: SourceIndex) -> tuple[str, str]:
    """The system prompt and the user message asking for ``request`` as JSON."""
    user = fill(
        template("lesson_user"),
        {
            "passages": passages_block(index),
            "topic": request.topic,
            "format": request.format,
            "level": request.level,
            "level_guide": template(f"level_{request.level}"),
            "format_guide": template(f"format_{request.format}"),
            "schema": template(f"schema_{request.format}"),
        },
    )
    return template("lesson_system"), user


def answer_prompt(question: str, index: SourceIndex) -> tuple[str, str]:
    """The system prompt and the user message asking for an answer as JSON."""
    user = fill(template("answer_user"), {"passages": passages_block(index), "question": question})
    return template("answer_system"), user


def repair_prompt(problems: list[str], *, cut_off: bool) -> str:
    """The follow-up message that shows the model what was wrong with its reply."""
    listed = "\n".join(f"- {problem}" for problem in problems)
    advice = template("repair_cut_off") if cut_off else ""
    return fill(template("repair"), {"problems": listed, "advice": advice}).rstrip()


def quiz_prompt(index: SourceIndex, count: int) -> tuple[str, str]:
    """The system prompt and the user message asking for ``count`` questions as JSON."""
    user = fill(template("quiz_user"), {"passages": passages_block(index), "count": str(count)})
    return template("quiz_system"), user
