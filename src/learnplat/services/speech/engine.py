"""ChunkedVoice: the synthesis loop every engine shares (chunk, render, append, time, report)."""

from __future__ import annotations

import tempfile
from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from ...domain.model import NarrationSegment
from ...errors import BadInput
from .chunking import Weight, chunk_text
from .model import AudioFormat, AudioPiece, Clip, PieceCallback, ProgressCallback, SpeechResult
from .output import AudioSink, check_output
from .script import spoken_texts
from .wav import wav_bytes


class ChunkedVoice(ABC):
    """A Voice that speaks each segment in chunks of at most ``chunk_limit`` characters.

    Chunks never span segments, so each segment's start is the audio written before it: exact
    to the frame for WAV, to the MP3 frame for MP3. Subclasses say how one chunk is rendered.
    """

    engine_name: ClassVar[str]
    label: ClassVar[str]
    formats: ClassVar[tuple[AudioFormat, ...]]
    chunk_limit: ClassVar[int]
    first_piece_limit: ClassVar[int] = 300
    """With ``on_piece``, the first chunk is at most this long so the first audio comes fast."""
    min_rate_wpm: ClassVar[int] = 80
    max_rate_wpm: ClassVar[int] = 450
    default_voice: str

    def check(
        self, out: Path, *, voice: str | None = None, rate_wpm: int | None = None
    ) -> AudioFormat:
        """The format ``out`` will be written in; raises BadInput for a bad path, extension,
        rate or (where it can be checked locally) voice."""
        fmt = check_output(out, self.formats, self.label)
        if rate_wpm is not None and not self.min_rate_wpm <= rate_wpm <= self.max_rate_wpm:
            raise BadInput(
                f"Speaking rate {rate_wpm} is out of range for {self.label}",
                hint=f"Use {self.min_rate_wpm}-{self.max_rate_wpm} words per minute.",
            )
        self._check_voice(voice or self.default_voice)
        return fmt

    @abstractmethod
    def _check_voice(self, voice: str) -> None:
        """Raise UnknownVoice when ``voice`` is known, without synthesizing, to be invalid."""

    def _weight(self, rate_wpm: int | None) -> Weight:
        """How a chunk's text counts against ``chunk_limit``."""
        return len

    @abstractmethod
    def _render(
        self, text: str, *, voice: str, rate_wpm: int | None, fmt: AudioFormat, workdir: Path
    ) -> Clip:
        """The audio of one chunk; raises SpeechError (or UnknownVoice)."""

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
        """Speak ``segments`` in order into one file at ``out`` (.wav, or .mp3 where supported).

        ``voice`` overrides the instance's default voice; ``rate_wpm`` is words per minute.
        ``on_progress(done_chars, total_chars)`` follows the chunks; ``on_piece`` receives each
        chunk's audio as soon as it exists. Returns the SpeechResult; raises BadInput for bad
        input (checked before anything is synthesized) and SpeechError when the engine fails.
        """
        texts = spoken_texts(segments)
        fmt = self.check(out, voice=voice, rate_wpm=rate_wpm)
        name = voice or self.default_voice
        plan = self._plan(texts, rate_wpm, early=on_piece is not None)
        total = sum(len(chunk) for chunks in plan for chunk in chunks)
        sink = AudioSink(out, fmt, self.label)
        starts: list[float] = []
        done = piece_index = 0
        if on_progress:
            on_progress(0, total)
        try:
            with tempfile.TemporaryDirectory(prefix="learnplat-speech-") as workdir:
                for segment_index, chunks in enumerate(plan):
                    starts.append(sink.position_s)
                    for chunk in chunks:
                        start_s = sink.position_s
                        clip = self._render(
                            chunk, voice=name, rate_wpm=rate_wpm, fmt=fmt, workdir=Path(workdir)
                        )
                        sink.add(clip)
                        if on_piece:
                            on_piece(
                                AudioPiece(
                                    index=piece_index,
                                    segment_index=segment_index,
                                    start_s=start_s,
                                    duration_s=sink.position_s - start_s,
                                    format=fmt,
                                    text=chunk,
                                    audio=_playable(clip, fmt),
                                    engine_name=self.engine_name,
                                )
                            )
                            piece_index += 1
                        done += len(chunk)
                        if on_progress:
                            on_progress(done, total)
            duration_s = sink.commit()
        except BaseException:
            sink.abort()
            raise
        return SpeechResult(
            path=out,
            format=fmt,
            duration_s=duration_s,
            segments=[NarrationSegment(s, t) for s, t in zip(starts, texts, strict=True)],
            voice_name=name,
            engine_name=self.engine_name,
        )

    def _plan(self, texts: list[str], rate_wpm: int | None, *, early: bool) -> list[list[str]]:
        """Each segment's chunks; with ``early`` the very first chunk is kept short."""
        weight = self._weight(rate_wpm)
        plan: list[list[str]] = []
        first_pending = early
        for text in texts:
            first_limit = self.first_piece_limit if first_pending and text else None
            plan.append(chunk_text(text, self.chunk_limit, weight=weight, first_limit=first_limit))
            first_pending = first_pending and not text
        return plan


def _playable(clip: Clip, fmt: AudioFormat) -> bytes:
    """A clip as a file of its own: WAV needs a header, MP3 frames play as they are."""
    if fmt == "wav" and clip.wav is not None:
        return wav_bytes(clip.data, clip.wav)
    return clip.data
