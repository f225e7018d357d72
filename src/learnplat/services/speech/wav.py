"""WAV in and out with the standard ``wave`` module: read a chunk's file, wrap PCM as WAV."""

from __future__ import annotations

import io
import wave
from pathlib import Path

from .model import Clip, WavParams

WAV_HEADER_BYTES = 44
POLLY_PCM = WavParams(channels=1, sample_width=2, frame_rate=16_000)
"""Polly's ``pcm`` output at SampleRate 16000: signed 16-bit little-endian mono."""


class NotWav(Exception):
    """A file that should be a WAV is missing, empty or unreadable; the text says which."""


def read_wav(path: Path) -> Clip:
    """The PCM frames of a WAV file as a Clip; raises NotWav when there is no usable WAV.

    A header-only file (44 bytes, no frames) is valid and yields an empty clip: a chunk of
    punctuation speaks as nothing.
    """
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise NotWav("no file was written") from None
    if size < WAV_HEADER_BYTES:
        raise NotWav(f"the file has {size} bytes, less than a WAV header")
    try:
        with wave.open(str(path), "rb") as reader:
            params = WavParams(reader.getnchannels(), reader.getsampwidth(), reader.getframerate())
            frames = reader.readframes(reader.getnframes())
    except (wave.Error, EOFError) as exc:
        raise NotWav(f"not a valid WAV file ({exc})") from None
    return pcm_clip(frames, params)


def pcm_clip(pcm: bytes, params: WavParams) -> Clip:
    """Raw PCM as a Clip; a trailing partial frame is dropped."""
    whole = len(pcm) - len(pcm) % params.frame_size
    return Clip(pcm[:whole], whole / params.bytes_per_second, params)


def wav_bytes(pcm: bytes, params: WavParams) -> bytes:
    """A complete WAV file holding ``pcm``."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(params.channels)
        writer.setsampwidth(params.sample_width)
        writer.setframerate(params.frame_rate)
        writer.writeframes(pcm)
    return buffer.getvalue()
