"""The speech vocabulary: what a voice returns, the pieces it hands out early, Voice."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

from ...domain.model import NarrationSegment

AudioFormat = Literal["wav", "mp3"]
ProgressCallback = Callable[[int, int], None]
"""Called as ``on_progress(done_chars, total_chars)``: once with 0 before the first chunk, then
after each chunk; the last call has ``done_chars == total_chars``."""


@dataclass(frozen=True)
class WavParams:
    """PCM layout: channels, bytes per sample, frames per second."""

    channels: int
    sample_width: int
    frame_rate: int

    @property
    def bytes_per_second(self) -> int:
        return self.channels * self.sample_width * self.frame_rate

    @property
    def frame_size(self) -> int:
        return self.channels * self.sample_width


@dataclass(frozen=True)
class Clip:
    """The audio of one chunk of text: raw PCM frames (``wav`` set) or MPEG audio frames."""

    data: bytes
    duration_s: float
    wav: WavParams | None = None


@dataclass
class SpeechResult:
    """Spoken narration, or the script alone when no voice could speak (``path`` None).

    ``segments`` carry their start in the audio, measured from the audio each one produced;
    without audio they are estimated from word counts. ``notices`` are for the learner
    ("Polly unavailable: AccessDenied — spoken with espeak-ng instead").
    """

    path: Path | None
    format: AudioFormat | None
    duration_s: float
    segments: list[NarrationSegment]
    voice_name: str | None
    engine_name: str | None
    notices: list[str] = field(default_factory=list)

    @property
    def has_audio(self) -> bool:
        return self.path is not None


@dataclass(frozen=True)
class AudioPiece:
    """A chunk of narration ready to play before the whole file is made.

    ``text`` is what it says; ``audio`` is a complete, playable file's bytes (a WAV with its
    header, or MP3 frames); ``path`` is set once the piece is written to disk (see
    ``speak_progressively``).
    """

    index: int
    segment_index: int
    start_s: float
    duration_s: float
    format: AudioFormat
    text: str
    audio: bytes
    engine_name: str
    path: Path | None = None


PieceCallback = Callable[[AudioPiece], None]


class Voice(Protocol):
    """Text to an audio file. Implementations: ``EspeakVoice`` (offline), ``PollyVoice``."""

    @property
    def engine_name(self) -> str:
        """Machine name: "espeak-ng" | "polly"."""
        ...

    @property
    def label(self) -> str:
        """Name shown to learners: "espeak-ng" | "Polly"."""
        ...

    @property
    def default_voice(self) -> str:
        """The voice spoken with when ``synthesize`` gets no ``voice``."""
        ...

    @property
    def formats(self) -> tuple[AudioFormat, ...]:
        """The output formats this engine writes."""
        ...

    def available(self) -> bool:
        """Whether the engine looks usable here (program installed / credentials present);
        cheap, no synthesis and no network."""
        ...

    def voices(self) -> list[str]:
        """The voice names this engine accepts."""
        ...

    def check(
        self, out: Path, *, voice: str | None = None, rate_wpm: int | None = None
    ) -> AudioFormat:
        """The format ``out`` will be written in; raises BadInput for a path, extension, voice
        or rate this engine cannot use. Nothing is synthesized."""
        ...

    def synthesize(
        self,
        segments: Sequence[str],
        out: Path,
        *,
        voice: str | None = None,
        rate_wpm: int | None = None,
        on_progress: ProgressCallback | None = None,
        on_piece: PieceCallback | None = None,
    ) -> SpeechResult:
        """Speak ``segments`` in order into one file at ``out``."""
        ...
