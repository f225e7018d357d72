"""Speech: espeak-ng synthesis speed as a multiple of real time on a ~2,000-word lesson, time to
the first playable piece of a long lesson, and a 200,000-character narration in chunks.

Run: PYTHONPATH=src /work/venv/bin/python bench/speech_speed.py [--words 2000] [--long-words 20000]
     [--long-chars 200000]   (needs espeak-ng; --long-chars 0 skips the ~600 MB WAV run)
Targets (speech issue): synthesis >= 20x real time; first playable piece < 1 s.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _common import report

from learnplat.services.speech import AudioPiece, EspeakVoice, speak_progressively

TOPICS = Path(__file__).resolve().parents[1] / "data" / "topics"


def lesson_paragraphs(words: int) -> list[str]:
    """Real prose from the curated topics, as narration segments (paragraphs), ``words`` long."""
    paragraphs: list[str] = []
    for path in sorted(TOPICS.glob("*/*.json")):
        topic = json.loads(path.read_text())
        for level in ("beginner", "intermediate", "advanced"):
            text = re.sub(r"[`*#>_]", "", topic["levels"][level]["explanation"])
            paragraphs += [" ".join(p.split()) for p in text.split("\n\n") if p.strip()]
    chosen: list[str] = []
    count = 0
    while count < words:
        paragraph = paragraphs[len(chosen) % len(paragraphs)]
        chosen.append(paragraph)
        count += len(paragraph.split())
    return chosen


def real_time_factor(tmp: Path, words: int, runs: int = 3) -> tuple[list[tuple[str, str]], dict]:
    segments = lesson_paragraphs(words)
    voice = EspeakVoice()
    timings, audio_s = [], 0.0
    for run in range(runs):
        started = time.perf_counter()
        result = voice.synthesize(segments, tmp / f"lesson{run}.wav")
        timings.append(time.perf_counter() - started)
        audio_s = result.duration_s
    elapsed = statistics.median(timings)
    counted = sum(len(s.split()) for s in segments)
    factor = audio_s / elapsed
    return [
        ("lesson", f"{counted} words, {len(segments)} segments, {sum(map(len, segments))} chars"),
        ("espeak-ng synthesis", f"{elapsed:.2f} s for {audio_s:.0f} s of audio (median of {runs})"),
        ("real-time factor", f"{factor:.0f}x  (target >= 20x)"),
    ], {"words": counted, "synth_s": elapsed, "audio_s": audio_s, "real_time_factor": factor}


def first_piece(tmp: Path, words: int) -> tuple[list[tuple[str, str]], dict]:
    segments = lesson_paragraphs(words)
    parts = tmp / "parts"
    parts.mkdir()
    ready: list[float] = []

    def on_ready(piece: AudioPiece) -> None:
        ready.append(time.perf_counter())

    started = time.perf_counter()
    result = speak_progressively(EspeakVoice(), segments, tmp / "long.wav", parts, on_ready)
    total = time.perf_counter() - started
    first = ready[0] - started
    return [
        (
            "long lesson",
            f"{sum(len(s.split()) for s in segments)} words, {result.duration_s / 60:.0f} min of audio",
        ),
        ("first playable piece", f"{first * 1000:.0f} ms  (target < 1 s)"),
        ("whole file", f"{total:.2f} s, {len(ready)} pieces"),
    ], {
        "first_piece_s": first,
        "long_total_s": total,
        "long_audio_s": result.duration_s,
        "pieces": len(ready),
    }


def long_text(tmp: Path, characters: int) -> tuple[list[tuple[str, str]], dict]:
    text = " ".join(lesson_paragraphs(characters // 5))[:characters]
    calls: list[tuple[int, int]] = []
    started = time.perf_counter()
    result = EspeakVoice().synthesize(
        [text], tmp / "huge.wav", on_progress=lambda done, total: calls.append((done, total))
    )
    elapsed = time.perf_counter() - started
    size_mb = (tmp / "huge.wav").stat().st_size / 1e6
    return [
        (
            f"{len(text):,} characters",
            f"{elapsed:.1f} s, {result.duration_s / 3600:.1f} h of audio, "
            f"{size_mb:.0f} MB WAV, {len(calls)} progress calls",
        ),
    ], {
        "long_chars": len(text),
        "long_chars_s": elapsed,
        "long_chars_audio_s": result.duration_s,
        "progress_calls": len(calls),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--words", type=int, default=2000)
    parser.add_argument("--long-words", type=int, default=20_000)
    parser.add_argument("--long-chars", type=int, default=200_000)
    args = parser.parse_args()
    if shutil.which("espeak-ng") is None:
        sys.exit("espeak-ng is not installed (apt-get install espeak-ng)")
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        rows, data = real_time_factor(tmp, args.words)
        more_rows, more = first_piece(tmp, args.long_words)
        rows, data = rows + more_rows, {**data, **more}
        if args.long_chars:
            more_rows, more = long_text(tmp, args.long_chars)
            rows, data = rows + more_rows, {**data, **more}
    report("speech_speed", rows, data)


if __name__ == "__main__":
    main()
