"""Search latency over a library of 20,000 passages, as `search` runs it: FTS5, bm25 and
snippets on SQLite; the tsvector column's GIN index, ts_rank_cd and ts_headline on PostgreSQL.

Run: .venv/bin/python bench/search_latency.py [--passages 20000] [--queries 600]
     [--database-url postgresql://user@host:5432/db]   (default: SQLite in a temporary data dir;
     a PostgreSQL URL runs in a fresh schema of that database, dropped afterwards)
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

from _common import fresh_database, percentile, report, results_name

from learnplat.core import Session
from learnplat.services.passages import Chunk
from learnplat.settings import load_settings
from learnplat.store.library import now_iso
from learnplat.store.search_index import Term, tsquery

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
    if platform.database.dialect == "postgresql":
        with platform.database.atomic() as conn:
            conn.execute("ANALYZE")  # as autovacuum would soon after a load this size
    return texts


def passages_with(platform: Session, word: str) -> int:
    """How many passages the full-text index finds ``word`` in."""
    if platform.database.dialect == "postgresql":
        query, params = tsquery([Term((word,))], every=True)
        sql = f"SELECT COUNT(*) AS n FROM passages WHERE search @@ {query}"
    else:
        sql = "SELECT COUNT(*) AS n FROM passages_fts WHERE passages_fts MATCH ?"
        params = [f'"{word}"']
    return int(platform.database.rows(sql, tuple(params))[0]["n"])


def quantiles(timings: list[float]) -> dict[str, float]:
    return {f"p{round(q * 100)}_ms": percentile(timings, q) for q in (0.5, 0.95, 0.99)}


def spread(timings: list[float]) -> str:
    return "  ".join(f"{name[:-3]} {ms:.2f} ms" for name, ms in quantiles(timings).items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--passages", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=600)
    parser.add_argument(
        "--database-url", default="", help='PostgreSQL server to run on (default "": SQLite)'
    )
    args = parser.parse_args()
    rng = random.Random(7)
    vocabulary = make_vocabulary(rng)
    content = vocabulary[100:5000]  # what learners search for: neither glue words nor hapaxes
    with tempfile.TemporaryDirectory() as tmp, fresh_database(args.database_url) as url:
        settings = load_settings({"data_dir": Path(tmp), "user": "bench", "database_url": url})
        with Session.open(settings) as platform:
            texts = build_library(platform, vocabulary, args.passages, rng)
            count = platform.library.store.passage_count()
            backend = platform.database.backend

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
            rows = [("backend", backend), ("passages", f"{count:,}")]
            data: dict[str, object] = {"backend": backend, "passages": count}
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
                rows.append((name, spread(timings)))
                data[name] = quantiles(timings)
            rows.append(("ALL OF THE ABOVE", spread(everything)))
            data.update(quantiles(everything))
            top = vocabulary[0]
            share = passages_with(platform, top)
            worst = measure(lambda: top, 30)
            rows.append((f"worst: a word in {share / count:.0%} of passages", spread(worst)))
            data["worst_case"] = {**quantiles(worst), "share": share / count}
            report(results_name("search_latency", platform.database.dialect), rows, data)


if __name__ == "__main__":
    main()
