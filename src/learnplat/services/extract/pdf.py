"""PDF reader: PDFium for text and line geometry, pypdf as the fallback for files PDFium rejects."""

from __future__ import annotations

import codecs
import ctypes
import functools
import io
import itertools
import math
import multiprocessing
import os
import re
import sys
import threading
import warnings
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

from learnplat.errors import DocumentError, EncryptedDocument

from .cleanup import clean_text, compress_ranges, normalise_newlines, squash
from .logs import log
from .mathtext import PRIVATE_USE
from .model import Extracted
from .pdflines import Line
from .pdfmarks import MarkState, glued_marks, raised, without_spans
from .pdfoutline import OutlineEntry
from .pdfpages import PdfSource, build_document

_HYPHEN_MARKS = re.compile("[\x02\ufffe]")
_WORD_CHAR = re.compile(r"\w")
_LONE_BREAK = re.compile(r"[\r\n]")
# Font names are the only reliable sign of weight and pitch in many PDFs (TeX's CMBX, CMTT).
_BOLD_NAME = re.compile(rb"bold|black|heavy|semibold|demi|cmbx", re.I)
_MONO_NAME = re.compile(rb"mono|courier|consol|typewriter|code|cmtt|inconsolata", re.I)
_GUTENBERG_LABEL = re.compile(
    r"^(?:the\s+)?project\s+gutenberg(?:'s)?\s+e?-?(?:book|text)\s*(?:#\s*\d+)?\s*(?::|,|of)?\s*",
    re.I,
)
_SLIDE_MAKERS = re.compile(r"beamer|keynote|powerpoint|impress|slides", re.I)
# Destination view modes that give the top of the view, and where in the view it sits:
# XYZ (left, top, zoom), FitH (top), FitBH (top).
_TOP_VIEWS = {1: 1, 3: 0, 7: 0}
# A long PDF is read by up to this many processes, each with a run of at least so many pages:
# forking one costs about what reading twenty pages does.
MAX_WORKERS, PAGES_PER_WORKER = 4, 40
_FORCE_BOLD_FLAG = 1 << 18
_FIXED_PITCH_FLAG = 1

# PDFium is not thread-safe, nor is swapping the warnings filters, and the TUI ingests from
# worker threads: one PDF at a time.
_PDF_LOCK = threading.Lock()


class _Rejected(Exception):
    """PDFium could not open the file for a reason other than its password."""


def read_pdf(data: bytes, name: str, password: str | None) -> Extracted:
    """Read every page of a PDF; raises EncryptedDocument or DocumentError."""
    with _PDF_LOCK, _warnings_to_log():
        try:
            source = _pdfium_source(data, name, password)
        except _Rejected as error:
            log.info("PDFium rejected %s (%s); trying pypdf", name, error)
            source = _pypdf_source(data, name, password)
    document = build_document(source)
    if not document.units:
        raise DocumentError(
            f"{name} has no extractable text (scanned? OCR is not available)",
            hint="run OCR on it first (for example with ocrmypdf) and import the result",
        )
    notes = []
    if document.pictures:
        plural = "s" if len(document.pictures) > 1 else ""
        pages = compress_ranges(document.pictures)
        notes.append(f"no text on page{plural} {pages}: scanned? OCR is not available")
    return Extracted("pdf", "page", document.title, document.units, notes, len(source.pages))


@contextmanager
def _warnings_to_log() -> Iterator[None]:
    """Send Python warnings raised by the PDF libraries to the log instead of the terminal."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for warning in caught:
        log.warning("%s: %s", warning.category.__name__, warning.message)


def _pdfium_source(data: bytes, name: str, password: str | None) -> PdfSource:
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        document = pdfium.PdfDocument(data, password=password)
    except pdfium.PdfiumError as error:
        if error.err_code == pdfium_c.FPDF_ERR_PASSWORD:
            raise _password_error(name, password) from error
        raise _Rejected(str(error)) from error
    try:
        source = PdfSource([], _clean_title(document.get_metadata_value("Title")))
        source.deck = any(
            _SLIDE_MAKERS.search(document.get_metadata_value(key) or "")
            for key in ("Creator", "Producer")
        )
        for index, (lines, wide, pictured) in enumerate(_all_pages(document, data, name, password)):
            source.pages.append(lines)
            source.landscape += wide
            if pictured:
                source.pictures.add(index + 1)
        source.labels = [document.get_page_label(index) or "" for index in range(len(document))]
        source.outline = _bookmarks(document, name)
    finally:
        document.close()
    return source


_Page = tuple[list[Line], bool, bool]


def _all_pages(document: Any, data: bytes, name: str, password: str | None) -> list[_Page]:
    """Every page's lines, whether it is wide, and whether it shows a picture without text.

    PDFium spends most of a book's reading time laying out each page's text, and it may not be
    called from two threads at once: a long PDF is read by forked processes, a run of pages
    each, while this one reads the first run. Where no process can be forked, or one fails, the
    pages are read here, one after another.
    """
    count = len(document)
    workers = _workers_for(count)
    if workers < 2:
        return _read_pages(document, name, 0, count)
    bounds = [count * part // workers for part in range(workers + 1)]
    context = multiprocessing.get_context("fork")
    try:
        with ProcessPoolExecutor(workers - 1, mp_context=context) as pool:
            runs = [
                pool.submit(_read_run, data, name, password, start, stop)
                for start, stop in itertools.pairwise(bounds[1:])
            ]
            pages = _read_pages(document, name, bounds[0], bounds[1])
            for run in runs:
                pages += [
                    ([Line(*fields) for fields in lines], wide, pictured)
                    for lines, wide, pictured in run.result()
                ]
    except Exception as error:  # a fork refused, a worker killed: the pages are still readable
        log.warning("reading %s in parallel failed (%r); reading it page by page", name, error)
        return _read_pages(document, name, 0, count)
    return pages


def _workers_for(pages: int) -> int:
    """How many processes read a PDF of ``pages`` pages: one per core, each with a run of at
    least ``PAGES_PER_WORKER`` pages; one where forking is not safe (only Linux forks cleanly
    a process that runs threads and C libraries)."""
    if not sys.platform.startswith("linux"):
        return 1
    cores = len(os.sched_getaffinity(0))
    return max(1, min(cores, MAX_WORKERS, pages // PAGES_PER_WORKER))


def _read_run(
    data: bytes, name: str, password: str | None, start: int, stop: int
) -> list[tuple[list[tuple[str, float, float, float, bool, bool, int, bool]], bool, bool]]:
    """In a worker process: pages ``start`` to ``stop`` of the PDF, read from its bytes, each
    line as a tuple of its fields (a tenth of the cost of pickling the lines themselves)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data, password=password)
    try:
        pages = _read_pages(document, name, start, stop)
    finally:
        document.close()
    return [([line.fields() for line in lines], wide, pictured) for lines, wide, pictured in pages]


def _read_pages(document: Any, name: str, start: int, stop: int) -> list[_Page]:
    """Pages ``start`` to ``stop``. The page before ``start`` is read first, unkept: a footnote
    mark may be defined on the page before the one using it (``MarkState``)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    marks = MarkState()
    pages: list[_Page] = []
    for index in range(max(0, start - 1), stop):
        try:
            page = _page_lines(document, index, pdfium_c, marks)
        except pdfium.PdfiumError as error:
            # One broken page must not sink the book: it is reported as a page without text.
            if index >= start:
                log.warning("PDFium could not read page %d of %s: %s", index + 1, name, error)
            page = [], False, True
        if index >= start:
            pages.append(page)
    return pages


def _page_lines(
    document: Any, index: int, pdfium_c: Any, marks: MarkState
) -> tuple[list[Line], bool, bool]:
    """The page's lines, whether it is wider than tall, and (when it has no text) whether it
    shows a picture: a scan, where a page with neither is merely blank.

    Pages and text pages are opened and closed through the bare API: pypdfium2's wrappers
    (a finalizer and a parent link each) cost about a tenth of reading a page.
    """
    import pypdfium2 as pdfium

    page = pdfium_c.FPDF_LoadPage(document.raw, index)
    if not page:
        raise pdfium.PdfiumError("Failed to load page.")
    try:
        wide = pdfium_c.FPDF_GetPageWidthF(page) > pdfium_c.FPDF_GetPageHeightF(page)
        textpage = pdfium_c.FPDFText_LoadPage(page)
        if not textpage:
            raise pdfium.PdfiumError("Failed to load text page.")
        try:
            lines = _textpage_lines(textpage, pdfium_c, marks)
        finally:
            pdfium_c.FPDFText_ClosePage(textpage)
    finally:
        pdfium_c.FPDF_ClosePage(page)
    if lines:
        return lines, wide, False
    wrapped = document[index]
    try:
        pictured = any(
            True for _ in wrapped.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3)
        )
    finally:
        wrapped.close()
    return lines, wide, pictured


def _page_text(textpage: Any, pdfium_c: Any) -> tuple[str, int]:
    """The text page's text (as pypdfium2's get_text_range gives it) and its character count.

    Characters PDFium leaves out of the text at either end are skipped first, or it may read
    past the range (crbug.com/pdfium/2079).
    """
    import pypdfium2 as pdfium

    count = pdfium_c.FPDFText_CountChars(textpage)
    if count == -1:
        raise pdfium.PdfiumError("Failed to get character count.")
    first, last = 0, count - 1
    text_index = pdfium_c.FPDFText_GetTextIndexFromCharIndex
    while first <= last and text_index(textpage, first) == -1:
        first += 1
    while first <= last and text_index(textpage, last) == -1:
        last -= 1
    if first > last:
        return "", count
    size = text_index(textpage, last) + 2 - text_index(textpage, first)  # with the final NUL
    buffer = (ctypes.c_ushort * size)()
    written = pdfium_c.FPDFText_GetText(textpage, first, last - first + 1, buffer)
    return codecs.decode(memoryview(buffer)[: written - 1], "utf-16-le", errors="ignore"), count


def _bookmarks(document: Any, name: str) -> list[OutlineEntry]:
    """The outline (bookmarks) as entries with their target page and top; [] on any trouble."""
    entries: list[OutlineEntry] = []
    try:
        for bookmark in document.get_toc(max_depth=8):
            title = squash(clean_text(bookmark.get_title() or ""))
            destination = bookmark.get_dest()
            page = destination.get_index() if destination is not None else None
            top = None
            if destination is not None:
                mode, view = destination.get_view()
                if mode in _TOP_VIEWS and len(view) > _TOP_VIEWS[mode] and view[_TOP_VIEWS[mode]]:
                    top = float(view[_TOP_VIEWS[mode]])
            if title:
                entries.append(
                    OutlineEntry(title, bookmark.level + 1, page, top, bookmark.get_count() != 0)
                )
    except Exception as error:  # a broken outline must not stop the text from being read
        log.warning("PDFium could not read the outline of %s: %r", name, error)
        return []
    return entries


def _textpage_lines(textpage: Any, pdfium_c: Any, marks: MarkState) -> list[Line]:
    """Split the page text at PDFium's line breaks; read position and font of each line's start.
    Footnote marks glued to a word are left out of the text."""
    text, count = _page_text(textpage, pdfium_c)
    if not text or text.isspace():
        return []
    # When every character maps to one of the text, positions index both; otherwise ask PDFium.
    same_indexing = len(text) == count
    to_char, get_origin, get_size, get_matrix, get_font, get_weight = _char_queries(pdfium_c)
    x, y, flags = ctypes.c_double(), ctypes.c_double(), ctypes.c_int()
    x_ref, y_ref, flags_ref = ctypes.byref(x), ctypes.byref(y), ctypes.byref(flags)
    handle = textpage
    kept_text = text
    spans = glued_marks(text, marks)
    if spans:

        def char_at(position: int) -> int:
            return position if same_indexing else to_char(handle, position)

        def size(position: int) -> float:
            char = char_at(position)
            return get_size(handle, char) if char >= 0 else 0.0

        def baseline(position: int) -> float | None:
            char = char_at(position)
            return y.value if char >= 0 and get_origin(handle, char, x_ref, y_ref) else None

        spans = [(start, end) for start, end in spans if raised(size, baseline, start, end)]
        kept_text = without_spans(text, spans)
    raw_lines = text.split("\r\n")
    kept_lines = kept_text.split("\r\n") if spans else raw_lines
    joined = "\n".join(kept_lines)
    if joined.count("\n") >= len(kept_lines) or "\r" in joined:
        # A glyph mapped to a lone "\n" or "\r" (TeX's big delimiters) is not a line break.
        joined = "\n".join(_LONE_BREAK.sub(" ", line) for line in kept_lines)
    cleaned_lines = clean_text(joined).split("\n")
    # Private-use glyphs (math fonts' brackets) are dropped by cleaning; note where they were.
    private = not text.isascii() and PRIVATE_USE.search(text) is not None
    hyphens = "\x02" in text or "\ufffe" in text
    matrix = pdfium_c.FS_MATRIX()
    matrix_ref = ctypes.byref(matrix)
    font_name = ctypes.create_string_buffer(64)
    font_name_size = ctypes.c_ulong(64)
    lines: list[Line] = []
    position = 0
    for raw_line, cleaned in zip(raw_lines, cleaned_lines, strict=True):
        # Probe the first letter or digit: a bullet glyph has its own font, size and baseline.
        if raw_line[:1].isalnum():  # a word character: the usual start needs no search
            start = position
        else:
            first_word = _WORD_CHAR.search(raw_line)
            start = position + (first_word.start() if first_word else 0)
        position += len(raw_line) + 2
        cleaned = squash(cleaned)
        if not cleaned:
            continue
        line = Line(cleaned, math=private and PRIVATE_USE.search(raw_line) is not None)
        if hyphens and ("\x02" in raw_line or "\ufffe" in raw_line):
            line.joins = len(_HYPHEN_MARKS.findall(raw_line))
        char = start if same_indexing else to_char(handle, start)
        if char >= 0 and get_origin(handle, char, x_ref, y_ref):
            line.x, line.y = x.value, y.value
            line.size = get_size(handle, char)
            # Some producers (Keynote) set every font at size 1 and scale it with the matrix.
            if get_matrix(handle, char, matrix_ref) and abs(matrix.d) != 1:
                line.size *= math.hypot(matrix.c, matrix.d)
            get_font(handle, char, font_name, font_name_size, flags_ref)
            bold_name, mono_name = _font_kind(font_name.value)
            line.bold = bold_name or bool(flags.value & _FORCE_BOLD_FLAG)
            line.bold = line.bold or get_weight(handle, char) >= 600
            line.mono = mono_name or bool(flags.value & _FIXED_PITCH_FLAG)
        lines.append(line)
    return lines


@functools.cache
def _char_queries(pdfium_c: Any) -> tuple[Any, ...]:
    """PDFium's per-character queries, called without ctypes' per-argument conversion: a line
    costs five of them, and the conversion took twice as long as PDFium's answer. Every
    argument is passed already in its C type (a handle, a C int index, byrefs, a c_ulong)."""
    functions = (
        pdfium_c.FPDFText_GetCharIndexFromTextIndex,
        pdfium_c.FPDFText_GetCharOrigin,
        pdfium_c.FPDFText_GetFontSize,
        pdfium_c.FPDFText_GetMatrix,
        pdfium_c.FPDFText_GetFontInfo,
        pdfium_c.FPDFText_GetFontWeight,
    )
    return tuple(
        ctypes.cast(function, ctypes.CFUNCTYPE(function.restype)) for function in functions
    )


@functools.lru_cache(maxsize=256)
def _font_kind(name: bytes) -> tuple[bool, bool]:
    """Whether a font's name says bold, and whether it says fixed-pitch."""
    return _BOLD_NAME.search(name) is not None, _MONO_NAME.search(name) is not None


def pypdf_pages(data: bytes, name: str, password: str | None) -> tuple[list[list[Line]], str]:
    """Read page text with pypdf (text only, no geometry); raises DocumentError when it fails too.

    Public so the fallback can be checked directly on any PDF.
    """
    source = _pypdf_source(data, name, password)
    return source.pages, source.title


def _pypdf_source(data: bytes, name: str, password: str | None) -> PdfSource:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(password or ""):
            raise _password_error(name, password)
        source = PdfSource([], _clean_title(reader.metadata.title if reader.metadata else None))
        for number, page in enumerate(reader.pages, start=1):
            try:
                text = page.extract_text() or ""
            except Exception as error:  # pypdf raises many types on a broken content stream
                log.warning("pypdf could not read page %d of %s: %r", number, name, error)
                text = ""
            lines = (squash(clean_text(line)) for line in normalise_newlines(text).split("\n"))
            source.pages.append([Line(line) for line in lines if line])
            if not source.pages[-1] and _shows_images(page):
                source.pictures.add(number)
        source.labels = _pypdf_labels(reader)
    except EncryptedDocument:
        raise
    except Exception as error:  # pypdf raises many types on broken files
        log.warning("pypdf could not read %s: %r", name, error)
        raise DocumentError(
            f"{name} is damaged or not a complete PDF (truncated?)",
            hint="download or export the PDF again",
        ) from error
    return source


def _shows_images(page: Any) -> bool:
    try:
        return bool(page.images)
    except Exception:  # an unreadable resource: report the page rather than hide it
        return True


def _pypdf_labels(reader: Any) -> list[str]:
    try:
        return [str(label) for label in reader.page_labels]
    except Exception:  # a broken /PageLabels tree: no labels
        return []


def _password_error(name: str, password: str | None) -> EncryptedDocument:
    if password is None:
        return EncryptedDocument(f"{name} is encrypted", hint="pass --password")
    return EncryptedDocument(
        f"wrong password for {name}", hint="check the password (it is case-sensitive)"
    )


def _clean_title(raw: str | None) -> str:
    """Metadata titles are often the producer's leftovers: drop "Microsoft Word - x.docx" noise
    and a Project Gutenberg label ("The Project Gutenberg eBook #41568: …")."""
    title = squash(clean_text(raw or ""))
    title = re.sub(r"^microsoft (?:word|powerpoint) - ", "", title, flags=re.I)
    title = _GUTENBERG_LABEL.sub("", title).rstrip(".") if "utenberg" in title else title
    if re.fullmatch(r"(?:untitled.*|.+\.(?:docx?|pptx?|pdf|tex|indd|odt))", title, re.I):
        return ""
    return title
