"""Ingest throughput, end to end (extract + chunk + index + commit), on a long real-looking PDF.

Run: .venv/bin/python bench/ingest_throughput.py [--pages 200] [--runs 3]   (needs the test extra)
     [--database-url postgresql://user@host:5432/db]   (default: SQLite in a temporary data dir;
     a PostgreSQL URL runs each ingest in a fresh, empty schema of that database, dropped after)
Target (issue 2): at least 500 pages/s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from _common import fresh_database, report, results_name, statistics
from tests import corpus

from learnplat.core import Session
from learnplat.services.extract import extract
from learnplat.services.passages import chunk_units
from learnplat.settings import load_settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--database-url", default="", help='PostgreSQL server to run on (default "": SQLite)'
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        pdf = corpus.make_long_pdf(Path(tmp) / "textbook.pdf", pages=args.pages)
        data = pdf.read_bytes()
        totals, extract_s, chunk_s = [], [], []
        for run in range(args.runs):
            started = time.perf_counter()
            extracted = extract(data, pdf.name)
            extracted_at = time.perf_counter()
            chunks = chunk_units(extracted.units)
            chunk_s.append(time.perf_counter() - extracted_at)
            extract_s.append(extracted_at - started)
            # Each run into an empty database: a new data dir, and on PostgreSQL a new schema.
            with fresh_database(args.database_url) as url, Session.open(
                load_settings(
                    {"data_dir": Path(tmp) / f"run{run}", "user": "bench", "database_url": url}
                )
            ) as platform:
                started = time.perf_counter()
                result = platform.library.ingest(pdf)
                totals.append(time.perf_counter() - started)
                assert result.status == "added" and result.document is not None
                words = result.document.words
                backend, dialect = platform.database.backend, platform.database.dialect
        best = min(totals)
        rows = [
            ("backend", backend),
            (
                "pages",
                f"{args.pages} ({words:,} words, {len(chunks)} passages, {len(data) / 1e6:.1f} MB)",
            ),
            ("end-to-end ingest, best", f"{best * 1000:.0f} ms = {args.pages / best:,.0f} pages/s"),
            (
                "end-to-end ingest, median",
                f"{statistics.median(totals) * 1000:.0f} ms = "
                f"{args.pages / statistics.median(totals):,.0f} pages/s",
            ),
            (
                "of which extraction",
                f"{min(extract_s) * 1000:.0f} ms = {args.pages / min(extract_s):,.0f} pages/s",
            ),
            ("of which chunking", f"{min(chunk_s) * 1000:.0f} ms"),
        ]
        report(
            results_name("ingest_throughput", dialect),
            rows,
            {
                "backend": backend,
                "pages": args.pages,
                "runs_s": totals,
                "pages_per_s_best": args.pages / best,
                "pages_per_s_median": args.pages / statistics.median(totals),
                "extract_s": extract_s,
            },
        )


if __name__ == "__main__":
    main()
