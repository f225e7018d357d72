"""Reading a model's JSON defensively: typed getters that record what was wrong, and where."""

from __future__ import annotations

from typing import Any

from .jsonscan import Path


def where(path: Path) -> str:
    """A JSON path as a model can read it: ``sections[0].paragraphs[1][2].text``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "the reply"


class Problems:
    """The validation errors found in one reply, phrased for the model to fix them."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def __bool__(self) -> bool:
        return bool(self.messages)

    def add(self, path: Path, message: str) -> None:
        self.messages.append(f"{where(path)}: {message}")


def read_object(value: Any, path: Path, problems: Problems) -> dict[str, Any] | None:
    if isinstance(value, dict):
        return value
    problems.add(path, "missing" if value is None else "expected an object")
    return None


def read_list(value: Any, path: Path, problems: Problems, *, required: bool = True) -> list[Any]:
    if isinstance(value, list):
        return value
    if value is None and not required:
        return []
    problems.add(path, "missing" if value is None else "expected a list")
    return []


def read_text(value: Any, path: Path, problems: Problems, *, required: bool = True) -> str:
    """A string field, whitespace collapsed; "" (and a problem, if ``required``) otherwise."""
    if isinstance(value, str) and value.strip():
        return " ".join(value.split())
    if value is None or value == "":
        if required:
            problems.add(path, "missing")
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    problems.add(path, "expected a string")
    return ""
