"""Helpers shared by the benchmarks: a results table on stdout and a JSON file in bench/results/."""

from __future__ import annotations

import json
import platform
import statistics
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # so `tests.corpus` builds the same documents as the tests


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def report(name: str, rows: list[tuple[str, str]], data: dict) -> None:
    width = max(len(label) for label, _ in rows)
    print(f"\n{name}")
    for label, value in rows:
        print(f"  {label:<{width}}  {value}")
    RESULTS.mkdir(exist_ok=True)
    data = {**data, "python": sys.version.split()[0], "machine": platform.machine()}
    target = RESULTS / f"{name}.json"
    target.write_text(json.dumps(data, indent=2))
    print(f"  (written to {target.relative_to(ROOT)})")


__all__ = ["percentile", "report", "statistics"]
