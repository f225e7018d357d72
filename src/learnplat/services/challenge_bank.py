"""The shipped challenge bank (data/challenges/<category>.json), read and checked for the store."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..domain.levels import LEVELS
from ..paths import shipped_data_dir

log = logging.getLogger("learnplat.challenges")

FIELDS = ("id", "title", "question", "options", "answer", "explanation", "difficulty",
          "points", "time_limit")


@dataclass(frozen=True)
class BankQuestion:
    """One question of the bank as written in its file."""

    slug: str
    title: str
    question: str
    options: tuple[str, ...]
    answer: str
    explanation: str
    category: str
    difficulty: str
    points: int
    time_limit: int
    topic: str | None = None

    def row(self) -> dict[str, Any]:
        """The store's columns for this question."""
        return question_row(
            slug=self.slug,
            title=self.title,
            question=self.question,
            answer=self.answer,
            options=self.options,
            explanation=self.explanation,
            category=self.category,
            difficulty=self.difficulty,
            points=self.points,
            time_limit=self.time_limit,
            source="bank",
            topic_id=self.topic,
        )


def question_row(
    *,
    slug: str,
    title: str,
    question: str,
    answer: str,
    options: Sequence[str],
    explanation: str,
    category: str,
    difficulty: str,
    points: int,
    time_limit: int,
    source: str,
    **where: Any,
) -> dict[str, Any]:
    """The store's columns for a question of any source (the bank, notes, imported cards):
    ``where`` holds those that say where it comes from (``document_id``, ``page``, ...), the
    rest default to none. ``content_hash`` is added, to tell a changed question."""
    unknown = set(where) - set(_WHERE)
    if unknown:
        raise TypeError(f"not a question column: {', '.join(sorted(unknown))}")
    row: dict[str, Any] = {
        "slug": slug,
        "title": title,
        "question": question,
        "correct_answer": answer,
        "options": json.dumps(list(options), ensure_ascii=False),
        "explanation": explanation,
        "category": category,
        "difficulty": difficulty,
        "points": points,
        "time_limit": time_limit,
        "source": source,
        **_WHERE,
        **where,
    }
    row["content_hash"] = content_hash(row)
    return row


# Where a question comes from, for the bank: nowhere but the bank itself.
_WHERE: dict[str, Any] = {
    "owner_id": None,
    "document_id": None,
    "passage_id": None,
    "page": None,
    "unit_name": "page",
    "source_title": "",
    "quote": "",
    "topic_id": None,
}


def content_hash(row: dict[str, Any]) -> str:
    """A digest of everything a player sees of a question."""
    shown = json.dumps(row, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(shown.encode("utf-8")).hexdigest()[:16]


def _question(category: str, raw: dict[str, Any]) -> BankQuestion:
    missing = [name for name in FIELDS if name not in raw]
    if missing:
        raise ValueError(f"missing {', '.join(missing)}")
    options = tuple(str(option) for option in raw["options"])
    if len(options) != 4 or len({o.lower() for o in options}) != 4:
        raise ValueError("needs four distinct options")
    if raw["answer"] not in options:
        raise ValueError("the answer is not one of the options")
    if raw["difficulty"] not in LEVELS:
        raise ValueError(f"unknown difficulty {raw['difficulty']!r}")
    return BankQuestion(
        slug=str(raw["id"]),
        title=str(raw["title"]),
        question=str(raw["question"]),
        options=options,
        answer=str(raw["answer"]),
        explanation=str(raw["explanation"]),
        category=category,
        difficulty=str(raw["difficulty"]),
        points=int(raw["points"]),
        time_limit=int(raw["time_limit"]),
        topic=raw.get("topic"),
    )


def load_bank(folder: Path | None = None) -> list[BankQuestion]:
    """Every valid question under ``folder`` (default: the shipped bank). A malformed file or
    question is logged and skipped, so one bad entry never hides the rest."""
    folder = folder if folder is not None else shipped_data_dir() / "challenges"
    found: list[BankQuestion] = []
    seen: set[str] = set()
    for path in sorted(folder.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            category = str(data["category"])
            entries = list(data["questions"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("skipped challenge file %s: %s", path, exc)
            continue
        for raw in entries:
            try:
                question = _question(category, raw)
            except (ValueError, TypeError, KeyError) as exc:
                log.warning("skipped challenge %s in %s: %s", raw.get("id", "?"), path.name, exc)
                continue
            if question.slug in seen:
                log.warning("skipped duplicate challenge id %s in %s", question.slug, path.name)
                continue
            seen.add(question.slug)
            found.append(question)
    return found
