"""Search latency over a library of 20,000 passages (FTS5, bm25, snippets), as `search` runs it.

Run: .venv/bin/python bench/search_latency.py [--passages 20000] [--queries 400]
Target (issue 2): p50 under 5 ms.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from _common import percentile, report

from learnplat.platform import Platform
from learnplat.services.passages import Chunk
from learnplat.settings import load_settings
from learnplat.store.library import now_iso

# A vocabulary with a Zipf-like spread, so some words are in most passages and some in few.
_COMMON = ["the", "of", "and", "to", "in", "is", "that", "it", "for", "as", "with", "by", "on", "energy", "cell", "light", "water", "plant"]
_TOPICAL = [
    f"{stem}{suffix}"
    for stem in (
        "photo",
        "chloro",
        "thyla",
        "mito",
        "gly",
        "kreb",
        "enzy",
        "prote",
        "carbo",
        "oxy",
        "nucle",
        "ribo",
        "lipi",
        "memb",
        "trans",
        "synth",
        "hydro",
        "elect",
        "phos",
        "stoma",
    )
    for suffix in ("sis", "plast", "koid", "chondria", "colysis", "cycle", "me", "in", "n", "gen")
]


def passage_text(rng: random.Random, words: int) -> str:
    picks = [
        rng.choice(_COMMON) if rng.random() < 0.6 else rng.choice(_TOPICAL) for _ in range(words)
    ]
    return " ".join(picks) + "."


def build_library(platform: Platform, passages: int, rng: random.Random) -> None:
    per_doc = 500
    for doc in range(passages // per_doc):
        chunks = [
            Chunk(
                page=i // 3 + 1,
                seq=i % 3 + 1,
                heading_path=f"Chapter {i // 30 + 1}",
                text=passage_text(rng, rng.randint(100, 300)),
                words=200,
            )
            for i in range(per_doc)
        ]
        platform.library.store.add_document(
            {
                "user_id": platform.settings.user,
                "title": f"Synthetic book {doc}",
                "filename": f"b{doc}.pdf",
                "source_path": f"/tmp/b{doc}.pdf",
                "stored_path": f"originals/b{doc}.pdf",
                "kind": "pdf",
                "unit_name": "page",
                "sha256": f"{doc:064x}",
                "size_bytes": 0,
                "pages": per_doc // 3,
                "words": 200 * per_doc,
                "passages": per_doc,
                "warnings": "[]",
                "added_at": now_iso(),
            },
            chunks,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--passages", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=400)
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        with Platform.build(load_settings({"data_dir": Path(tmp), "user": "bench"})) as platform:
            build_library(platform, args.passages, rng)
            count = platform.library.store.passage_count()
            kinds = {
                "one topical word": lambda: rng.choice(_TOPICAL),
                "two topical words": lambda: f"{rng.choice(_TOPICAL)} {rng.choice(_TOPICAL)}",
                "common + topical": lambda: f"{rng.choice(_COMMON)} {rng.choice(_TOPICAL)}",
                "phrase": lambda: f'"{rng.choice(_TOPICAL)} {rng.choice(_COMMON)}"',
                "prefix": lambda: f"{rng.choice(_TOPICAL)[:4]}*",
                "no match": lambda: "zeppelin quasar",
            }
            rows, data = [("passages", f"{count:,}")], {"passages": count}
            everything: list[float] = []
            for name, make in kinds.items():
                timings = []
                for _ in range(args.queries // len(kinds)):
                    query = make()
                    started = time.perf_counter()
                    platform.library.search(query, limit=10)
                    timings.append((time.perf_counter() - started) * 1000)
                everything += timings
                rows.append(
                    (
                        name,
                        f"p50 {percentile(timings, 0.5):.2f} ms  p95 {percentile(timings, 0.95):.2f} ms",
                    )
                )
                data[name] = {
                    "p50_ms": percentile(timings, 0.5),
                    "p95_ms": percentile(timings, 0.95),
                }
            rows.append(
                (
                    "all queries",
                    f"p50 {percentile(everything, 0.5):.2f} ms  "
                    f"p95 {percentile(everything, 0.95):.2f} ms",
                )
            )
            data["p50_ms"], data["p95_ms"] = (
                percentile(everything, 0.5),
                percentile(everything, 0.95),
            )
            report("search_latency", rows, data)


if __name__ == "__main__":
    main()
