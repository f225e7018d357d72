"""speak_progressively: hand out the first audio while the rest of the narration is made."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from ...errors import BadInput
from .fallback import speak_with_fallback
from .model import AudioPiece, ProgressCallback, SpeechResult, Voice


def speak_progressively(
    voices: Voice | Sequence[Voice],
    segments: Sequence[str],
    out: Path,
    parts_dir: Path,
    on_ready: Callable[[AudioPiece], None],
    *,
    voice: str | None = None,
    rate_wpm: int | None = None,
    on_progress: ProgressCallback | None = None,
) -> SpeechResult:
    """Speak ``segments`` into ``out`` and, as each chunk is made, write it to ``parts_dir`` as
    a playable file of its own and call ``on_ready(piece)`` (``piece.path`` set).

    The first chunk is kept short (a sentence or two) so it is ready in well under a second;
    the caller can play the pieces in order while the rest is synthesized, or play ``out`` when
    done. ``parts_dir`` must exist; the caller removes it when playback no longer needs it.
    Runs the fallback chain when given several voices. Returns what speak_with_fallback does.
    """
    chain = [voices] if not isinstance(voices, Sequence) else list(voices)

    def write_piece(piece: AudioPiece) -> None:
        path = parts_dir / f"{piece.engine_name}-{piece.index:05d}.{piece.format}"
        path.write_bytes(piece.audio)
        on_ready(replace(piece, path=path))

    if not parts_dir.is_dir():
        raise BadInput(f"The folder for audio pieces does not exist: {parts_dir}")
    return speak_with_fallback(
        chain,
        segments,
        out,
        voice=voice,
        rate_wpm=rate_wpm,
        on_progress=on_progress,
        on_piece=write_piece,
    )
