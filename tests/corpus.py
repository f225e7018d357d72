"""Builders of real test documents (PDF, DOCX, text, broken files) written into a directory."""

from __future__ import annotations

import random
import re
import textwrap
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from fpdf import FPDF

# A page is an optional heading (drawn large and bold) and a body whose paragraphs are separated
# by blank lines; a single "\n" inside a paragraph forces a line break where the test wants one.
Page = tuple[str | None, str]

_FIXED_DATE = datetime(2024, 1, 1, tzinfo=UTC)

PDF_TITLE = "Photosynthesis: A Short Textbook"
KNOWN_WORD = "quillwort"
KNOWN_WORD_PAGE = 3

DEFAULT_PAGES: list[Page] = [
    (
        "1 Introduction",
        "Plants turn light into chemical energy. This book follows that energy from the leaf "
        "to the sugar stored in the root.\n\n"
        "Each chapter ends with questions that check what you have learned.",
    ),
    (
        "2 Photosynthesis",
        "Plants use photo-\nsynthesis to make sugar from water and carbon dioxide. The process "
        "takes place in the chloroplasts of the leaf.\n\n"
        "Chlorophyll absorbs red and blue light and reflects green light.",
    ),
    (
        "2.1 Light reactions",
        f"The light reactions split water and release oxygen. The aquatic {KNOWN_WORD} was one "
        "of the first plants in which they were measured.\n\n"
        "ATP and NADPH carry the captured energy to the next stage.",
    ),
    (
        None,
        "The energy carried by ATP is spent in the stroma. Without light the carriers run out "
        "within minutes and sugar production stops.",
    ),
    (
        "3 Respiration",
        "Cells break sugar down again to release the stored energy when they need it.",
    ),
]

_WORD_POOL = (
    "the a of and to in is that cell energy light leaf plant water sugar carbon oxygen root stem "
    "membrane enzyme protein chlorophyll glucose reaction stage cycle molecule electron transport "
    "gradient pump release store absorb convert split carry form build break move slowly quickly "
    "often rarely during after before within across through between under green red blue bright "
    "dark warm cold small large inner outer first second final each"
)
_WORDS = _WORD_POOL.split()


def make_pdf(
    path: Path,
    pages: Sequence[Page] | None = None,
    *,
    title: str | None = PDF_TITLE,
    body_size: float = 11,
    page_labels: tuple[str, int] | None = None,
) -> Path:
    """Write a PDF with one page per entry of ``pages`` (default: a small textbook) and return it.

    A page whose heading is None and body is empty is left without any text. ``page_labels``
    ("D" decimal or "r" roman, first number) labels the pages as a book prints them.
    """
    _build_pdf(pages, title, body_size, page_labels).output(str(path))
    return path


def _build_pdf(
    pages: Sequence[Page] | None,
    title: str | None,
    body_size: float = 11,
    page_labels: tuple[str, int] | None = None,
) -> FPDF:
    pdf = FPDF(format="A4")
    # A fixed date keeps the output byte-identical between runs.
    pdf.set_creation_date(_FIXED_DATE)
    if title:
        pdf.set_title(title)
    for number, (heading, body) in enumerate(pages if pages is not None else DEFAULT_PAGES):
        pdf.add_page()
        if page_labels is not None and number == 0:
            pdf.set_page_label(label_style=page_labels[0], label_start=page_labels[1])
        _draw_page(pdf, heading, body, body_size)
    return pdf


def _draw_page(pdf: FPDF, heading: str | None, body: str, body_size: float) -> None:
    # Lines are wrapped here and drawn with text(): fpdf2's multi_cell is ~30x slower, and the
    # long speed-check PDF must build in a fraction of a second.
    y = _TOP_MM
    if heading:
        y = _draw_lines(pdf, [heading], y, body_size * 1.6, bold=True) + body_size * 0.4
    for paragraph in [p for p in body.split("\n\n") if p.strip()]:
        y = _draw_lines(pdf, paragraph.split("\n"), y, body_size) + body_size * 0.4


_TOP_MM = 20.0
_BOTTOM_MM = 280.0
_WIDTH_MM = 180.0


def _draw_lines(
    pdf: FPDF, pieces: list[str], y: float, size: float, *, bold: bool = False
) -> float:
    """Draw each piece wrapped to the text width; return the y below the last line."""
    pdf.set_font("Helvetica", "B" if bold else "", size)
    line_mm = size * 0.3528 * 1.3
    # Helvetica averages a little over half an em per character.
    chars_per_line = int(_WIDTH_MM / (size * 0.3528 * 0.55))
    for piece in pieces:
        for line in textwrap.wrap(piece, chars_per_line) or [""]:
            y += line_mm
            if y > _BOTTOM_MM:
                pdf.add_page()
                y = _TOP_MM + line_mm
            pdf.text(15, y, line)
    return y


def make_encrypted_pdf(path: Path, password: str, *, owner_password: str = "owner-secret") -> Path:
    """Write the default PDF encrypted with ``password`` as user password ("" opens freely)."""
    pdf = _build_pdf(None, PDF_TITLE)
    pdf.set_encryption(owner_password=owner_password, user_password=password)
    pdf.output(str(path))
    return path


IMAGE_ONLY_PAGES = (3, 4, 5, 9)
_PLATE_TEXTS = {
    1: ("Stomata", "Leaf pores open in the morning and close at noon."),
    2: ("Guard cells", "Two curved cells swell with water to open each pore."),
    6: ("Xylem", "Water climbs from the root through narrow dead tubes."),
    7: ("Phloem", "Sugar travels down to the root in living sieve cells."),
    8: ("Cuticle", "A waxy layer keeps the upper surface from drying out."),
}


def make_image_only_pages_pdf(path: Path, *, blank: Sequence[int] = ()) -> Path:
    """Write a 9-page PDF whose pages in IMAGE_ONLY_PAGES show only a picture (a scan), no text.

    Pages listed in ``blank`` (taken from IMAGE_ONLY_PAGES) are left with nothing at all, as
    LaTeX leaves the page before a chapter.
    """
    from PIL import Image

    scan = Image.new("L", (60, 80), color=120)
    pdf = _build_pdf([], "Scanned Appendix")
    for number in range(1, 10):
        pdf.add_page()
        if number in blank:
            continue
        if number in IMAGE_ONLY_PAGES:
            pdf.image(scan, x=20, y=20, w=120)
        else:
            _draw_page(pdf, *_PLATE_TEXTS[number], 11)
    pdf.output(str(path))
    return path


def make_truncated_pdf(path: Path) -> Path:
    """Write the first half of a real PDF, as an interrupted download leaves it."""
    whole = bytes(_build_pdf(None, PDF_TITLE).output())
    path.write_bytes(whole[: len(whole) // 2])
    return path


def make_pdfium_rejected_pdf(path: Path) -> Path:
    """Write the default PDF with its trailer's /Root key renamed.

    PDFium refuses such a file outright, while pypdf (not strict) finds the catalog by searching
    the objects: this is the file that exercises the pypdf fallback.
    """
    whole = bytes(_build_pdf(None, PDF_TITLE).output())
    if whole.count(b"/Root") != 1:
        raise RuntimeError("expected exactly one /Root key in the generated PDF")
    path.write_bytes(whole.replace(b"/Root", b"/Roox"))
    return path


def make_docx(path: Path, *, title: str | None = None) -> Path:
    """Write a DOCX: an intro, two heading levels, a table with a merged cell, a second chapter."""
    from docx import Document

    document = Document()
    if title is not None:
        document.core_properties.title = title
    document.add_paragraph("This guide covers how plants make and use energy.")
    document.add_heading("Photosynthesis", level=1)
    document.add_paragraph("Plants capture light in their leaves.")
    document.add_heading("Light reactions", level=2)
    document.add_paragraph("Water is split and oxygen is released.")
    table = document.add_table(rows=3, cols=3)
    for row, cells in zip(
        table.rows,
        [("Stage", "Input", "Output"), ("Light", "water", "oxygen"), ("Calvin", "CO2", "sugar")],
        strict=True,
    ):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    # A merged cell repeats in python-docx's row view; extraction must show it once.
    merged = table.add_row().cells
    merged[0].merge(merged[2])
    merged[0].text = "All stages happen in the chloroplast"
    document.add_paragraph("The table above summarises the stages.")
    document.add_heading("Calvin cycle", level=2)
    document.add_paragraph("Carbon dioxide is fixed into sugar.")
    document.add_heading("Respiration", level=1)
    document.add_paragraph("Cells release the stored energy.")
    document.save(str(path))
    return path


def make_zip_bomb_docx(path: Path, *, member_mb: int = 12) -> Path:
    """Write a .docx whose one extra member is ``member_mb`` MB of zeros (ratio about 1000:1)."""
    chunk = bytes(1024 * 1024)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        with archive.open("word/media/image1.bin", "w") as member:
            for _ in range(member_mb):
                member.write(chunk)
    return path


def make_not_zip_docx(path: Path) -> Path:
    """Write a .docx that starts like a ZIP but whose directory was never written."""
    path.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 8)
    return path


def make_plain_zip(path: Path) -> Path:
    """Write an ordinary ZIP archive of two text files (under whatever name the test picks)."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes/a.txt", "first note")
        archive.writestr("notes/b.txt", "second note")
    return path


def write_text(path: Path, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` in ``encoding``; "utf-16-le"/"utf-16-be" get their byte-order mark."""
    boms = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}
    path.write_bytes(boms.get(encoding.lower(), b"") + text.encode(encoding))
    return path


def make_binary_junk(path: Path, size: int = 4096) -> Path:
    """Write deterministic random bytes (with NULs) that match no known file type."""
    rng = random.Random(7)
    path.write_bytes(b"\x13\x37" + bytes(rng.randrange(256) for _ in range(size)))
    return path


_TOPICS = [
    "Light capture",
    "Water transport",
    "Carbon fixation",
    "Sugar storage",
    "Root uptake",
    "Leaf structure",
    "Gas exchange",
    "Electron flow",
    "Enzyme control",
    "Cell walls",
    "Seed growth",
    "Stem support",
    "Membrane pumps",
]


def long_pdf_pages(pages: int = 200, words_per_page: int = 350) -> list[Page]:
    """Deterministic textbook-like pages: a chapter heading every 10 pages, sections every 3."""
    rng = random.Random(2024)
    result: list[Page] = []
    for number in range(1, pages + 1):
        chapter, offset = divmod(number - 1, 10)
        heading: str | None = None
        if offset == 0:
            heading = f"{chapter + 1} {_TOPICS[chapter % len(_TOPICS)]} and energy"
        elif offset % 3 == 0:
            topic = _TOPICS[(chapter * 3 + offset // 3) % len(_TOPICS)]
            heading = f"{chapter + 1}.{offset // 3} {topic}"
        paragraphs = []
        remaining = words_per_page
        while remaining > 0:
            size = min(remaining, rng.randint(50, 110))
            words = [rng.choice(_WORDS) for _ in range(size)]
            paragraphs.append(words[0].capitalize() + " " + " ".join(words[1:]) + ".")
            remaining -= size
        result.append((heading, "\n\n".join(paragraphs)))
    return result


def make_long_pdf(path: Path, pages: int = 200) -> Path:
    """Write a ``pages``-page PDF of about 350 words a page with headings (for speed checks)."""
    return make_pdf(path, long_pdf_pages(pages), title="Long Textbook", body_size=9)


def make_raw_lines_pdf(path: Path, lines: Sequence[str], *, size: float = 11) -> Path:
    """Write a one-page PDF drawing each string of ``lines`` as it is, control characters and all.

    PDFium reports a drawn "\\n" or "\\r" as a lone line break inside its own text line, as it does
    for TeX fonts whose big delimiters map to control characters.
    """
    pdf = FPDF(format="A4")
    pdf.set_creation_date(_FIXED_DATE)
    pdf.add_page()
    pdf.set_font("Helvetica", "", size)
    y = _TOP_MM
    for line in lines:
        y += size * 0.3528 * 1.3
        pdf.text(15, y, line)
    pdf.output(str(path))
    return path


# The shared corpus of real documents (see its MANIFEST.md), beside the repository, never in it.
REAL_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def real_document(name: str) -> Path:
    """The path of a real document of the shared corpus; skips the test when it is not there."""
    import pytest

    path = REAL_CORPUS / name
    if not path.is_file():
        pytest.skip(f"the real-document corpus is not at {REAL_CORPUS} (needs {name})")
    return path


@dataclass
class Text:
    """One line drawn by make_laid_out_pdf: its size and style, an optional extra gap above it
    (mm), an optional shift right (mm, for centred formulas) and a bookmark placed at it."""

    text: str
    size: float = 11
    bold: bool = False
    mono: bool = False
    gap: float = 0.0
    indent: float = 0.0
    raise_mm: float = 0.0  # drawn this much higher than its line (a superscript)
    same_line: bool = False  # drawn on the line before, after it (x = indent)
    bookmark: tuple[str, int] | None = None  # (outline title, level 0 = outermost)


def make_laid_out_pdf(
    path: Path,
    pages: Sequence[Sequence[Text]],
    *,
    landscape: bool = False,
    title: str | None = None,
    creator: str | None = None,
    page_labels: tuple[str, int] | None = None,
) -> Path:
    """Write a PDF drawing each page's lines top to bottom, with bookmarks where asked.

    ``page_labels`` ("D" for decimal, "r" for roman; the first number) labels every page.
    """
    pdf = FPDF(orientation="L" if landscape else "P", format="A4")
    pdf.set_creation_date(_FIXED_DATE)
    if title:
        pdf.set_title(title)
    if creator:
        pdf.set_creator(creator)
    for number, lines in enumerate(pages):
        pdf.add_page()
        if page_labels is not None and number == 0:
            pdf.set_page_label(label_style=page_labels[0], label_start=page_labels[1])
        y = _TOP_MM
        for line in lines:
            family = "Courier" if line.mono else "Helvetica"
            pdf.set_font(family, "B" if line.bold else "", line.size)
            if not line.same_line:
                y += line.gap + line.size * 0.3528 * 1.3
            if line.bookmark is not None:
                pdf.set_y(y - line.size * 0.3528)
                pdf.start_section(*line.bookmark)
            pdf.text(15 + line.indent, y - line.raise_mm, line.text)
    pdf.output(str(path))
    return path


def make_handout_docx(path: Path, *, core_properties: bool = True) -> Path:
    """Write a handout whose headings are made by hand (bold, or larger type) rather than with
    heading styles, with bold link lines that are not headings, a bold tagline, a bulleted
    list, a quotation, a table and a Title-styled first paragraph.

    Without ``core_properties`` the file has no docProps/core.xml, as some tools write it.
    """
    from docx import Document
    from docx.shared import Pt

    document = Document()
    document.add_paragraph("Seed Dispersal Workshop", style="Title")
    document.add_paragraph("Seeds travel far from the parent plant in several ways.")
    heading = document.add_paragraph().add_run("Wind")
    heading.bold = True
    document.add_paragraph("Light seeds with wings or hairs ride the wind for kilometres.")
    links = document.add_paragraph()
    links.add_run("Seed atlas: https://example.org/seeds").bold = True
    document.add_paragraph("The atlas lists the seeds of every native tree.")
    larger = document.add_paragraph().add_run("Animals")
    larger.font.size = Pt(16)
    document.add_paragraph("Birds eat fruit and drop the seeds far away.")
    for line in ("Seeds are small", "Seeds are many"):
        document.add_paragraph().add_run(line).bold = True
    document.add_paragraph("Both help a plant spread.")
    for item in ("burrs cling to fur", "ants carry seeds home"):
        document.add_paragraph(item, style="List Bullet")
    document.add_paragraph("A seed is a baby plant in a box with its lunch.", style="Quote")
    table = document.add_table(rows=2, cols=2)
    for row, cells in zip(table.rows, [("Way", "Distance"), ("Wind", "far")], strict=True):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    document.save(str(path))
    if not core_properties:
        _drop_core_properties(path)
    return path


def _drop_core_properties(path: Path) -> None:
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members.pop("docProps/core.xml")
    rels = members["_rels/.rels"].decode()
    members["_rels/.rels"] = re.sub(r"<Relationship [^>]*core\.xml\"/>", "", rels).encode()
    types = members["[Content_Types].xml"].decode()
    members["[Content_Types].xml"] = re.sub(
        r"<Override PartName=\"/docProps/core\.xml\"[^>]*/>", "", types
    ).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)


PRINTED_OFFSET = 10  # make_printed_book_pdf: the printed page number runs this far ahead


def make_printed_book_pdf(path: Path, pages: int = 6) -> Path:
    """Write a book whose running heads print page numbers PRINTED_OFFSET ahead of the page's
    place in the file, alternating verso ("11 Plant Lore") and recto ("ch. 2 roots 12") heads.
    Page 3 mentions KNOWN_WORD."""
    laid = []
    for number in range(1, pages + 1):
        printed = number + PRINTED_OFFSET
        head = f"{printed} Plant Lore" if number % 2 else f"ch. 2 roots and leaves {printed}"
        extra = f" The aquatic {KNOWN_WORD} grows here." if number == KNOWN_WORD_PAGE else ""
        topic = _TOPICS[number % len(_TOPICS)].lower()
        laid.append(
            [
                Text(head, size=9),
                Text(f"This page is about {topic}.{extra}", gap=4),
                Text(f"Roots and leaves share the work of {topic} in every plant."),
            ]
        )
    return make_laid_out_pdf(path, laid)
