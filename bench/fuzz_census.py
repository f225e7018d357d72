"""What the CLI fuzz tier finds, counted instead of stopped at: tracebacks, exit codes outside
0/1/2, terminal controls printed, refused inputs that changed the library, "unexpected error"s.

Run: .venv/bin/python bench/fuzz_census.py [--examples 12] [--random]
(the generator of tests/test_cli_fuzz.py, --examples runs per command, a fixed sequence unless
--random). Target (issue 11): 0 tracebacks. PYTHONPATH=<another checkout>/src measures that one.
"""

from __future__ import annotations

import argparse
import collections
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from _common import report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--examples", type=int, default=12)
    parser.add_argument("--random", action="store_true")
    options = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="learnplat-fuzz-"))
    os.environ.update(LEARNPLAT_HOME=str(root / "home"), LEARNPLAT_SEMANTIC_GRADING="off")
    os.chdir(root)
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import strategies as st
    from tests.test_cli_fuzz import COMMANDS, Command, build_world, run_hostile

    world = build_world(root)
    found: dict[str, list[str]] = collections.defaultdict(list)
    runs = 0
    started = time.perf_counter()
    def census_of(command: Command) -> Callable[[], None]:
        @settings(max_examples=options.examples, deadline=None, database=None,
                  derandomize=not options.random, phases=[Phase.generate],
                  suppress_health_check=list(HealthCheck))
        @given(data=st.data())
        def census(data: st.DataObject) -> None:
            nonlocal runs
            runs += 1
            outcome = run_hostile(world, command, data.draw)
            for kind in outcome.problems():
                found[kind].append(f"{outcome.args!r} -> {outcome.stderr.strip()[-160:]!r}")

        return census

    for command in COMMANDS:
        census_of(command)()
    elapsed = time.perf_counter() - started
    kinds = ("traceback", "exit code", "control printed", "refused input changed the library",
             "unexpected error")
    rows = [("runs", f"{runs} over {len(COMMANDS)} commands in {elapsed:.0f} s")]
    rows += [(kind, str(len(found[kind]))) for kind in kinds]
    for kind in kinds:
        for example in dict.fromkeys(found[kind][:3]):
            print(f"{kind}: {example[:300]}")
    report("fuzz_census", rows, {"runs": runs, "seconds": elapsed, **{k: found[k] for k in kinds}})


if __name__ == "__main__":
    main()
