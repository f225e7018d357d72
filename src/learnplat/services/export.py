"""Write lessons to files: Markdown, a Mermaid mind map, or an EPUB 3 book (standard library)."""

from __future__ import annotations

import html
import io
import os
import re
import uuid
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from ..domain.model import Lesson
from ..errors import BadInput, LearnplatError
from ..tutors.render import chapter_markdown, lesson_markdown, mermaid_mindmap, section_markdown
from .safe_text import markdown_inert

EXTENSIONS = (".md", ".markdown", ".epub")


def write_atomically(path: Path, data: bytes) -> None:
    """Write via a temp file and a rename, so a failure never leaves half a file. The file
    gets the usual permissions (0666 less the umask), like any file the user saves."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except PermissionError as exc:
        tmp.unlink(missing_ok=True)
        raise BadInput(f"cannot write {path}: permission denied") from exc
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise LearnplatError(f"cannot write {path}: {exc.strerror or exc}") from exc


def check_target(path: Path) -> None:
    """Raise BadInput when a lesson cannot be written to ``path``: an unknown extension or a
    folder that does not exist (checked before any work, so a refusal changes nothing)."""
    suffix = path.suffix.lower()
    if suffix not in EXTENSIONS:
        raise BadInput(
            f"cannot write {path.name}: unknown extension {suffix or '(none)'}",
            hint="use .md (Markdown; Mermaid mind map for --format visual) or .epub",
        )
    if not path.parent.is_dir():
        raise BadInput(f"cannot write {path}: the folder {path.parent} does not exist")


def export_lesson(lesson: Lesson, path: Path) -> Path:
    """Write ``lesson`` to ``path`` by its extension; a visual lesson's ``.md`` is a Mermaid
    mind map. Returns the path. Raises BadInput for an unknown extension or unwritable place."""
    check_target(path)
    if path.suffix.lower() == ".epub":
        write_atomically(path, epub_bytes(lesson))
    elif lesson.format == "visual" and lesson.concept_map is not None:
        title = markdown_inert(lesson.title)
        text = f"# {title}\n\n```mermaid\n{mermaid_mindmap(lesson.concept_map)}```\n"
        write_atomically(path, text.encode("utf-8"))
    else:
        # Notes may hold HTML or script links; a Markdown viewer must show them, not run them.
        write_atomically(path, markdown_inert(lesson_markdown(lesson)).encode("utf-8"))
    return path


# --- EPUB ------------------------------------------------------------------------------------

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_LIST_MARK = re.compile(r"^\s*(-|\d+\.)\s+")


def _inline(text: str) -> str:
    return _BOLD.sub(r"<strong>\1</strong>", html.escape(text, quote=False))


def markdown_to_xhtml(markdown: str) -> str:
    """The small Markdown subset our lessons use (headings, paragraphs, lists, quotes)."""
    out: list[str] = []
    for block in re.split(r"\n\s*\n", markdown.strip()):
        lines = block.splitlines()
        heading = re.match(r"^(#{1,6})\s+(.*)$", block)
        if heading and len(lines) == 1:
            level = len(heading.group(1))
            out.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
        elif all(_LIST_MARK.match(line) for line in lines):
            tag = "ol" if re.match(r"^\s*\d+\.", lines[0]) else "ul"
            items = "".join(f"<li>{_inline(_LIST_MARK.sub('', line))}</li>" for line in lines)
            out.append(f"<{tag}>{items}</{tag}>")
        elif block.startswith(">"):
            out.append(f"<blockquote><p>{_inline(block.lstrip('> '))}</p></blockquote>")
        else:
            out.append(f"<p>{_inline(' '.join(lines))}</p>")
    return "\n".join(out)


def _page(title: str, body: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">'
        f"<head><title>{html.escape(title)}</title></head><body>{body}</body></html>"
    )


def epub_bytes(lesson: Lesson) -> bytes:
    """An EPUB 3 book: one XHTML file per chapter (or per section), a nav, and the OPF."""
    if lesson.chapters:
        parts = [(c.title, chapter_markdown(i, c)) for i, c in enumerate(lesson.chapters, 1)]
    else:
        parts = [(s.heading or lesson.title, section_markdown(s)) for s in lesson.sections]
    book_id = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, lesson.title + lesson.level)}"
    modified = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    title = html.escape(lesson.title)
    manifest = "".join(
        f'<item id="c{i}" href="c{i}.xhtml" media-type="application/xhtml+xml"/>'
        for i in range(1, len(parts) + 1)
    )
    spine = "".join(f'<itemref idref="c{i}"/>' for i in range(1, len(parts) + 1))
    opf = (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f'<dc:identifier id="id">{book_id}</dc:identifier><dc:title>{title}</dc:title>'
        f'<dc:language>en</dc:language><meta property="dcterms:modified">{modified}</meta>'
        "</metadata><manifest>"
        '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>'
        f"{manifest}</manifest><spine>{spine}</spine></package>"
    )
    links = "".join(
        f'<li><a href="c{i}.xhtml">{html.escape(name)}</a></li>'
        for i, (name, _) in enumerate(parts, 1)
    )
    nav = _page(lesson.title, f'<nav epub:type="toc"><h1>{title}</h1><ol>{links}</ol></nav>')
    container = (
        '<?xml version="1.0"?><container version="1.0" '
        'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
        '<rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
        "</rootfiles></container>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as book:
            # The mimetype entry must come first and be stored uncompressed.
        book.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        book.writestr("META-INF/container.xml", container, zipfile.ZIP_DEFLATED)
        book.writestr("OEBPS/content.opf", opf, zipfile.ZIP_DEFLATED)
        book.writestr("OEBPS/nav.xhtml", nav, zipfile.ZIP_DEFLATED)
        for i, (name, markdown) in enumerate(parts, 1):
            page = _page(name, markdown_to_xhtml(markdown))
            book.writestr(f"OEBPS/c{i}.xhtml", page, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
