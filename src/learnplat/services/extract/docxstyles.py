"""What a Word document's styles say about a paragraph: heading level, quote, code, list, type."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .model import CODE, LIST, PARAGRAPH, QUOTE

_HEADING_STYLE = re.compile(r"^heading\s*([1-9])$", re.I)
_QUOTE_STYLE = re.compile(r"quote|block\s*text", re.I)
_CODE_STYLE = re.compile(r"code|preformatted|verbatim|macro\s*text|plain\s*text", re.I)
_LIST_STYLE = re.compile(r"^list\b|list\s*(?:bullet|number|paragraph|continue)", re.I)
_HALF_POINTS = 2.0
_EMU_PER_POINT = 12700
_BASE_DEPTH = 8


@dataclass(frozen=True)
class StyleInfo:
    """A paragraph style as it renders: heading level (0 for Title), kind, boldness and size."""

    level: int | None = None
    kind: str = PARAGRAPH
    bold: bool = False
    size: float | None = None  # points


class StyleBook:
    """Paragraph and character styles by id, with what they inherit from the styles they are
    based on, and the document's default type size."""

    def __init__(self, document: Any) -> None:
        from docx.enum.style import WD_STYLE_TYPE

        self.default_size = _default_size(document)
        self.paragraphs: dict[str, StyleInfo] = {}
        self.bold_characters: set[str] = set()
        self.default_paragraph = ""
        for style in document.styles:
            if style.type == WD_STYLE_TYPE.CHARACTER:
                if _inherited(style, lambda s: s.font.bold):
                    self.bold_characters.add(style.style_id)
                continue
            if style.type != WD_STYLE_TYPE.PARAGRAPH:
                continue
            if getattr(style.element, "default", False):
                self.default_paragraph = style.style_id
            self.paragraphs[style.style_id] = _info(style, self.default_size)

    def of(self, style_id: str | None) -> StyleInfo:
        return self.paragraphs.get(style_id or self.default_paragraph) or StyleInfo(
            size=self.default_size
        )


def _info(style: Any, default_size: float | None) -> StyleInfo:
    level = _inherited(style, lambda s: _level_of(s.name or ""))
    names = []
    current, depth = style, 0
    while current is not None and depth < _BASE_DEPTH:
        names.append(current.name or "")
        current, depth = current.base_style, depth + 1
    kind = PARAGRAPH
    if any(_QUOTE_STYLE.search(name) for name in names):
        kind = QUOTE
    elif any(_CODE_STYLE.search(name) for name in names):
        kind = CODE
    elif any(_LIST_STYLE.search(name) for name in names) or _numbered(style):
        kind = LIST
    size = _inherited(style, lambda s: s.font.size)
    return StyleInfo(
        level,
        kind,
        bool(_inherited(style, lambda s: s.font.bold)),
        size.pt if size is not None else default_size,
    )


def _inherited(style: Any, read: Any) -> Any:
    """The first value ``read`` finds on the style or the styles it is based on."""
    current, depth = style, 0
    while current is not None and depth < _BASE_DEPTH:
        value = read(current)
        if value is not None:
            return value
        current, depth = getattr(current, "base_style", None), depth + 1
    return None


def _level_of(style_name: str) -> int | None:
    if style_name.lower() == "title":
        return 0
    match = _HEADING_STYLE.match(style_name)
    return int(match.group(1)) if match else None


def _numbered(style: Any) -> bool:
    properties = style.element.pPr
    return properties is not None and properties.numPr is not None


def _default_size(document: Any) -> float | None:
    from docx.oxml.ns import qn

    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is None:
        return None
    size = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:sz')}")
    value = size.get(qn("w:val")) if size is not None else None
    return int(value) / _HALF_POINTS if value and value.isdigit() else None


def run_size(run: Any) -> float | None:
    size = run.font.size
    return size / _EMU_PER_POINT if size is not None else None
