"""Teach-back grading: agreement with the teacher's scores and how fast the offline grader runs.

Run: .venv/bin/python bench/grading_speed.py [--batch 2000] [--repeats 50]
Targets (teach-back issue): a 300-word explanation graded in < 100 ms; Pearson >= 0.6 on the
labelled sample (data/grading/sample.jsonl). The short-answer rows (data/grading/
short_answers.jsonl) are graded against a one-line model answer, as a held-out set would be.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from _common import ROOT, percentile, report, statistics

from learnplat.services.topics import load_shipped_topics
from learnplat.tutors.grader import OfflineGrader, build_reference, evaluate

GRADING = ROOT / "data" / "grading"


def rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def words(text: str, count: int) -> str:
    """``text`` repeated and cut to exactly ``count`` words."""
    tokens = text.split()
    while len(tokens) < count:
        tokens += text.split()
    return " ".join(tokens[:count])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=2000, help="explanations in the batch run")
    parser.add_argument("--repeats", type=int, default=50, help="timed grades of 300 words")
    args = parser.parse_args()

    topics = load_shipped_topics()
    sample = rows(GRADING / "sample.jsonl")
    short = rows(GRADING / "short_answers.jsonl")
    grader = OfflineGrader()

    started = time.perf_counter()
    on_sample = evaluate(sample, grader=grader, topics=topics)
    sample_s = time.perf_counter() - started
    on_short = evaluate(short, grader=grader)

    record = topics["photosynthesis"]
    started = time.perf_counter()
    reference = build_reference("photosynthesis", "beginner", record=record)
    build_ms = (time.perf_counter() - started) * 1000
    good = next(row for row in sample if row["id"] == "ph-good-b")["explanation"]
    explanation = words(good, 300)
    started = time.perf_counter()
    grader.grade(reference, explanation, "beginner")
    first_ms = (time.perf_counter() - started) * 1000
    timings = []
    for _ in range(args.repeats):
        started = time.perf_counter()
        grader.grade(reference, explanation, "beginner")
        timings.append((time.perf_counter() - started) * 1000)

    references = {
        (row["topic"], row["level"]): build_reference(
            row["topic"], row["level"], record=topics[row["topic"]]
        )
        for row in sample
    }
    batch = [sample[i % len(sample)] for i in range(args.batch)]
    started = time.perf_counter()
    for number, row in enumerate(batch):
        text = f"{row['explanation']} ({number})"
        grader.grade(references[(row["topic"], row["level"])], text, row["level"])
    batch_s = time.perf_counter() - started

    median = statistics.median(timings)
    report(
        "grading_speed",
        [
            ("sample rows", f"{on_sample['n']:.0f}"),
            ("sample Pearson", f"{on_sample['pearson']:.3f}  (target >= 0.6)"),
            ("sample Spearman", f"{on_sample['spearman']:.3f}  (target >= 0.6)"),
            ("sample MAE (1-10)", f"{on_sample['mae']:.2f}"),
            ("short answers Pearson", f"{on_short['pearson']:.3f}  ({on_short['n']:.0f} rows)"),
            ("short answers Spearman", f"{on_short['spearman']:.3f}"),
            ("short answers MAE (1-10)", f"{on_short['mae']:.2f}"),
            ("build_reference (curated)", f"{build_ms:.1f} ms"),
            ("first grade, 300 words", f"{first_ms:.1f} ms  (reads the reference once)"),
            ("grade, 300 words, median", f"{median:.1f} ms  (target < 100 ms)"),
            ("grade, 300 words, p95", f"{percentile(timings, 0.95):.1f} ms"),
            (
                f"batch of {args.batch}",
                f"{batch_s:.2f} s  ({batch_s / args.batch * 1000:.2f} ms each)",
            ),
            ("sample evaluated in", f"{sample_s:.2f} s"),
        ],
        {
            "sample": on_sample,
            "short_answers": on_short,
            "build_reference_ms": build_ms,
            "first_grade_ms": first_ms,
            "grade_300_words_median_ms": median,
            "grade_300_words_p95_ms": percentile(timings, 0.95),
            "batch": args.batch,
            "batch_s": batch_s,
        },
    )


if __name__ == "__main__":
    main()
