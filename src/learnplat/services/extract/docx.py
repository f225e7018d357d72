"""Word (.docx) reader: a ZIP safety check, then body paragraphs and tables in document order."""

from __future__ import annotations

import io
import re
import zipfile
from typing import TYPE_CHECKING, Any, NamedTuple

from learnplat.errors import DocumentError

from .cleanup import clean_text, squash
from .logs import log
from .model import Unit
from .sections import SectionBuilder

if TYPE_CHECKING:
    from docx.table import Table


_MB = 1024 * 1024
_BOMB_RATIO = 200
_BOMB_MEMBER_BYTES = 10 * _MB
_HEADING_STYLE = re.compile(r"^heading\s*([1-9])$", re.I)
# Rows are grouped into blocks of about this many words so a long table is not one huge block.
_TABLE_BLOCK_WORDS = 120


class DocxResult(NamedTuple):
    units: list[Unit]
    title: str | None


def check_zip(data: bytes, name: str, max_unpacked_bytes: int) -> None:
    """Refuse a damaged ZIP, or one that would unpack to more than ``max_unpacked_bytes``."""
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


def read_docx(data: bytes, name: str, max_unpacked_bytes: int) -> DocxResult:
    """Read a .docx into sections, one per heading; raises DocumentError when it is damaged."""
    check_zip(data, name, max_unpacked_bytes)
    # Deferred: python-docx and lxml take a while to import and most ingests are PDFs.
    from docx import Document
    from docx.table import Table

    builder = SectionBuilder()
    try:
        document = Document(io.BytesIO(data))
        title = squash(document.core_properties.title or "")
        levels = _style_levels(document)
        for item in document.iter_inner_content():
            if isinstance(item, Table):
                for block in _table_blocks(item):
                    builder.paragraph(block)
                continue
            text = squash(clean_text(item.text))
            # The raw style id: python-docx's Paragraph.style scans every style for unstyled
            # paragraphs, which made a 2,000-paragraph file take seconds.
            level = levels.get(item._p.style or "")
            if level is None:
                builder.paragraph(text)
            else:
                builder.heading(text, level)
    except DocumentError:
        raise
    except Exception as error:  # python-docx and lxml raise many types for broken parts
        log.warning("python-docx failed on %s: %r", name, error)
        raise DocumentError(
            f"{name} is not a valid Word document (its content could not be read)",
            hint="open it in Word and save it again",
        ) from error
    return DocxResult(builder.finish(), title or builder.first_heading)


def _style_levels(document: Any) -> dict[str, int]:
    """Map paragraph style ids to heading levels, following styles based on a heading style."""
    levels: dict[str, int] = {}
    for style in document.styles:
        current, depth = style, 0
        while current is not None and depth < 5:
            level = _level_of(current.name or "")
            if level is not None:
                levels[style.style_id] = level
                break
            current, depth = getattr(current, "base_style", None), depth + 1
    return levels


def _level_of(style_name: str) -> int | None:
    if style_name.lower() == "title":
        return 0
    match = _HEADING_STYLE.match(style_name)
    return int(match.group(1)) if match else None


def _table_blocks(table: Table) -> list[str]:
    """Render rows as "cell | cell", a merged cell once, grouped into blocks of rows."""
    blocks: list[str] = []
    rows: list[str] = []
    words = 0
    for row in table.rows:
        cells: list[str] = []
        previous = None
        for cell in row.cells:
            # A horizontally merged cell comes back once per grid column it spans.
            if cell is not previous:
                cells.append(squash(clean_text(cell.text)))
            previous = cell
        line = " | ".join(cells)
        if not any(cells):
            continue
        rows.append(line)
        words += len(line.split())
        if words >= _TABLE_BLOCK_WORDS:
            blocks.append("\n".join(rows))
            rows, words = [], 0
    if rows:
        blocks.append("\n".join(rows))
    return blocks
