"""Search latency over a library of 20,000 passages (FTS5, bm25, snippets), as `search` runs it.

Run: .venv/bin/python bench/search_latency.py [--passages 20000] [--queries 600]
Target (issue 2): p50 under 5 ms.

Passages are drawn from a 30,000-word vocabulary with Zipf-distributed frequencies (as in real
text, a few words are everywhere and most are rare). Queries are what learners type: one to three
content words of middling frequency, a two-word phrase taken from a passage, a prefix; the worst
case, a word found in nearly every passage, is reported on its own line.
"""

from __future__ import annotations

import argparse
import itertools
import random
import string
import tempfile
import time
from pathlib import Path

from _common import percentile, report

from learnplat.core import Session
from learnplat.services.passages import Chunk
from learnplat.settings import load_settings
from learnplat.store.library import now_iso

VOCABULARY = 30_000


def make_vocabulary(rng: random.Random) -> list[str]:
    words: set[str] = set()
    while len(words) < VOCABULARY:
        words.add("".join(rng.choices(string.ascii_lowercase, k=rng.randint(3, 11))))
    return sorted(words, key=lambda _: rng.random())


def build_library(platform: Session, vocabulary: list[str], passages: int, rng: random.Random) -> list[str]:
    cumulative = list(itertools.accumulate(1 / rank for rank in range(1, len(vocabulary) + 1)))
    texts = []
    per_doc = 500
    for doc in range(passages // per_doc):
        chunks = []
        for i in range(per_doc):
            text = " ".join(rng.choices(vocabulary, cum_weights=cumulative, k=rng.randint(100, 300)))
            texts.append(text)
            chunks.append(Chunk(page=i // 3 + 1, seq=i % 3 + 1, heading_path=f"Chapter {i // 30 + 1}", text=text + ".", words=200))
        platform.library.store.add_document({
            "user_id": platform.settings.user, "title": f"Synthetic book {doc}", "filename": f"b{doc}.pdf",
            "source_path": f"/tmp/b{doc}.pdf", "stored_path": f"originals/b{doc}.pdf", "kind": "pdf",
            "unit_name": "page", "sha256": f"{doc:064x}", "size_bytes": 0, "pages": per_doc // 3,
            "words": 200 * per_doc, "passages": per_doc, "warnings": "[]", "added_at": now_iso(),
        }, chunks)
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--passages", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=600)
    args = parser.parse_args()
    rng = random.Random(7)
    vocabulary = make_vocabulary(rng)
    content = vocabulary[100:5000]  # what learners search for: neither glue words nor hapaxes
    with tempfile.TemporaryDirectory() as tmp:
        with Session.open(load_settings({"data_dir": Path(tmp), "user": "bench"})) as platform:
            texts = build_library(platform, vocabulary, args.passages, rng)
            count = platform.library.store.passage_count()

            def phrase() -> str:
                words = rng.choice(texts).split()
                start = rng.randrange(len(words) - 1)
                return f'"{words[start]} {words[start + 1]}"'

            kinds = {
                "one content word": lambda: rng.choice(content),
                "two content words": lambda: " ".join(rng.sample(content, 2)),
                "three words, a question": lambda: "what is " + " ".join(rng.sample(content, 2)),
                "phrase from a passage": phrase,
                "prefix": lambda: rng.choice(content)[:4] + "*",
                "no match": lambda: "zeppelinx quasarz",
            }
            rows, data = [("passages", f"{count:,}")], {"passages": count}
            everything: list[float] = []

            def measure(make, n: int) -> list[float]:
                timings = []
                for _ in range(n):
                    query = make()
                    started = time.perf_counter()
                    platform.library.search(query, limit=10)
                    timings.append((time.perf_counter() - started) * 1000)
                return timings

            for name, make in kinds.items():
                timings = measure(make, args.queries // len(kinds))
                everything += timings
                rows.append((name, f"p50 {percentile(timings, .5):.2f} ms  p95 {percentile(timings, .95):.2f} ms"))
                data[name] = {"p50_ms": percentile(timings, .5), "p95_ms": percentile(timings, .95)}
            rows.append(("ALL OF THE ABOVE", f"p50 {percentile(everything, .5):.2f} ms  "
                         f"p95 {percentile(everything, .95):.2f} ms"))
            data["p50_ms"], data["p95_ms"] = percentile(everything, .5), percentile(everything, .95)
            top = vocabulary[0]
            share = platform.database.rows(
                "SELECT COUNT(*) AS n FROM passages_fts WHERE passages_fts MATCH ?", (f'"{top}"',))[0]["n"]
            worst = measure(lambda: top, 30)
            rows.append((f"worst: a word in {share / count:.0%} of passages",
                         f"p50 {percentile(worst, .5):.2f} ms  p95 {percentile(worst, .95):.2f} ms"))
            data["worst_case"] = {"p50_ms": percentile(worst, .5), "share": share / count}
            report("search_latency", rows, data)


if __name__ == "__main__":
    main()
