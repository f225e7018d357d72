"""Learn: offline lesson time on an ingested 100-page document, cached lesson time, and how soon
streamed text reaches the caller after the client receives it.

The first lesson of a process is timed in fresh processes, twice over: cold (nothing loaded
before the lesson is asked for) and as `learnplat learn --file` and the TUI make it (the tutor's
warm-up begun before the notes are read).

Run: .venv/bin/python bench/learn_speed.py [--pages 100] [--runs 3]   (needs the test extra)
Targets (issue 3): offline lesson < 1 s; from cache < 20 ms; each chunk within 50 ms.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

from _common import percentile, report
from tests import corpus

from learnplat.core import Session
from learnplat.settings import load_settings

FORMATS = ("chat", "visual", "audio", "ebook")
TOPICS = Path(__file__).resolve().parents[1] / "data" / "topics"


def latin1(text: str) -> str:
    """The PDF's core font is Latin-1: spell out arrows and dashes, replace the rest."""
    for char, plain in (("→", "->"), ("—", "-"), ("–", "-"), ("’", "'"), ("“", '"'), ("”", '"')):
        text = text.replace(char, plain)
    return text.encode("latin-1", "replace").decode("latin-1")


def textbook_pages(pages: int, words_per_page: int = 400) -> list[tuple[str | None, str]]:
    """Real prose for a real-looking textbook: the curated topics, a chapter each, in pages."""
    book: list[tuple[str | None, str]] = []
    for number, path in enumerate(sorted(TOPICS.glob("*/*.json")), 1):
        topic = json.loads(path.read_text())
        paragraphs = [topic["summary"]]
        for level in ("beginner", "intermediate", "advanced"):
            paragraphs += topic["levels"][level]["explanation"].replace("`", "").split("\n\n")
        paragraphs = [latin1(paragraph) for paragraph in paragraphs]
        heading: str | None = latin1(f"{number} {topic['name']}")
        current: list[str] = []
        for paragraph in paragraphs:
            current.append(paragraph)
            if sum(len(p.split()) for p in current) >= words_per_page:
                book.append((heading, "\n\n".join(current)))
                heading, current = None, []
        if current:
            book.append((heading, "\n\n".join(current)))
    return book[:pages]


def offline_times(tmp: Path, pages: int) -> tuple[list[tuple[str, str]], dict]:
    rows, data = [], {}
    pdf = corpus.make_pdf(tmp / "book.pdf", textbook_pages(pages))
    with Session.open(load_settings({"data_dir": tmp / "offline", "user": "bench"})) as platform:
        doc = platform.library.ingest(pdf).document
        assert doc is not None
        for format in FORMATS:
            for level in ("beginner", "advanced"):
                started = time.perf_counter()
                platform.learning.lesson(None, doc_ids=[doc.id], level=level, format=format)
                fresh = time.perf_counter() - started
                started = time.perf_counter()
                cached = platform.learning.lesson(None, doc_ids=[doc.id], level=level, format=format)
                hit = time.perf_counter() - started
                assert cached.from_cache
                rows.append((f"{format}/{level}", f"fresh {fresh * 1000:.0f} ms, cached {hit * 1000:.1f} ms"))
                data[f"{format}/{level}"] = {"fresh_s": fresh, "cached_s": hit}
    return rows, data


def first_lesson(tmp: Path, pages: int, warm: bool) -> dict[str, float]:
    """In this (fresh) process: ingest the book, then time its first lesson."""
    pdf = corpus.make_pdf(tmp / "book.pdf", textbook_pages(pages))
    with Session.open(load_settings({"data_dir": tmp / "first", "user": "bench"})) as platform:
        started = time.perf_counter()
        if warm:
            platform.learning.warm_up()
        doc = platform.library.ingest(pdf).document
        assert doc is not None
        ingested = time.perf_counter()
        platform.learning.lesson(None, doc_ids=[doc.id], level="beginner", format="chat")
        done = time.perf_counter()
    return {"ingest_s": ingested - started, "lesson_s": done - ingested}


def first_lessons(pages: int, runs: int) -> tuple[list[tuple[str, str]], dict]:
    rows, data = [], {}
    for mode in ("cold", "warm"):
        results = []
        for _ in range(runs):
            command = [sys.executable, __file__, "--first", mode, "--pages", str(pages)]
            done = subprocess.run(command, capture_output=True, text=True, check=True)
            results.append(json.loads(done.stdout.strip().splitlines()[-1]))
        lessons = [r["lesson_s"] for r in results]
        ingests = [r["ingest_s"] for r in results]
        rows.append((
            f"first lesson, {mode}",
            f"best {min(lessons) * 1000:.0f} ms, median {statistics.median(lessons) * 1000:.0f} ms "
            f"(after ingest: median {statistics.median(ingests) * 1000:.0f} ms)",
        ))
        data[f"first_{mode}"] = results
    return rows, data


def lesson_json() -> str:
    paragraphs = [[{"sources": ["S1"], "text": f"Sentence number {i} explains one more idea about light."}]
                  for i in range(40)]
    return json.dumps({"title": "Streaming", "sections": [{"heading": "Idea", "paragraphs": paragraphs}],
                       "key_terms": [], "follow_ups": ["Why?"]})


class _Stream(BaseHTTPRequestHandler):
    sent: ClassVar[list[float]] = []

    def log_message(self, *args) -> None:
        pass

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        text = lesson_json()
        for start in range(0, len(text), 40):
            piece = {"choices": [{"delta": {"content": text[start:start + 40]}}]}
            self.wfile.write(f"data: {json.dumps(piece)}\n\n".encode())
            self.wfile.flush()
            _Stream.sent.append(time.perf_counter())
            time.sleep(0.01)
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()


def streaming_latency(tmp: Path) -> tuple[list[tuple[str, str]], dict]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Stream)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/v1"
    received: list[float] = []
    settings = load_settings({"data_dir": tmp / "stream", "user": "bench", "provider": "openai",
                              "base_url": base})
    with Session.open(settings) as platform:
        platform.learning.lesson("photosynthesis", use_cache=False,
                                 on_text=lambda _delta: received.append(time.perf_counter()))
    server.shutdown()
    delays = []
    for at in received:
        before = [sent for sent in _Stream.sent if sent <= at]
        if before:
            delays.append((at - before[-1]) * 1000)
    return [("stream: chunk sent -> on_text", f"p50 {percentile(delays, .5):.1f} ms, "
             f"p95 {percentile(delays, .95):.1f} ms, max {max(delays):.1f} ms ({len(delays)} deltas)")], {
        "stream_p50_ms": percentile(delays, .5), "stream_p95_ms": percentile(delays, .95),
        "stream_max_ms": max(delays)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--first", choices=("cold", "warm"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.first:
        with tempfile.TemporaryDirectory() as name:
            print(json.dumps(first_lesson(Path(name), args.pages, args.first == "warm")))
        return
    first_rows, first = first_lessons(args.pages, args.runs)
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        rows, data = offline_times(tmp, args.pages)
        more_rows, more = streaming_latency(tmp)
    report(
        "learn_speed",
        [("document", f"{args.pages} pages"), *first_rows, *rows, *more_rows],
        {**first, **data, **more},
    )


if __name__ == "__main__":
    main()
