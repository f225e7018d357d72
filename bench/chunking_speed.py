"""Chunking speed on text without punctuation: seconds to cut N MB into passages, as ingest does.

Run: .venv/bin/python bench/chunking_speed.py [--mb 1 4 16] [--end-to-end]
Target (issue 11 §4): 16 MB in under 10 s, and the time per MB about the same at every size
(linear, not quadratic).

The text is one paragraph of words drawn from a 5,000-word vocabulary with no sentence end in
it, the case that was quadratic: a "sentence" longer than a passage is cut by words. A second
line chunks the same size of ordinary prose (a full stop every 12 words) for comparison.
``--end-to-end`` also times extraction of the same bytes as a .txt file (decoding, blocks).
"""

from __future__ import annotations

import argparse
import random
import string
import time

from _common import report

from learnplat.services.extract import extract
from learnplat.services.extract.model import Block, Unit
from learnplat.services.passages import chunk_units

MB = 1024 * 1024


def make_text(size_bytes: int, sentence_words: int | None, rng: random.Random) -> str:
    vocabulary = [
        "".join(rng.choices(string.ascii_lowercase, k=rng.randint(2, 10))) for _ in range(5000)
    ]
    words: list[str] = []
    total = 0
    while total < size_bytes:
        word = rng.choice(vocabulary)
        if sentence_words and len(words) % sentence_words == sentence_words - 1:
            word += "."
        words.append(word)
        total += len(word) + 1
    return " ".join(words)


def time_chunking(text: str) -> tuple[float, int]:
    unit = Unit(1, [Block(text, ())])
    started = time.perf_counter()
    chunks = chunk_units([unit])
    return time.perf_counter() - started, len(chunks)


def time_end_to_end(text: str) -> tuple[float, int]:
    started = time.perf_counter()
    extracted = extract(text.encode("utf-8"), "notes.txt")
    chunks = chunk_units(extracted.units)
    return time.perf_counter() - started, len(chunks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=float, nargs="+", default=[1, 4, 16])
    parser.add_argument("--end-to-end", action="store_true", help="extract + chunk as well")
    args = parser.parse_args()
    rng = random.Random(11)
    rows: list[tuple[str, str]] = []
    data: dict[str, object] = {"sizes_mb": args.mb, "runs": []}
    for size in args.mb:
        for label, every in (("no punctuation", None), ("prose", 12)):
            text = make_text(int(size * MB), every, rng)
            seconds, chunks = time_chunking(text)
            rows.append(
                (f"{size:g} MB {label}", f"{seconds:.2f} s ({seconds / size:.2f} s/MB, "
                 f"{chunks:,} passages)")
            )
            run = {"mb": size, "text": label, "chunk_s": round(seconds, 3), "passages": chunks}
            if args.end_to_end:
                total, _ = time_end_to_end(text)
                rows.append((f"{size:g} MB {label}, extract + chunk", f"{total:.2f} s"))
                run["extract_and_chunk_s"] = round(total, 3)
            data["runs"].append(run)  # type: ignore[attr-defined]
            print(f"  {rows[-1][0]}: {rows[-1][1]}", flush=True)
    report("chunking_speed", rows, data)


if __name__ == "__main__":
    main()
