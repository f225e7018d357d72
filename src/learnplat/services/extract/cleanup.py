"""Text normalisation shared by every reader: line ends, hyphens, whitespace, heading shapes."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

# PDFium marks a hyphen it judged to be line-end hyphenation as \x02 (bounded text) or \ufffe
# (ranged text); \xad is the soft hyphen some producers emit instead.
# Only spaces may sit between the mark and the word's rest: line breaks must survive cleaning.
_SOFT_HYPHEN = re.compile(r"(\w+)([\x02\ufffe\xad])[ \t]*(?=(\w))")
_KEPT_PREFIXES = frozenset({"self", "non", "well", "ex", "all", "half", "cross"})

# Form feed (12) survives: plain-text readers treat it as a page break.
_CLEAN_TABLE: dict[int, str | None] = {
    code: None for code in [*range(0, 9), 11, *range(13, 32), 0x7F, *range(0x80, 0xA0)]
}
_CLEAN_TABLE.update({0x09: " ", 0x200B: None, 0xFEFF: None, 0x2028: " ", 0x2029: " "})
# Bidi overrides and isolates reorder what a terminal shows ("Trojan Source").
_CLEAN_TABLE.update(dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)]))
_LIGATURES = {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "ft", "ﬆ": "st"}
_CLEAN_TABLE.update({ord(ligature): plain for ligature, plain in _LIGATURES.items()})
# Private-use glyphs (math fonts' bracket pieces, Word's symbol-font bullets) have no meaning
# outside their font.
_CLEAN_TABLE.update(dict.fromkeys(range(0xE000, 0xF900)))

_LIST_ITEM = re.compile(r"^\s*(?:[-*+•◦▪‣–]\s|\d{1,3}[.)]\s|[a-z][.)]\s)")
_NUMBERED = re.compile(r"^(\d{1,3}(?:\.\d{1,3}){0,4})\.?\s+(\S)")
_CHAPTER = re.compile(
    r"^(?:chapter|part|unit|lesson|module|appendix|section)\s+([0-9]+|[ivxlc]+|[a-z])\b", re.I
)
_PAGE_NUMBER = re.compile(r"^\W*(?:page\s+)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?\W*$", re.I)
_HEADING_END = "\"')?!”’"
# A printed caption: "Figure 1.2: …", "Fig. 3 …", "Table 4. …"; or a figure's bare label on a
# line of its own: "Fig. 6.", "Figure 2.1", "Table 3:".
_FIGURE_WORD = r"(?:fig(?:ure)?\.?|table|plate|chart|diagram|exhibit)"
_FIGURE_NUMBER = r"\s*[A-Z]?\d+(?:[.-]\d+)*[a-z]?"
_PRINTED_CAPTION = re.compile(
    rf"^{_FIGURE_WORD}(?:{_FIGURE_NUMBER}\s*[.:—–-]?|\s*:)\s",
    re.I,
)
_FIGURE_LABEL = re.compile(rf"^{_FIGURE_WORD}{_FIGURE_NUMBER}[.:]?$", re.I)
_MAX_CAPTION_WORDS = 60


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def clean_text(text: str) -> str:
    """Resolve soft hyphens, drop control characters and ligatures, compose accents (NFC).

    Never adds or removes a "\n", so cleaned text lines up with the original line by line.
    """
    if "\x02" in text or "\ufffe" in text or "\xad" in text:
        text = _SOFT_HYPHEN.sub(_resolve_soft_hyphen, text)
        text = text.replace("\x02", "-").replace("\ufffe", "-").replace("\xad", "")
    text = text.translate(_CLEAN_TABLE)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text


def _resolve_soft_hyphen(match: re.Match[str]) -> str:
    word, mark, following = match.group(1, 2, 3)
    if following.islower() and word.lower() not in _KEPT_PREFIXES:
        return word
    return word if mark == "\xad" else word + "-"


def squash(text: str) -> str:
    """Collapse every run of whitespace to one space and trim the ends."""
    # Most texts are squashed already: every whitespace but the space is unprintable.
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())


_LONE_PUNCTUATION = re.compile(r"^[.,;:!?]$")


def join_lines(lines: Sequence[str]) -> str:
    """Join the wrapped lines of one paragraph; list items keep their own line.

    A line-end hyphen is dropped when a lowercase letter follows ("photo-" + "synthesis"), except
    after prefixes that keep their hyphen ("self-" + "aware").
    """
    parts: list[str] = []
    for raw in lines:
        line = squash(raw)
        if not line:
            continue
        if not parts:
            parts.append(line)
        elif _LIST_ITEM.match(line):
            parts.append("\n" + line)
        elif _LONE_PUNCTUATION.match(line):
            parts.append(line)  # a full stop set on a line of its own (after a raised mark) ends it
        elif _ends_with_word_hyphen(parts[-1]) and line[0].isalpha():
            # The word goes on: drop the hyphen only where it was hyphenation, not a compound.
            if _is_hyphenation(parts[-1], line):
                parts[-1] = parts[-1][:-1]
            parts.append(line)
        else:
            parts.append(" " + line)
    return "".join(parts)


def _ends_with_word_hyphen(text: str) -> bool:
    return len(text) >= 2 and text[-1] == "-" and text[-2].isalpha()


def _is_hyphenation(previous: str, line: str) -> bool:
    if not line[0].islower():
        return False
    last_word = previous.rsplit(None, 1)[-1][:-1].lower()
    return last_word not in _KEPT_PREFIXES and "-" not in last_word


def looks_like_heading(text: str, max_words: int = 10) -> bool:
    """True for a short title-shaped line: few words, no final punctuation, starts like a title."""
    if not text or len(text) > 120 or not (text[-1].isalnum() or text[-1] in _HEADING_END):
        return False
    words = text.split()
    letters = sum(char.isalpha() for char in text)
    if len(words) > max_words or letters < len(text.replace(" ", "")) / 2:
        return False
    numbered = _NUMBERED.match(text)
    first = numbered.group(2) if numbered else text[0]
    return first.isupper() or (first.isdigit() and numbered is not None)


def heading_level(text: str) -> int | None:
    """Nesting depth a heading announces itself: "2" -> 1, "2.1" -> 2, "Chapter 3" -> 1."""
    numbered = _NUMBERED.match(text)
    if numbered:
        return numbered.group(1).count(".") + 1
    if _CHAPTER.match(text):
        return 1
    return None


def is_list_item(text: str) -> bool:
    return _LIST_ITEM.match(text) is not None


def is_caption(text: str) -> bool:
    """True for a printed figure or table caption ("Figure 1.2: The cycle")."""
    return _PRINTED_CAPTION.match(text) is not None and len(text.split()) <= _MAX_CAPTION_WORDS


def is_figure_label(text: str) -> bool:
    """True for a figure's or table's bare label: "Fig. 6.", "Table 3:"."""
    return _FIGURE_LABEL.match(text) is not None


def is_page_number(text: str) -> bool:
    return len(text) <= 20 and _PAGE_NUMBER.match(text) is not None


def ends_sentence(text: str) -> bool:
    return bool(text) and text.rstrip("\"'”’)]")[-1:] in (".", "!", "?", ":")


class HeadingStack:
    """Tracks the headings in force; a new heading closes every open one at its level or deeper."""

    def __init__(self) -> None:
        self._open: list[tuple[int, str]] = []

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(text for _, text in self._open)

    @property
    def depth(self) -> int:
        return len(self._open)

    def push(self, text: str, level: int) -> tuple[str, ...]:
        while self._open and self._open[-1][0] >= level:
            self._open.pop()
        self._open.append((level, text))
        return self.path


def compress_ranges(numbers: Iterable[int]) -> str:
    """Render sorted page numbers compactly: [3, 4, 5, 9] -> "3–5, 9"."""
    spans: list[list[int]] = []
    for number in sorted(set(numbers)):
        if spans and number == spans[-1][1] + 1:
            spans[-1][1] = number
        else:
            spans.append([number, number])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in spans)
