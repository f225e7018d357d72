"""Measure the grader against human grades: Pearson, Spearman and mean absolute error."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ...domain.model import Level, Reference, Source, TopicRecord
from .grader import OfflineGrader
from .reference import build_reference

SCALE_LOW, SCALE_HIGH = 1.0, 10.0


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Pearson's r (0.0 when either side is constant)."""
    n = len(xs)
    if n < 2:
        return 0.0
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    cov = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    var_x = sum((x - mean_x) ** 2 for x in xs)
    var_y = sum((y - mean_y) ** 2 for y in ys)
    return cov / math.sqrt(var_x * var_y) if var_x and var_y else 0.0


def ranks(values: Sequence[float]) -> list[float]:
    """1-based ranks, ties sharing their average rank."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    result = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for position in range(start, end + 1):
            result[order[position]] = (start + end) / 2 + 1
        start = end + 1
    return result


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Spearman's rho: Pearson's r of the ranks."""
    return pearson(ranks(xs), ranks(ys))


def human_score(row: Mapping[str, Any]) -> float:
    """The row's human score on the 1-10 scale ("max_score" given: rescaled from 0..max)."""
    score = float(row["score"])
    if "max_score" in row:
        return SCALE_LOW + (SCALE_HIGH - SCALE_LOW) * score / float(row["max_score"])
    return score


def grade_rows(
    rows: Iterable[Mapping[str, Any]],
    *,
    grader: OfflineGrader | None = None,
    topics: Mapping[str, TopicRecord] | None = None,
) -> list[int]:
    """The grader's score for each row.

    A row holds "explanation" (or "answer") and either "topic" (a curated topic id) with
    "level", or "reference" (a model answer, with an optional "question" naming the topic).
    """
    grader = grader or OfflineGrader()
    references: dict[tuple[str, str, str], Reference] = {}
    scores = []
    for row in rows:
        level: Level = row.get("level", "intermediate")
        key = (str(row.get("topic", "")), level, str(row.get("reference", "")))
        if key not in references:
            references[key] = _reference(row, level, topics)
        text = row.get("explanation", row.get("answer", ""))
        scores.append(grader.grade(references[key], text, level).score)
    return scores


def evaluate(
    rows: Iterable[Mapping[str, Any]],
    *,
    grader: OfflineGrader | None = None,
    topics: Mapping[str, TopicRecord] | None = None,
) -> dict[str, float]:
    """Grade every row and compare with its "score": {"n", "pearson", "spearman", "mae"}.

    The MAE is on the 1-10 scale (rows with "max_score" are rescaled first).
    """
    rows = list(rows)
    predicted = [float(s) for s in grade_rows(rows, grader=grader, topics=topics)]
    human = [human_score(row) for row in rows]
    errors = [abs(p - h) for p, h in zip(predicted, human, strict=True)]
    return {
        "n": float(len(rows)),
        "pearson": round(pearson(predicted, human), 4),
        "spearman": round(spearman(predicted, human), 4),
        "mae": round(sum(errors) / len(errors), 4) if errors else 0.0,
    }


def _reference(
    row: Mapping[str, Any], level: Level, topics: Mapping[str, TopicRecord] | None
) -> Reference:
    if "reference" in row:
        question = str(row.get("question", ""))
        source = Source(text=str(row["reference"]), title="Model answer")
        return build_reference(question, level, sources=(source,))
    if topics is None:  # the topic library is the services' to load
        raise ValueError("a row names a topic: pass the topics (load_shipped_topics)")
    record = topics[str(row["topic"])]
    return build_reference(record.id, level, record=record)
