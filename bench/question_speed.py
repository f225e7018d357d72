"""Questions from notes: time to make the verified questions of a 100-page document offline,
how many survive the checks, and why the others were dropped.

Run: .venv/bin/python bench/question_speed.py [--pages 100]   (needs the test extra: fpdf2)
Target (issue 6): 20 verified questions from a 100-page document in under 2 s offline.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from _common import report
from learn_speed import textbook_pages
from tests import corpus

from learnplat.core import Session
from learnplat.settings import load_settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        pdf = corpus.make_pdf(tmp / "book.pdf", textbook_pages(args.pages))
        settings = load_settings({"data_dir": tmp / "data", "user": "bench"})
        with Session.open(settings) as platform:
            document = platform.library.ingest(pdf).document
            assert document is not None
            started = time.perf_counter()
            made = platform.game.question_set(document.id)
            first = time.perf_counter() - started
            started = time.perf_counter()
            platform.game.next(doc_id=document.id)
            served = time.perf_counter() - started
    rows = [
        ("document", f"{document.pages} pages, {document.words:,} words"),
        ("questions made and checked", f"{first:.2f} s"),
        ("verified / candidates", f"{made.kept} / {made.candidates}"),
        ("drop rate", f"{made.drop_rate:.1%}"),
        ("dropped because", ", ".join(f"{why}: {n}" for why, n in made.dropped.items()) or "-"),
        ("next question from the set", f"{served * 1000:.1f} ms"),
    ]
    report(
        "question_speed",
        rows,
        {
            "pages": document.pages,
            "seconds": first,
            "kept": made.kept,
            "candidates": made.candidates,
            "dropped": made.dropped,
        },
    )


if __name__ == "__main__":
    main()
