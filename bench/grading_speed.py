"""Teach-back grading: agreement with the teacher's scores and speed, by words alone and with
the semantic tier (learnplat[semantic]: all-MiniLM-L6-v2 int8 through onnxruntime).

Run: .venv/bin/python bench/grading_speed.py [--batch 2000] [--repeats 50]
Targets (teach-back issue): a 300-word explanation graded in < 100 ms by words and < 300 ms with
the tier; a batch of 2,000 answers in < 60 s; Pearson >= 0.6 on the labelled sample
(data/grading/sample.jsonl). The short-answer rows (data/grading/short_answers.jsonl) are graded
against a one-line model answer, as a held-out set would be (see grading_heldout.py).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, percentile, report, statistics

from learnplat.domain.model import Reference, TopicRecord
from learnplat.services.topics import load_shipped_topics
from learnplat.tutors.grader import OfflineGrader, build_reference, evaluate
from learnplat.tutors.grader.encoder import missing_packages, shared_encoder

GRADING = ROOT / "data" / "grading"


def rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def words(text: str, count: int) -> str:
    """``text`` repeated and cut to exactly ``count`` words."""
    tokens = text.split()
    while len(tokens) < count:
        tokens += text.split()
    return " ".join(tokens[:count])


def measure(
    grader: OfflineGrader,
    topics: dict[str, TopicRecord],
    sample: list[dict],
    short: list[dict],
    args: argparse.Namespace,
) -> tuple[list[tuple[str, str]], dict]:
    """Agreement on both labelled files, one 300-word grade timed, and a batch."""
    started = time.perf_counter()
    on_sample = evaluate(sample, grader=grader, topics=topics)
    sample_s = time.perf_counter() - started
    on_short = evaluate(short, grader=grader)

    record = topics["photosynthesis"]
    reference = build_reference("photosynthesis", "beginner", record=record)
    good = next(row for row in sample if row["id"] == "ph-good-b")["explanation"]
    explanation = words(good, 300)
    grader.grade(reference, explanation, "beginner")  # the reference is read once
    timings = []
    for number in range(args.repeats):
        started = time.perf_counter()
        # A new text each time, as a learner's would be (nothing of it is cached).
        grader.grade(reference, f"{explanation} ({number})", "beginner")
        timings.append((time.perf_counter() - started) * 1000)

    references: dict[tuple[str, str], Reference] = {
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
    target = 300 if grader.semantic else 100
    lines = [
        ("sample Pearson", f"{on_sample['pearson']:.3f}  (target >= 0.6, {on_sample['n']:.0f})"),
        ("sample Spearman", f"{on_sample['spearman']:.3f}"),
        ("sample MAE (1-10)", f"{on_sample['mae']:.2f}"),
        ("short answers Pearson", f"{on_short['pearson']:.3f}  ({on_short['n']:.0f} rows)"),
        ("short answers Spearman", f"{on_short['spearman']:.3f}"),
        ("short answers MAE (1-10)", f"{on_short['mae']:.2f}"),
        ("grade, 300 words, median", f"{median:.1f} ms  (target < {target} ms)"),
        ("grade, 300 words, p95", f"{percentile(timings, 0.95):.1f} ms"),
        (
            f"batch of {args.batch} explanations",
            f"{batch_s:.2f} s  ({batch_s / args.batch * 1000:.2f} ms each, target < 60 s)",
        ),
        ("sample evaluated in", f"{sample_s:.2f} s"),
    ]
    data = {
        "sample": on_sample,
        "short_answers": on_short,
        "grade_300_words_median_ms": median,
        "grade_300_words_p95_ms": percentile(timings, 0.95),
        "batch": args.batch,
        "batch_s": batch_s,
    }
    return lines, data


def cli_batch(short: list[dict], count: int) -> float:
    """Seconds for `learnplat grade --batch` on ``count`` short answers (each one different),
    end to end: start-up, the model's load when the tier is installed, every grade."""
    with tempfile.TemporaryDirectory() as folder:
        batch = Path(folder) / "answers.jsonl"
        lines = []
        for number in range(count):
            row = short[number % len(short)]
            answer = f"{row['explanation']} ({number})"
            lines.append(json.dumps({"id": number, **row, "answer": answer}))
        batch.write_text("\n".join(lines), encoding="utf-8")
        learnplat = Path(sys.executable).parent / "learnplat"
        env = {**os.environ, "LEARNPLAT_HOME": str(Path(folder) / "home")}
        started = time.perf_counter()
        done = subprocess.run(
            [str(learnplat), "grade", "--batch", str(batch)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        took = time.perf_counter() - started
    graded = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(graded) == count and all("score" in row for row in graded)
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=2000, help="explanations in the batch run")
    parser.add_argument("--repeats", type=int, default=50, help="timed grades of 300 words")
    args = parser.parse_args()

    topics = load_shipped_topics()
    sample = rows(GRADING / "sample.jsonl")
    short = rows(GRADING / "short_answers.jsonl")
    started = time.perf_counter()
    build_reference("photosynthesis", "beginner", record=topics["photosynthesis"])
    build_ms = (time.perf_counter() - started) * 1000

    table: list[tuple[str, str]] = [("build_reference (curated)", f"{build_ms:.1f} ms")]
    results: dict = {"build_reference_ms": build_ms}
    lines, results["words"] = measure(OfflineGrader(semantic=False), topics, sample, short, args)
    table += [(f"by words: {label}", value) for label, value in lines]
    missing = missing_packages()
    if missing:
        table.append(("semantic tier", f"not installed ({', '.join(missing)})"))
    else:
        started = time.perf_counter()
        encoder = shared_encoder()
        load_s = time.perf_counter() - started
        assert encoder is not None
        table.append(("semantic: model load", f"{load_s:.2f} s  (onnxruntime + tokenizer)"))
        lines, results["semantic"] = measure(OfflineGrader(), topics, sample, short, args)
        results["semantic"]["model_load_s"] = load_s
        table += [(f"semantic: {label}", value) for label, value in lines]
    cli_s = cli_batch(short, args.batch)
    tier = "by words" if missing else "with the semantic tier"
    table.append(
        (
            f"learnplat grade --batch, {args.batch} short answers",
            f"{cli_s:.1f} s end to end, {tier}  (target < 60 s)",
        )
    )
    results["cli_batch_short_answers_s"] = cli_s
    report("grading_speed", table, results)


if __name__ == "__main__":
    main()
