"""Start-up cost of one-shot commands, as CPU time (user + system) of the whole process, beside
`python -c 'import typer'` measured in the same run; and the first load of the topic library.

Run: .venv/bin/python bench/startup.py [--runs 15]   (uses the `learnplat` beside this Python)
Targets: issue 2, under 0.3 s wall each; issue 12, `docs list`, `search`, `stats` and
`challenge next` in at most 150 ms of CPU; the topic library loads in under 50 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, report

SAMPLES = ROOT / "data" / "samples"
COMMANDS = (
    "--version",
    "--help",
    "docs list",
    "search light",
    "stats",
    "challenge next --json",
)


def _cpu_and_wall(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """CPU seconds (user + system) and wall seconds of one run of ``argv``."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {process.stderr.read().decode()}")
    return usage.ru_utime + usage.ru_stime, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    exe = Path(sys.executable).parent / "learnplat"
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "learnplat"]
    rows, data = [], {}
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "LEARNPLAT_HOME": home, "LEARNPLAT_USER": "bench"}
        subprocess.run(
            [*command, "ingest", *map(str, sorted(SAMPLES.iterdir()))],
            env=env, capture_output=True, check=True,
        )
        runs = {"python -c 'import typer'": [sys.executable, "-c", "import typer"]}
        runs |= {f"learnplat {name}": [*command, *name.split()] for name in COMMANDS}
        for label, argv in runs.items():
            _cpu_and_wall(argv, env)  # the first run fills the OS's file cache
            cpu, wall = zip(*(_cpu_and_wall(argv, env) for _ in range(args.runs)), strict=True)
            rows.append(
                (
                    label,
                    f"CPU median {statistics.median(cpu) * 1000:.0f} ms "
                    f"(best {min(cpu) * 1000:.0f}), wall median "
                    f"{statistics.median(wall) * 1000:.0f} ms",
                )
            )
            data[label] = {
                "cpu_median_s": statistics.median(cpu),
                "cpu_best_s": min(cpu),
                "wall_median_s": statistics.median(wall),
            }
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
