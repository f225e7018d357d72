"""MPEG Layer III frames: find them, drop tags, and time them from their headers.

Polly's ``mp3`` output is a run of Layer III frames. Each frame header gives its sample rate and
the frame's length; a frame holds 1152 samples (MPEG-1) or 576 (MPEG-2 / 2.5), so a chunk's
duration is exact without decoding or a second request for PCM.
"""

from __future__ import annotations

from .model import Clip

# bitrate (kbit/s) by index: MPEG-1 Layer III, MPEG-2/2.5 Layer III
_BITRATES = {
    1: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
# sample rate by version bits (0b11 MPEG-1, 0b10 MPEG-2, 0b00 MPEG-2.5) and index
_SAMPLE_RATES = {
    0b11: (44_100, 48_000, 32_000),
    0b10: (22_050, 24_000, 16_000),
    0b00: (11_025, 12_000, 8_000),
}
_LAYER_III = 0b01
_HEADER_BYTES = 4
_INFO_TAGS = (b"Xing", b"Info", b"VBRI")


class NotMp3(Exception):
    """The bytes hold no MPEG Layer III frame."""


def _frame_at(data: bytes, at: int) -> tuple[int, int, int] | None:
    """(frame length, samples, sample rate) of a Layer III frame header at ``at``, or None."""
    if at + _HEADER_BYTES > len(data) or data[at] != 0xFF or data[at + 1] & 0xE0 != 0xE0:
        return None
    version = (data[at + 1] >> 3) & 0b11
    layer = (data[at + 1] >> 1) & 0b11
    bitrate_index = data[at + 2] >> 4
    rate_index = (data[at + 2] >> 2) & 0b11
    padding = (data[at + 2] >> 1) & 1
    if version not in _SAMPLE_RATES or layer != _LAYER_III:
        return None
    if bitrate_index in (0, 15) or rate_index == 3:
        return None  # free-format or reserved values
    mpeg1 = version == 0b11
    bitrate = _BITRATES[1 if mpeg1 else 2][bitrate_index] * 1000
    sample_rate = _SAMPLE_RATES[version][rate_index]
    length = (144 if mpeg1 else 72) * bitrate // sample_rate + padding
    return length, (1152 if mpeg1 else 576), sample_rate


def _skip_id3v2(data: bytes, at: int) -> int:
    if data[at : at + 3] != b"ID3" or at + 10 > len(data):
        return at
    size = 0
    for byte in data[at + 6 : at + 10]:  # "syncsafe": 7 bits per byte
        size = (size << 7) | (byte & 0x7F)
    footer = 10 if data[at + 5] & 0x10 else 0
    return at + 10 + size + footer


def _is_info_frame(frame: bytes) -> bool:
    """A Xing/Info/VBRI frame describes the whole file it opened: wrong once files are joined."""
    # the tag follows the side information: 9, 17 or 32 bytes after the 4-byte header
    return any(frame[at : at + 4] in _INFO_TAGS for at in (13, 21, 36))


def mp3_clip(data: bytes) -> Clip:
    """The audio frames of ``data`` (ID3 tags, Xing/Info frames and junk dropped) with their
    duration; raises NotMp3 when there is no frame at all."""
    frames: list[bytes] = []
    duration_s = 0.0
    at = _skip_id3v2(data, 0)
    while at < len(data):
        found = _frame_at(data, at)
        if found is None:
            if data[at : at + 3] == b"TAG":  # ID3v1 at the end
                break
            at = max(_skip_id3v2(data, at), at + 1)  # a tag (joined files) or junk
            continue
        length, samples, sample_rate = found
        frame = data[at : at + length]
        if len(frame) < length:
            break  # a truncated last frame
        if not _is_info_frame(frame):
            frames.append(frame)
            duration_s += samples / sample_rate
        at += length
    if not frames:
        raise NotMp3("no MPEG Layer III frame found")
    return Clip(b"".join(frames), duration_s)
