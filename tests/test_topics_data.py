"""The curated topic library in data/topics/: schema, coverage and readability of every topic."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from learnplat.tutors.readability import flesch_kincaid_grade, words

TOPICS_DIR = Path(__file__).resolve().parents[1] / "data" / "topics"
LEVELS = ("beginner", "intermediate", "advanced")
CATEGORIES = {
    "biology", "chemistry", "physics", "mathematics", "programming", "computer-science",
    "economics", "history", "earth-science",
}
MIN_TERMS = {"beginner": 3, "intermediate": 4, "advanced": 5}
WORD_RANGE = {"beginner": (100, 260), "intermediate": (200, 480), "advanced": (320, 800)}
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def topic_files() -> list[Path]:
    return sorted(TOPICS_DIR.glob("*/*.json"))


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_the_library_is_large_and_broad_enough() -> None:
    topics = [load(path) for path in topic_files()]
    assert len(topics) >= 50
    assert len({topic["category"] for topic in topics}) >= 8
    assert "photosynthesis" in {topic["id"] for topic in topics}
    ids = [topic["id"] for topic in topics]
    assert len(ids) == len(set(ids))
    names = [topic["name"].lower() for topic in topics]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("path", topic_files(), ids=lambda path: path.stem)
def test_topic_schema_and_readability(path: Path) -> None:
    topic = load(path)
    known_ids = {p.stem for p in topic_files()}
    assert topic["id"] == path.stem and SLUG.match(topic["id"])
    assert topic["category"] == path.parent.name and topic["category"] in CATEGORIES
    assert topic["difficulty"] in LEVELS
    assert topic["name"].strip() and topic["summary"].strip()
    assert len(words(topic["summary"])) <= 35
    assert all(isinstance(alias, str) and alias for alias in topic.get("aliases", []))
    assert set(topic.get("related", [])) <= known_ids - {topic["id"]}
    assert re.match(r"^\d{4}-\d{2}-\d{2}$", topic["created_at"])
    questions = topic["questions"]
    assert len(questions) >= 3
    assert all(q["question"].strip() and q["answer"].strip() for q in questions)

    grades, lengths = [], []
    for level in LEVELS:
        body = topic["levels"][level]
        text = body["explanation"]
        count = len(words(text))
        low, high = WORD_RANGE[level]
        assert low <= count <= high, f"{level}: {count} words, want {low}-{high}"
        assert len(body["key_terms"]) >= MIN_TERMS[level]
        for term in body["key_terms"]:
            assert term["term"].strip() and term["definition"].strip()
        assert len(words(body["example"])) >= 15, f"{level}: the example is too thin"
        grades.append(flesch_kincaid_grade(text))
        lengths.append(count)
    assert grades[0] <= 8.0, f"beginner grade {grades[0]}: too hard for a 12-year-old"
    assert grades[0] < grades[1] < grades[2], f"grades {grades} must rise with the level"
    assert lengths[0] < lengths[1] < lengths[2], f"lengths {lengths} must rise with the level"
