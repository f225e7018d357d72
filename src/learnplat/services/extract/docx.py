"""Word (.docx) reader: a ZIP safety check, then body paragraphs and tables in document order."""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from learnplat.errors import DocumentError

from .cleanup import clean_text, is_caption, squash
from .docxstyles import StyleBook, StyleInfo, run_size
from .logs import log
from .markup import code_blocks, list_blocks, quote_block, table_blocks
from .model import CAPTION, CODE, LIST, PARAGRAPH, QUOTE, TABLE, Unit
from .sections import SectionBuilder

if TYPE_CHECKING:
    from docx.table import Table


_MB = 1024 * 1024
_BOMB_RATIO = 200
_BOMB_MEMBER_BYTES = 10 * _MB
_CORE = "docProps/core.xml"
_ADDRESS = re.compile(r"https?://|www\.\w", re.I)
_MAX_HEADING_CHARS = 120
_MAX_HEADING_WORDS = 12
_LARGER = 1.15  # a hand-made heading is set this much larger than the body, or in bold


class DocxResult(NamedTuple):
    units: list[Unit]
    title: str | None


def check_zip(data: bytes, name: str, max_unpacked_bytes: int) -> set[str]:
    """Refuse a damaged ZIP, or one that would unpack to more than ``max_unpacked_bytes``.

    Returns the names of its members.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise DocumentError(
            f"{name} is not a valid Word document (damaged ZIP)",
            hint="save or download the file again",
        ) from error
    total = sum(member.file_size for member in members)
    inflated = any(
        member.file_size > _BOMB_MEMBER_BYTES
        and member.file_size > _BOMB_RATIO * max(member.compress_size, 1)
        for member in members
    )
    if total > max_unpacked_bytes or inflated:
        raise DocumentError(
            f"{name} unpacks to {max(1, round(total / _MB))} MB: refusing (zip bomb?)",
            hint="open it in Word and save a smaller copy (compress or remove large media)",
        )
    return {member.filename for member in members}


def read_docx(data: bytes, name: str, max_unpacked_bytes: int) -> DocxResult:
    """Read a .docx into sections, one per heading; raises DocumentError when it is damaged.

    Headings come from heading styles, or from their form where the author made them by hand
    (see ``_by_form``). The title is the core properties' title, else the first Title-styled
    paragraph or heading.
    """
    members = check_zip(data, name, max_unpacked_bytes)
    # Deferred: python-docx and lxml take a while to import and most ingests are PDFs.
    from docx import Document

    try:
        document = Document(io.BytesIO(data))
        # Without docProps/core.xml python-docx makes up a title ("Word Document").
        title = squash(document.core_properties.title or "") if _CORE in members else ""
        items = _read_items(document)
    except DocumentError:
        raise
    except Exception as error:  # python-docx and lxml raise many types for broken parts
        log.warning("python-docx failed on %s: %r", name, error)
        raise DocumentError(
            f"{name} is not a valid Word document (its content could not be read)",
            hint="open it in Word and save it again",
        ) from error
    builder = SectionBuilder()
    titled = _Writer(builder).write(items)
    return DocxResult(builder.finish(), title or titled or builder.first_heading)


@dataclass
class _Paragraph:
    text: str
    style: StyleInfo
    bold: bool  # every run with text is bold
    size: float | None
    linked: bool  # holds a hyperlink or a web address
    listed: bool  # numbered or bulleted by Word


def _read_items(document: Any) -> list[_Paragraph | list[list[str]]]:
    from docx.table import Table

    styles = StyleBook(document)
    items: list[_Paragraph | list[list[str]]] = []
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            items.append(_table_rows(item))
            continue
        # The raw style id: python-docx's Paragraph.style scans every style for unstyled
        # paragraphs, which made a 2,000-paragraph file take seconds.
        style = styles.of(item._p.style)
        text = squash(clean_text(item.text))
        bold, size, linked = _formatting(item, style, styles)
        properties = item._p.pPr
        listed = properties is not None and properties.numPr is not None
        items.append(
            _Paragraph(text, style, bold, size, linked or _ADDRESS.search(text) is not None, listed)
        )
    return items


def _formatting(
    paragraph: Any, style: StyleInfo, styles: StyleBook
) -> tuple[bool, float | None, bool]:
    """Whether every run with text is bold, the largest type size, and whether it links."""
    from docx.text.hyperlink import Hyperlink

    bold = True
    sizes: list[float] = []
    linked = False
    seen = False
    for content in paragraph.iter_inner_content():
        runs = content.runs if isinstance(content, Hyperlink) else [content]
        linked = linked or isinstance(content, Hyperlink)
        for run in runs:
            if not run.text.strip():
                continue
            seen = True
            run_bold = run.bold
            if run_bold is None:
                run_bold = run._r.style in styles.bold_characters or style.bold
            bold = bold and bool(run_bold)
            size = run_size(run)
            sizes.append(size if size is not None else style.size or 0.0)
    return bold and seen, max(sizes) if sizes else style.size, linked


class _Writer:
    """Turns the paragraphs and tables into blocks and sections, runs of list items, code
    lines and quotes grouped; returns the first Title-styled paragraph's text."""

    def __init__(self, builder: SectionBuilder) -> None:
        self.builder = builder
        self.pending: list[str] = []
        self.pending_kind = PARAGRAPH

    def write(self, items: list[_Paragraph | list[list[str]]]) -> str | None:
        title = None
        levels = _by_form(items)
        for index, item in enumerate(items):
            if isinstance(item, list):
                self._flush()
                for block in table_blocks(item):
                    self.builder.paragraph(block, TABLE)
                continue
            if not item.text:
                self._flush()
                continue
            level = item.style.level if item.style.level is not None else levels.get(index)
            if level is not None:
                self._flush()
                self.builder.heading(item.text, level)
                if level == 0 and title is None:
                    title = item.text
            elif item.listed or item.style.kind == LIST:
                self._pend(LIST, item.text)
            elif item.style.kind == CODE:
                self._pend(CODE, item.text)
            elif item.style.kind == QUOTE:
                self._flush()
                self.builder.paragraph(quote_block(item.text), QUOTE)
            else:
                self._flush()
                self.builder.paragraph(item.text, CAPTION if is_caption(item.text) else PARAGRAPH)
        self._flush()
        return title

    def _pend(self, kind: str, text: str) -> None:
        if self.pending and self.pending_kind != kind:
            self._flush()
        self.pending_kind = kind
        self.pending.append(text)

    def _flush(self) -> None:
        if not self.pending:
            return
        blocks = (
            code_blocks(self.pending) if self.pending_kind == CODE else list_blocks(self.pending)
        )
        for block in blocks:
            self.builder.paragraph(block, self.pending_kind)
        self.pending = []


def _by_form(items: list[_Paragraph | list[list[str]]]) -> dict[int, int]:
    """Headings an author made by hand: a short paragraph of its own, bold or larger than the
    body, not ending like a sentence or a lead-in (".", ":"), not a link, with body text after
    it and not one of a run of such lines (a bold tagline is emphasis). Larger is outer."""
    paragraphs = [
        (i, item) for i, item in enumerate(items) if isinstance(item, _Paragraph) and item.text
    ]
    sizes: Counter[float] = Counter()
    for _, item in paragraphs:
        if item.size and item.style.level is None:
            sizes[round(item.size * 2) / 2] += len(item.text)
    body = sizes.most_common(1)[0][0] if sizes else None
    flags = [_looks_made(item, body) for _, item in paragraphs]
    chosen: dict[int, float] = {}
    for position, (index, item) in enumerate(paragraphs):
        if not flags[position]:
            continue
        before = position > 0 and flags[position - 1]
        after = position + 1 < len(paragraphs) and flags[position + 1]
        following = _next_item(items, index)
        if before or after or following is None:
            continue
        chosen[index] = round(item.size or 0.0)
    styled = [item.style.level for _, item in paragraphs if item.style.level]
    base = max(styled, default=0) + 1
    ranks = sorted(set(chosen.values()), reverse=True)
    return {index: base + ranks.index(size) for index, size in chosen.items()}


def _looks_made(item: _Paragraph, body: float | None) -> bool:
    text = item.text
    if item.style.level is not None or item.listed or item.style.kind != PARAGRAPH or item.linked:
        return False
    if len(text) > _MAX_HEADING_CHARS or len(text.split()) > _MAX_HEADING_WORDS:
        return False
    if text[-1] in ".,;:" or not any(char.isalpha() for char in text):
        return False
    larger = bool(body and item.size and item.size >= body * _LARGER)
    return item.bold or larger


def _next_item(
    items: list[_Paragraph | list[list[str]]], index: int
) -> _Paragraph | list[list[str]] | None:
    for item in items[index + 1 :]:
        if isinstance(item, list) or item.text:
            return item
    return None


def _table_rows(table: Table) -> list[list[str]]:
    """The table's rows as cell texts, a merged cell once, empty rows left out."""
    rows: list[list[str]] = []
    for row in table.rows:
        cells: list[str] = []
        previous = None
        for cell in row.cells:
            # A horizontally merged cell comes back once per grid column it spans.
            if cell is not previous:
                cells.append(squash(clean_text(cell.text)))
            previous = cell
        if any(cells):
            rows.append(cells)
    return rows
