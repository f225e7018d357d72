"""HTML fragments in Markdown to plain text: tags dropped, entities decoded, images as alt text."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from .cleanup import squash
from .model import CAPTION, PARAGRAPH

_BREAKS = frozenset(
    "p div br li ul ol tr table h1 h2 h3 h4 h5 h6 blockquote figure figcaption hr pre dl dt dd"
    "".split()
)
_SKIPPED = frozenset({"script", "style", "head", "title"})
_TAG = re.compile(r"^<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9]*)")
_ALT = re.compile(r"""\balt\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)


def tag_name(tag: str) -> tuple[str, bool, str]:
    """The lower-case name of an HTML tag, whether it closes, and its alt text (for <img>)."""
    match = _TAG.match(tag.strip())
    if match is None:
        return "", False, ""
    alt = _ALT.search(tag)
    text = next((group for group in alt.groups() if group is not None), "") if alt else ""
    return match.group(2).lower(), bool(match.group(1)), squash(_unescape(text))


def html_parts(html: str) -> list[tuple[str, str]]:
    """The text of an HTML block as (kind, text) pieces in order.

    A block that shows an image is a figure: its alt text and any text around it (a "Source: …"
    credit, a caption) make one caption piece. Otherwise each run of text between block-level
    tags is a paragraph piece.
    """
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    pieces = [squash(piece) for piece in parser.pieces if squash(piece)]
    if parser.images:
        text = squash(" ".join([*parser.images, *pieces]))
        return [(CAPTION, text)] if text else []
    return [(PARAGRAPH, piece) for piece in pieces]


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = [""]
        self.images: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skipping += 1
        elif tag == "img":
            alt = next((value for name, value in attrs if name == "alt" and value), "")
            self.images.append(alt)
        elif tag in _BREAKS:
            self.pieces.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BREAKS:
            self.pieces.append("")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.pieces[-1] += data


def _unescape(text: str) -> str:
    import html

    return html.unescape(text)
