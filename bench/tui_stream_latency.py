"""How soon streamed lesson text reaches the Learn tab's screen after the tutor produces it.

Run: .venv/bin/python bench/tui_stream_latency.py [--deltas 60]   (needs the test extra)
Target (issue 3): each chunk on screen within 50 ms of the client receiving it.

A stand-in tutor (the model's place) emits a word every 20 ms; the benchmark polls the Learn tab's
Markdown widget and notes when each word first appears in what it renders.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from _common import percentile, report

from learnplat.app import LearnplatApp
from learnplat.core import Session
from learnplat.settings import load_settings
from learnplat.tutors.offline import OfflineTutor


class TimedTutor(OfflineTutor):
    def __init__(self, deltas: int) -> None:
        super().__init__()
        self.deltas = deltas
        self.sent: dict[str, float] = {}

    def lesson(self, request, on_text=None):
        lesson = super().lesson(request)
        on_text("# Streaming\n\n")
        for index in range(self.deltas):
            word = f"word{index:03d} "
            self.sent[word.strip()] = time.perf_counter()
            on_text(word)
            time.sleep(0.02)
        return lesson


async def measure(deltas: int) -> list[float]:
    with tempfile.TemporaryDirectory() as tmp:
        platform = Session.open(load_settings({"data_dir": Path(tmp), "user": "bench"}))
        tutor = TimedTutor(deltas)
        platform.learning.tutor = tutor
        app = LearnplatApp(platform)
        seen: dict[str, float] = {}
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("f1")
            topic = app.query_one("#learn-topic")
            topic.focus()
            topic.value = "photosynthesis"
            from textual.widgets import Markdown
            from textual.widgets.markdown import MarkdownBlock

            async def poll() -> None:
                deadline = time.perf_counter() + deltas * 0.02 + 10
                while len(seen) < deltas and time.perf_counter() < deadline:
                    await asyncio.sleep(0.002)
                    markdown = app.query_one("#learn-lesson", Markdown)
                    shown = " ".join(str(block.content) for block in markdown.query(MarkdownBlock))
                    now = time.perf_counter()
                    for word in list(tutor.sent):
                        if word not in seen and word in shown:
                            seen[word] = now

            # Poll from before the key press: pilot.press returns only once the app is idle.
            watcher = asyncio.create_task(poll())
            await pilot.press("enter")
            await watcher
            if not seen:
                markdown = app.query_one("#learn-lesson", Markdown)
                print("source:", markdown.source[:200])
                print("blocks:", [str(b.content)[:60] for b in markdown.query(MarkdownBlock)][:5])
        platform.close()
    if not seen:
        raise SystemExit(f"nothing reached the screen; the tutor sent {len(tutor.sent)} words")
    return [(seen[word] - tutor.sent[word]) * 1000 for word in seen]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--deltas", type=int, default=60)
    args = parser.parse_args()
    delays = asyncio.run(measure(args.deltas))
    report(
        "tui_stream_latency",
        [
            ("deltas seen on screen", f"{len(delays)} of {args.deltas}"),
            (
                "tutor -> Learn tab",
                f"p50 {percentile(delays, 0.5):.1f} ms, p95 {percentile(delays, 0.95):.1f} ms, "
                f"max {max(delays):.1f} ms",
            ),
        ],
        {
            "p50_ms": percentile(delays, 0.5),
            "p95_ms": percentile(delays, 0.95),
            "max_ms": max(delays),
        },
    )


if __name__ == "__main__":
    main()
