"""The narration script itself: the texts to speak, and timings estimated when nothing speaks."""

from __future__ import annotations

from collections.abc import Sequence

from ...domain.model import NarrationSegment
from ...errors import BadInput

ESTIMATE_WPM = 160
"""Words per minute assumed for timestamps when no audio exists (a typical narration pace)."""


def spoken_texts(segments: Sequence[str]) -> list[str]:
    """The segments stripped of outer whitespace; raises BadInput when there is nothing to say.

    A blank segment among others is kept (it speaks as nothing and starts where the next does).
    """
    if isinstance(segments, str):
        raise TypeError("segments is a sequence of texts, not one string")
    texts = [segment.strip() for segment in segments]
    if not any(texts):
        raise BadInput(
            "Nothing to speak: the narration text is empty",
            hint="Give some text, e.g. a lesson in the audio format.",
        )
    return texts


def estimated_segments(texts: Sequence[str], rate_wpm: int | None = None) -> list[NarrationSegment]:
    """Segments timed by word count at ``rate_wpm`` (default ESTIMATE_WPM): for a script shown
    without audio."""
    seconds_per_word = 60.0 / (rate_wpm or ESTIMATE_WPM)
    segments: list[NarrationSegment] = []
    start_s = 0.0
    for text in texts:
        segments.append(NarrationSegment(round(start_s, 3), text))
        start_s += len(text.split()) * seconds_per_word
    return segments
