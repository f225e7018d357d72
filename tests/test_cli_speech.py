"""Speech from the CLI: spoken lessons and `speak`, with real espeak-ng."""

from __future__ import annotations

import json
import wave
from pathlib import Path

import pytest
from typer.testing import CliRunner

from learnplat.cli import app
from tests.conftest import require_program

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"


@pytest.fixture
def run():
    require_program("espeak-ng")
    runner = CliRunner()
    return lambda *args: runner.invoke(app, [str(a) for a in args])


def wav_seconds(path: Path) -> float:
    with wave.open(str(path)) as audio:
        return audio.getnframes() / audio.getframerate()


def test_a_spoken_lesson_has_true_marks(run, tmp_path: Path) -> None:
    out = tmp_path / "photosynthesis.wav"
    result = run("learn", "photosynthesis", "--format", "audio", "--out", out, "--json")
    assert result.exit_code == 0, result.output
    audio = json.loads(result.stdout)["audio"]
    assert audio["path"] == str(out) and audio["engine"] == "espeak-ng"
    starts = [segment["start_s"] for segment in audio["segments"]]
    assert starts[0] == 0 and starts == sorted(starts) and len(set(starts)) == len(starts)
    assert abs(wav_seconds(out) - audio["duration_s"]) < 0.05
    assert starts[-1] < audio["duration_s"]


def test_a_faster_rate_makes_shorter_audio(run, tmp_path: Path) -> None:
    slow, fast = tmp_path / "slow.wav", tmp_path / "fast.wav"
    assert (
        run(
            "speak", "--file", SAMPLES / "photosynthesis.md", "--out", slow, "--rate", "120"
        ).exit_code
        == 0
    )
    assert (
        run(
            "speak", "--file", SAMPLES / "photosynthesis.md", "--out", fast, "--rate", "240"
        ).exit_code
        == 0
    )
    assert wav_seconds(fast) < wav_seconds(slow) * 0.7


def test_speak_reads_a_pdf_aloud(run, tmp_path: Path) -> None:
    out = tmp_path / "notes.wav"
    result = run("speak", "--file", SAMPLES / "cellular-respiration.pdf", "--out", out, "--json")
    assert result.exit_code == 0, result.output
    assert wav_seconds(out) > 60  # ~400 words


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("speak", "", "--out", "x.wav"), "no text to speak"),
        (("speak", "hi", "--file", "x.md"), "not both"),
        (("speak", "hi", "--out", "x.mp3"), "use .wav"),
        (("speak", "hi", "--out", "x.ogg"), ".ogg"),
        (("speak", "hi", "--out", "missing/x.wav"), "missing"),
        (("speak", "hi", "--voice", "no-such-voice", "--out", "x.wav"), "no-such-voice"),
        (("learn", "photosynthesis", "--play"), "need --format audio"),
    ],
)
def test_bad_speech_input_is_exit_2_with_a_message(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr and "Traceback" not in result.output


def test_play_keeps_the_file_and_says_what_happened(run, tmp_path: Path) -> None:
    # With no player or no sound device (as on CI) the file is kept and its path shown.
    out = tmp_path / "hi.wav"
    result = run("speak", "Hello from the test.", "--out", out, "--play")
    assert result.exit_code == 0, result.output
    assert out.exists() and wav_seconds(out) > 0.5
    assert str(out) in result.stderr
