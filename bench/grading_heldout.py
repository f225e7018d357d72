"""Teach-back grading on a held-out labelled file, by words alone and with the semantic tier.

Run: .venv/bin/python bench/grading_heldout.py --file /path/to/mohler.jsonl
Rows: {id, question, reference, answer, score, max_score} (a short answer scored 0..max against a
model answer, such as Mohler et al. 2011), or our own {topic, level, explanation, score} rows.
Target (teach-back issue): Pearson >= 0.55 offline. A held-out file is only ever measured
here: the grader's constants are set on data/grading/, never on it. It is not committed.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from _common import report

from learnplat.services.topics import load_shipped_topics
from learnplat.tutors.grader import OfflineGrader, evaluate
from learnplat.tutors.grader.encoder import missing_packages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, required=True, help="labelled JSONL file")
    parser.add_argument("--limit", type=int, default=0, help="grade only the first N rows")
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.file.read_text(encoding="utf-8").splitlines()]
    rows = rows[: args.limit] if args.limit else rows

    topics = load_shipped_topics()
    tiers = [("by words", False)]
    missing = missing_packages()
    if not missing:
        tiers.append(("with the semantic tier", True))
    lines: list[tuple[str, str]] = [("file", f"{args.file.name} ({len(rows)} rows)")]
    data: dict = {"file": args.file.name, "rows": len(rows)}
    for label, semantic in tiers:
        started = time.perf_counter()
        result = evaluate(rows, grader=OfflineGrader(semantic=semantic), topics=topics)
        took = time.perf_counter() - started
        lines += [
            (f"{label}: Pearson", f"{result['pearson']:.3f}  (target >= 0.55)"),
            (f"{label}: Spearman", f"{result['spearman']:.3f}"),
            (f"{label}: MAE (1-10)", f"{result['mae']:.2f}"),
            (f"{label}: graded in", f"{took:.1f} s"),
        ]
        data["semantic" if semantic else "words"] = {**result, "seconds": took}
    if missing:
        lines.append(("semantic tier", f"not installed ({', '.join(missing)})"))
    report("grading_heldout", lines, data)


if __name__ == "__main__":
    main()
