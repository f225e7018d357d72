"""Where audio goes: check the output path before synthesizing, then write it safely.

The file is written beside its target under a hidden ``.partial`` name and renamed into place
only when complete, so a failure never leaves half a file or clobbers a previous good one.
"""

from __future__ import annotations

import contextlib
import os
import wave
from pathlib import Path
from typing import BinaryIO

from ...errors import BadInput
from .errors import SpeechError
from .model import AudioFormat, Clip

FORMATS: dict[str, AudioFormat] = {".wav": "wav", ".mp3": "mp3"}


def check_output(out: Path, formats: tuple[AudioFormat, ...], engine: str) -> AudioFormat:
    """The format ``out`` asks for; raises BadInput when this engine cannot write it there."""
    wanted = FORMATS.get(out.suffix.lower())
    allowed = " or ".join(f".{fmt}" for fmt in formats)
    if wanted is None:
        raise BadInput(
            f"Cannot write audio to {out.name!r}: the file name must end in {allowed}",
            hint="Audio is saved as WAV (any engine) or MP3 (Polly only).",
        )
    if wanted not in formats:
        spoken = "/".join(fmt.upper() for fmt in formats)
        raise BadInput(
            f"{engine} writes {spoken}; use {allowed}", hint=f"e.g. --out {out.stem}.wav"
        )
    folder = out.parent
    if not folder.exists():
        raise BadInput(
            f"Cannot write {out}: the folder {folder} does not exist",
            hint="Create the folder first, or choose another output path.",
        )
    if not folder.is_dir():
        raise BadInput(f"Cannot write {out}: {folder} is not a folder")
    if out.is_dir():
        raise BadInput(f"Cannot write {out}: it is a folder", hint="Give a file name instead.")
    if not os.access(folder, os.W_OK | os.X_OK) or (out.exists() and not os.access(out, os.W_OK)):
        raise BadInput(
            f"Cannot write {out}: permission denied",
            hint="Choose a folder you can write to.",
        )
    return wanted


class AudioSink:
    """Appends clips to one WAV or MP3 file; ``position_s`` is the audio written so far.

    WAV positions count frames, so segment marks are exact to the frame.
    """

    def __init__(self, out: Path, fmt: AudioFormat, engine: str) -> None:
        self.out = out
        self.format: AudioFormat = fmt
        self._engine = engine
        self._partial = out.with_name(f".{out.name}.partial")
        self._wav: wave.Wave_write | None = None
        self._mp3: BinaryIO | None = None
        self._frame_rate = 0
        self._frames = 0
        self._mp3_seconds = 0.0

    @property
    def position_s(self) -> float:
        if self.format == "wav":
            return self._frames / self._frame_rate if self._frame_rate else 0.0
        return self._mp3_seconds

    def add(self, clip: Clip) -> None:
        if self.format == "mp3":
            if self._mp3 is None:
                self._mp3 = self._partial.open("wb")
            self._mp3.write(clip.data)
            self._mp3_seconds += clip.duration_s
            return
        params = clip.wav
        if params is None:
            raise SpeechError(
                f"{self._engine} returned audio that is not PCM",
                engine=self._engine,
                kind="bad-audio",
            )
        if self._wav is None:
            # open for the whole synthesis, closed by commit() or abort()
            self._wav = wave.open(str(self._partial), "wb")  # noqa: SIM115
            self._wav.setnchannels(params.channels)
            self._wav.setsampwidth(params.sample_width)
            self._wav.setframerate(params.frame_rate)
            self._frame_rate = params.frame_rate
        elif (
            self._wav.getnchannels(),
            self._wav.getsampwidth(),
            self._frame_rate,
        ) != (params.channels, params.sample_width, params.frame_rate):
            raise SpeechError(
                f"{self._engine} changed its audio format between chunks",
                engine=self._engine,
                kind="bad-audio",
            )
        self._wav.writeframes(clip.data)
        self._frames += len(clip.data) // params.frame_size

    def commit(self) -> float:
        """Close the file, move it to ``out`` and return its duration in seconds."""
        if self._wav is None and self._mp3 is None:
            raise SpeechError(
                f"{self._engine} produced no audio", engine=self._engine, kind="bad-audio"
            )
        duration_s = self.position_s
        self._close()
        os.replace(self._partial, self.out)
        return duration_s

    def abort(self) -> None:
        """Close and delete the partial file; the previous ``out`` (if any) is untouched."""
        self._close()
        with contextlib.suppress(FileNotFoundError):
            self._partial.unlink()

    def _close(self) -> None:
        if self._wav is not None:
            self._wav.close()
            self._wav = None
        if self._mp3 is not None:
            self._mp3.close()
            self._mp3 = None
