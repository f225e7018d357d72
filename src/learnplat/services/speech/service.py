"""The Speech service: narrate lessons or any text to an audio file, and play it."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path

from ...domain.model import Lesson
from ...errors import BadInput
from .espeak import EspeakVoice
from .fallback import speak_with_fallback
from .model import AudioPiece, SpeechResult, Voice
from .player import Player, PlayResult, available_players
from .polly import PollyVoice
from .progressive import speak_progressively

ProgressCallback = Callable[[int, int], None]
# A narration segment for free text: a paragraph, or ~60 words of one, so marks stay useful.
_SEGMENT_WORDS = 60


def text_segments(text: str) -> list[str]:
    """Split free text into narration segments: paragraphs, long ones at sentence ends."""
    segments: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        sentences = re.split(r"(?<=[.!?])\s+", " ".join(paragraph.split()))
        current: list[str] = []
        for sentence in sentences:
            current.append(sentence)
            if sum(len(s.split()) for s in current) >= _SEGMENT_WORDS:
                segments.append(" ".join(current))
                current = []
        if current:
            segments.append(" ".join(current))
    return [segment for segment in segments if segment]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "lesson"


class Speech:
    """Voices in order of preference (the configured one, then espeak-ng) and a player."""

    def __init__(self, voices: Sequence[Voice], player: Player, audio_dir: Path) -> None:
        self.voices = list(voices)
        self.player = player
        self.audio_dir = audio_dir

    @classmethod
    def from_settings(
        cls,
        speech: str,
        *,
        region: str,
        polly_engine: str,
        polly_voice: str,
        voice: str | None,
        audio_dir: Path,
    ) -> Speech:
        """Polly first (falling back to espeak-ng) when ``speech`` is "polly"; else espeak-ng."""
        espeak = EspeakVoice(voice or "en") if speech != "polly" else EspeakVoice()
        voices: list[Voice] = [espeak]
        if speech == "polly":
            voices.insert(0, PollyVoice(region, engine=polly_engine, voice=voice or polly_voice))
        return cls(voices, Player(), audio_dir)

    def check(self, out: Path, *, voice: str | None = None, rate_wpm: int | None = None) -> None:
        """Raise BadInput now for an output path, voice or rate the chosen voice cannot use,
        so nothing is made in vain."""
        self.voices[0].check(out, voice=voice, rate_wpm=rate_wpm)

    def default_path(self, lesson: Lesson) -> Path:
        self.audio_dir.mkdir(parents=True, exist_ok=True)
        return self.audio_dir / f"{_slug(lesson.topic)}-{lesson.level}.wav"

    def narrate(
        self,
        lesson: Lesson,
        out: Path | None = None,
        *,
        voice: str | None = None,
        rate_wpm: int | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> SpeechResult:
        """Speak an audio-format lesson's narration into ``out`` (default: the data dir's audio
        folder). Marks in the result come from the audio. Raises BadInput; a voice that fails
        falls back to the next, and to the script alone with a notice."""
        if not lesson.narration:
            raise BadInput("this lesson has no narration", hint="use --format audio")
        texts = [segment.text for segment in lesson.narration]
        target = out or self.default_path(lesson)
        return speak_with_fallback(
            self.voices, texts, target, voice=voice, rate_wpm=rate_wpm, on_progress=on_progress
        )

    def narrate_progressively(
        self,
        lesson: Lesson,
        parts_dir: Path,
        on_ready: Callable[[AudioPiece], None],
        *,
        out: Path | None = None,
        voice: str | None = None,
        rate_wpm: int | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> SpeechResult:
        """As ``narrate``, handing each piece to ``on_ready`` as soon as it is playable."""
        if not lesson.narration:
            raise BadInput("this lesson has no narration", hint="use --format audio")
        return speak_progressively(
            self.voices,
            [segment.text for segment in lesson.narration],
            out or self.default_path(lesson),
            parts_dir,
            on_ready,
            voice=voice,
            rate_wpm=rate_wpm,
            on_progress=on_progress,
        )

    def speak(
        self,
        text: str,
        out: Path,
        *,
        voice: str | None = None,
        rate_wpm: int | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> SpeechResult:
        """Speak any text into ``out``. Raises BadInput for empty text or a bad output path."""
        segments = text_segments(text)
        if not segments:
            raise BadInput("there is no text to speak", hint='learnplat speak "Hello" --out hi.wav')
        return speak_with_fallback(
            self.voices, segments, out, voice=voice, rate_wpm=rate_wpm, on_progress=on_progress
        )

    def play(self, path: Path) -> PlayResult:
        """Play a file to the end. Not playing (no player, no sound device) is not an error."""
        return self.player.play(path)

    def players(self) -> list[str]:
        return available_players()
