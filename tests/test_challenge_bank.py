"""The shipped challenge bank in data/challenges/: every question valid, the bank broad enough."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

BANK_DIR = Path(__file__).resolve().parents[1] / "data" / "challenges"
TOPICS_DIR = Path(__file__).resolve().parents[1] / "data" / "topics"
DIFFICULTIES = ("beginner", "intermediate", "advanced")
CATEGORIES = {
    "biology", "chemistry", "physics", "mathematics", "programming", "computer-science",
    "economics", "history", "earth-science",
}
FIELDS = {
    "id", "title", "question", "options", "answer", "explanation", "difficulty", "points",
    "time_limit",
}
OPTIONAL = {"topic"}
ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def bank_files() -> list[Path]:
    return sorted(BANK_DIR.glob("*.json"))


def questions() -> list[tuple[str, dict]]:
    found = []
    for path in bank_files():
        data = json.loads(path.read_text(encoding="utf-8"))
        assert set(data) == {"category", "questions"}, path.name
        assert data["category"] == path.stem, path.name
        found += [(data["category"], question) for question in data["questions"]]
    return found


def test_the_bank_is_large_and_broad() -> None:
    bank = questions()
    assert len(bank) >= 300
    cells = Counter((category, q["difficulty"]) for category, q in bank)
    categories = {category for category, _ in cells}
    assert len(categories) >= 8
    assert categories <= CATEGORIES
    for category in categories:
        for difficulty in DIFFICULTIES:
            assert cells[(category, difficulty)] >= 8, (category, difficulty)


def test_ids_and_questions_are_unique() -> None:
    bank = questions()
    ids = [q["id"] for _, q in bank]
    assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1]
    stems = [" ".join(q["question"].lower().split()) for _, q in bank]
    assert len(stems) == len(set(stems)), [s for s, n in Counter(stems).items() if n > 1]


@pytest.mark.parametrize("category", sorted(CATEGORIES))
def test_every_question_is_well_formed(category: str) -> None:
    topic_ids = {path.stem for path in TOPICS_DIR.glob("*/*.json")}
    for cat, q in questions():
        if cat != category:
            continue
        where = q.get("id", "?")
        assert FIELDS <= set(q) <= FIELDS | OPTIONAL, where
        assert ID.match(q["id"]) and q["id"].startswith(f"{category}-"), where
        assert q["difficulty"] in DIFFICULTIES, where
        options = q["options"]
        assert isinstance(options, list) and len(options) == 4, where
        assert all(isinstance(o, str) and o.strip() == o and o for o in options), where
        assert len({o.lower() for o in options}) == 4, f"{where}: options repeat"
        assert q["answer"] in options, f"{where}: the answer is not an option"
        for title_field in ("title", "question", "explanation"):
            assert isinstance(q[title_field], str) and q[title_field].strip(), where
        assert len(q["explanation"].split()) >= 15, f"{where}: explanation too short"
        assert isinstance(q["points"], int) and 5 <= q["points"] <= 50, where
        assert isinstance(q["time_limit"], int) and 10 <= q["time_limit"] <= 120, where
        if "topic" in q:
            assert q["topic"] in topic_ids, f"{where}: unknown topic {q['topic']}"


def test_answers_are_not_always_in_the_same_place() -> None:
    positions = Counter(q["options"].index(q["answer"]) for _, q in questions())
    assert len(positions) == 4
    assert max(positions.values()) < 0.4 * sum(positions.values())
