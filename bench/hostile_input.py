"""Hostile and oversized input: how fast it is refused, and how much good work goes on past it.

Run: .venv/bin/python bench/hostile_input.py [--cards 20000] [--batch-lines 200] [--reference]
Targets (issue 11 §3-§4): a crafted .apkg refused in under 1 s; every good line of a batch graded
past the bad ones; a pasted page refused at once as a query; costs linear below the caps.

Measured in one process on a fresh data dir: crafted decks (a recursive view named notes, a view
of a 2 GB zeroblob, a generated column, a trigger), a CSV deck of --cards cards, a grade batch with
a bad line (each kind from the issue) after every good one, a 35 KB query to search and to ask,
and with --reference the grading time of a 5,000- and a 20,000-word reference (slow).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from _common import report
from tests.test_cards_import import ANKI_NOTES, make_deck

from learnplat.core import Session
from learnplat.errors import LearnplatError
from learnplat.settings import load_settings

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "samples" / "photosynthesis.md"
CRAFTED = {
    "recursive view": [
        "CREATE VIEW notes AS WITH RECURSIVE r(id, flds) AS (SELECT 1, 'a' UNION ALL"
        " SELECT id + 1, flds || flds FROM r) SELECT id, flds FROM r"
    ],
    "2 GB zeroblob view": ["CREATE VIEW notes AS SELECT 1 AS id, zeroblob(2000000000) AS flds"],
    "generated column": [
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, guid TEXT, flds TEXT"
        " GENERATED ALWAYS AS (printf('%.*c', 2000000000, 'x')) VIRTUAL)"
    ],
    "trigger": [ANKI_NOTES, "CREATE TRIGGER t AFTER INSERT ON notes BEGIN SELECT 1; END"],
}
BAD_LINES = [
    b'{"id": "q", "reference": "r", "answer": "a", "question": 7}',
    b"[1]",
    b"{}",
    b"[" * 100_000,
    b'{"id": "x", "reference": "caf\xe9", "answer": "b"}',
    b'{"id": "n", "reference": "water", "answer": null}',
    b'{"id": "nan", "reference": "water", "answer": NaN}',
]
REFERENCE = "Evaporation is when liquid water turns into water vapour, using heat."
ANSWER = "When water is heated it becomes vapour, a gas: that is evaporation."


def timed(call) -> tuple[float, str]:
    started = time.perf_counter()
    try:
        call()
        outcome = "done"
    except LearnplatError as exc:
        outcome = exc.message
    return time.perf_counter() - started, outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cards", type=int, default=20_000)
    parser.add_argument("--batch-lines", type=int, default=200, help="good lines in the batch")
    parser.add_argument("--reference", action="store_true", help="time 5k/20k-word references")
    args = parser.parse_args()
    rows: list[tuple[str, str]] = []
    data: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        os.environ["LEARNPLAT_HOME"] = str(work / "home")
        with Session.open(load_settings({"user": "bench"})) as platform:
            for name, schema in CRAFTED.items():
                deck = make_deck(work / f"{name.replace(' ', '-')}.apkg", schema)
                seconds, outcome = timed(lambda deck=deck: platform.cards.import_deck(deck))
                rows.append((f"crafted deck: {name} ({deck.stat().st_size} B)",
                             f"{seconds * 1000:.1f} ms: {outcome}"))
                data[f"deck_{name}_s"] = round(seconds, 4)

            table = work / "large.csv"
            table.write_text(
                "".join(f"question {n},answer {n * 7919 % 100003} {'x' * (n % 37)}\n"
                        for n in range(args.cards)),
                encoding="utf-8",
            )
            seconds, outcome = timed(lambda: platform.cards.import_deck(table))
            rows.append((f"CSV deck of {args.cards:,} cards", f"{seconds:.2f} s: {outcome}"))
            data["csv_cards"], data["csv_import_s"] = args.cards, round(seconds, 3)

            good = json.dumps({"reference": REFERENCE, "answer": ANSWER}).encode()
            lines = []
            for n in range(args.batch_lines):
                lines += [good, BAD_LINES[n % len(BAD_LINES)]]
            batch = work / "batch.jsonl"
            batch.write_bytes(b"\n".join(lines) + b"\n")
            started = time.perf_counter()
            results = list(platform.teachback.grade_batch(batch))
            seconds = time.perf_counter() - started
            graded = sum(1 for line in results if line.grade is not None)
            failed = sum(1 for line in results if line.error is not None)
            rows.append((f"grade batch, {len(lines)} lines (every other one bad)",
                         f"{graded} graded, {failed} errors, {seconds:.1f} s"))
            data.update(batch_lines=len(lines), batch_graded=graded, batch_errors=failed)

            platform.library.ingest(SAMPLE)
            page = " ".join(f"chlorophyll{n} light{n}" for n in range(1400))  # about 35 KB
            for name, call in (("search", platform.library.search), ("ask", platform.learning.ask)):
                seconds, outcome = timed(lambda call=call: call(page))
                rows.append((f"{len(page):,}-character {name}",
                             f"{seconds * 1000:.1f} ms: {outcome}"))
                data[f"pasted_{name}_s"] = round(seconds, 4)
            words = " ".join(f"term{n}" for n in range(63)) + " chlorophyll"
            seconds, outcome = timed(lambda: platform.learning.ask(words))
            rows.append(("64-word question (the cap)", f"{seconds:.2f} s: {outcome}"))

            if args.reference:
                text = SAMPLE.read_text(encoding="utf-8").split()
                for size in (5_000, 20_000):
                    reference = " ".join((text * (size // len(text) + 1))[:size])
                    seconds, outcome = timed(
                        lambda reference=reference: platform.teachback.grade_only(reference, ANSWER)
                    )
                    rows.append((f"grade against {size:,} words", f"{seconds:.1f} s: {outcome}"))
                    data[f"reference_{size}_s"] = round(seconds, 2)
    report("hostile_input", rows, data)


if __name__ == "__main__":
    main()
