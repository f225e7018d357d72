"""speak_with_fallback: try each voice in turn (Polly, then espeak-ng), else the script alone."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from ...errors import BadInput, LearnplatError
from .model import PieceCallback, ProgressCallback, SpeechResult, Voice
from .output import FORMATS
from .script import estimated_segments, spoken_texts


def _reason(exc: LearnplatError) -> str:
    return str(getattr(exc, "code", None) or exc.message)


def script_only(
    texts: Sequence[str], notices: list[str], rate_wpm: int | None = None
) -> SpeechResult:
    """A result without audio: the caller shows the script; timings are estimates."""
    return SpeechResult(
        path=None,
        format=None,
        duration_s=0.0,
        segments=estimated_segments(texts, rate_wpm),
        voice_name=None,
        engine_name=None,
        notices=notices,
    )


def speak_with_fallback(
    voices: Sequence[Voice],
    segments: Sequence[str],
    out: Path,
    *,
    voice: str | None = None,
    rate_wpm: int | None = None,
    on_progress: ProgressCallback | None = None,
    on_piece: PieceCallback | None = None,
) -> SpeechResult:
    """Speak with the first voice that can; never raises for a voice that fails.

    ``voice`` applies to the first voice (the one the learner chose); fallbacks speak with their
    own default voice, and write ``.wav`` beside ``out`` when they cannot write its format
    (espeak-ng for an ``.mp3``). Each failure becomes a notice ("Polly unavailable: AccessDenied
    — spoken with espeak-ng instead"); when no voice can speak, the result has no audio
    (``path`` None) and says so. Raises BadInput only for what no voice could fix: empty text,
    and what the first voice rejects before synthesizing (output path, extension, voice name,
    rate). If a voice fails part-way, ``on_piece`` starts again at index 0 with the next one.
    """
    texts = spoken_texts(segments)
    if voices:
        try:
            voices[0].check(out, voice=voice, rate_wpm=rate_wpm)
        except BadInput:
            raise
        except LearnplatError:
            pass  # not the learner's doing: synthesis tries again and falls back
    failures: list[str] = []
    for position, candidate in enumerate(voices):
        target, chosen, moved = out, voice, []
        if position > 0:
            chosen = None
            if FORMATS.get(out.suffix.lower()) not in candidate.formats:
                target = out.with_suffix(".wav")
                moved = [f"saved as {target.name}: {candidate.label} writes WAV"]
        try:
            result = candidate.synthesize(
                texts,
                target,
                voice=chosen,
                rate_wpm=rate_wpm,
                on_progress=on_progress,
                on_piece=on_piece,
            )
        except LearnplatError as exc:
            failures.append(f"{candidate.label} unavailable: {_reason(exc)}")
            continue
        notices = [f"{failure} — spoken with {candidate.label} instead" for failure in failures]
        return replace(result, notices=notices + moved + result.notices)
    if not voices:
        failures.append("no voice is configured")
    return script_only(
        texts, [f"{'; '.join(failures)} — no audio, showing the script only"], rate_wpm
    )
