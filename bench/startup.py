"""Start-up time of one-shot commands: `learnplat --version` and `learnplat --help`, and the
first load of the shipped topic library.

Run: .venv/bin/python bench/startup.py [--runs 15]   (uses the `learnplat` beside this Python)
Target (issue 2): under 0.3 s each; the topic library loads in under 50 ms.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _common import report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    exe = Path(sys.executable).parent / "learnplat"
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "learnplat"]
    rows, data = [], {}
    for flag in ("--version", "--help", "docs list"):
        timings = []
        for _ in range(args.runs):
            started = time.perf_counter()
            subprocess.run(command + flag.split(), capture_output=True, check=True)
            timings.append(time.perf_counter() - started)
        rows.append(
            (
                f"learnplat {flag}",
                f"median {statistics.median(timings) * 1000:.0f} ms, "
                f"best {min(timings) * 1000:.0f} ms",
            )
        )
        data[flag] = {"median_s": statistics.median(timings), "best_s": min(timings)}
    from learnplat.services.topics import TopicLibrary

    loads = []
    for _ in range(args.runs):
        started = time.perf_counter()
        TopicLibrary().all()
        loads.append(time.perf_counter() - started)
    rows.append(
        (
            "shipped topic library, first load",
            f"median {statistics.median(loads) * 1000:.1f} ms, best {min(loads) * 1000:.1f} ms",
        )
    )
    data["topic_library_load"] = {"median_s": statistics.median(loads), "best_s": min(loads)}
    report("startup", rows, data)


if __name__ == "__main__":
    main()
