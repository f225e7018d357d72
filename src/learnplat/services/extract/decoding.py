"""Turning a text file's bytes into str: byte-order marks, UTF-8, UTF-16, Windows-1252."""

from __future__ import annotations

from typing import NamedTuple

# Characters a real text file may hold below U+0020: tab, newlines, form feed, escape (ANSI art).
_ALLOWED_CONTROLS = "\t\n\r\f\x1b"
_COUNT_CONTROLS = {code: None for code in range(32) if chr(code) not in _ALLOWED_CONTROLS} | {
    0x7F: None
}
_SAMPLE_CHARS = 64 * 1024
_MAX_CONTROL_SHARE = 0.10


class Decoded(NamedTuple):
    text: str
    warning: str | None


def decode_text(data: bytes) -> Decoded | None:
    """Decode ``data`` as text, or return None when it looks like binary data.

    A byte-order mark wins; otherwise strict UTF-8, then UTF-16 without a mark, and last
    Windows-1252 (Latin-1 for its five undefined bytes) with a warning for the user.
    """
    decoded = _decode(data)
    if decoded is None or _mostly_controls(decoded.text):
        return None
    return decoded


def _decode(data: bytes) -> Decoded | None:
    if data.startswith(b"\xef\xbb\xbf"):
        return _lenient(data[3:], "utf-8", "UTF-8")
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return _lenient(data, "utf-32", "UTF-32")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _lenient(data, "utf-16", "UTF-16")
    bomless = _bomless_utf16(data)
    if bomless is not None:
        try:
            return Decoded(data.decode(bomless), None)
        except UnicodeDecodeError:
            return None
    if b"\x00" in data:
        return None
    try:
        return Decoded(data.decode("utf-8"), None)
    except UnicodeDecodeError:
        pass
    note = "decoded as Windows-1252 (not UTF-8): check accented letters"
    try:
        return Decoded(data.decode("cp1252"), note)
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; Latin-1 maps every byte, so nothing is lost.
        return Decoded(data.decode("latin-1"), note)


def _lenient(data: bytes, codec: str, label: str) -> Decoded:
    """Decode text whose byte-order mark names its codec, replacing the odd bad byte."""
    try:
        return Decoded(data.decode(codec), None)
    except UnicodeDecodeError:
        text = data.decode(codec, errors="replace")
        return Decoded(text, f"some bytes were not valid {label} and show as '\ufffd'")


def _bomless_utf16(data: bytes) -> str | None:
    """Spot UTF-16 without a byte-order mark: mostly-ASCII text has a zero in every other byte."""
    sample = data[:4096]
    if len(sample) < 8 or len(data) % 2:
        return None
    even_zeros, odd_zeros = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd_zeros > half * 0.4 and even_zeros == 0:
        return "utf-16-le"
    if even_zeros > half * 0.4 and odd_zeros == 0:
        return "utf-16-be"
    return None


def _mostly_controls(text: str) -> bool:
    sample = text[:_SAMPLE_CHARS]
    if "\x00" in sample:
        return True
    controls = len(sample) - len(sample.translate(_COUNT_CONTROLS))
    return controls > len(sample) * _MAX_CONTROL_SHARE
