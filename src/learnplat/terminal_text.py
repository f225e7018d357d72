"""Text without terminal controls: what every layer (store included) cleans stored text with."""

from __future__ import annotations

import re

# A terminal acts on these rather than showing them: a whole escape sequence goes (OSC 52 writes
# the clipboard, OSC 8 hides a link, CSI 2J clears the screen), not only its ESC, so that no
# "]52;c;..." residue is left behind. String sequences need their terminator: an unterminated
# one loses only its introducer, never the text after it.
_SEQUENCES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves, erase
    r"|\x1b[\]PX^_][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)"  # OSC, DCS, SOS, PM, APC up to BEL/ST
    r"|\x1b[ -/]*[0-~]"  # two-byte escapes, e.g. ESC c (reset the terminal)
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
    r"|[\x90\x98\x9d\x9e\x9f][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)"  # 8-bit string sequences
)
# Controls other than newline and tab, DEL, C1, bidi overrides and isolates (they reorder what
# is shown: "Trojan Source"), and lone surrogates (bytes that were not UTF-8, which cannot be
# stored or printed: they become U+FFFD, visibly).
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_DROP: dict[int, str | None] = {
    code: None
    for code in (*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0),
                 *range(0x202A, 0x202F), *range(0x2066, 0x206A))
}
_DROP.update({code: "\ufffd" for code in range(0xD800, 0xE000)})
_WHITESPACE = re.compile(r"\s+")


def safe_text(text: str, *, one_line: bool = False) -> str:
    """``text`` without terminal controls: escape sequences and control characters removed
    (newlines and tabs kept; "\\r\\n" and a lone "\\r" become "\\n"), bidi overrides removed,
    and undecodable bytes shown as U+FFFD. With ``one_line``, every run of whitespace becomes
    one space and the ends are trimmed (titles, file names, topics).

    Cheap on clean text (one regex search), so it is also applied on the way out, to text
    stored before it was applied on the way in."""
    if _UNSAFE.search(text) is not None:
        if "\x1b" in text or any(c in text for c in "\x90\x98\x9b\x9d\x9e\x9f"):
            text = _SEQUENCES.sub("", text)
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        text = text.translate(_DROP)
    if one_line:
        text = _WHITESPACE.sub(" ", text).strip()
    return text


def has_unsafe(text: str) -> bool:
    """True when ``text`` holds something ``safe_text`` would change (bar whitespace)."""
    return _UNSAFE.search(text) is not None
