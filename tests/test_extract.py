"""Extraction from real PDF, DOCX, Markdown and text files, as a user importing them sees it."""

from __future__ import annotations

import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import pypdfium2
import pytest

from learnplat.errors import DocumentError, EncryptedDocument
from learnplat.services.extract import (
    SUPPORTED_EXTENSIONS,
    Extracted,
    Unit,
    detect_kind,
    extract,
)
from learnplat.services.extract.pdf import pypdf_pages
from tests.corpus import (
    IMAGE_ONLY_PAGES,
    KNOWN_WORD,
    KNOWN_WORD_PAGE,
    PDF_TITLE,
    make_binary_junk,
    make_docx,
    make_encrypted_pdf,
    make_image_only_pages_pdf,
    make_long_pdf,
    make_not_zip_docx,
    make_pdf,
    make_pdfium_rejected_pdf,
    make_plain_zip,
    make_raw_lines_pdf,
    make_truncated_pdf,
    make_zip_bomb_docx,
    write_text,
)

SRC = Path(__file__).resolve().parents[1] / "src"


def read(path: Path, **options: Any) -> Extracted:
    return extract(path.read_bytes(), path.name, **options)


def refused(path: Path, error: type[DocumentError] = DocumentError, **options: Any) -> str:
    """Extract ``path`` expecting ``error``; check the message is one line naming the file."""
    with pytest.raises(error) as caught:
        read(path, **options)
    message = str(caught.value)
    assert path.name in message
    assert "\n" not in message
    assert caught.value.hint
    return message


def unit_with(extracted: Extracted, word: str) -> Unit:
    return next(unit for unit in extracted.units if word in unit.text)


# --- PDF -------------------------------------------------------------------------------------


def test_known_word_is_found_on_its_true_page(tmp_path: Path) -> None:
    book = read(make_pdf(tmp_path / "book.pdf"))
    assert (book.kind, book.unit_name, book.page_count) == ("pdf", "page", 5)
    assert book.title == PDF_TITLE
    assert unit_with(book, KNOWN_WORD).number == KNOWN_WORD_PAGE


def test_pdf_heading_is_its_own_block_and_its_path_carries_to_later_pages(tmp_path: Path) -> None:
    book = read(make_pdf(tmp_path / "book.pdf"))
    pages = {unit.number: unit for unit in book.units}
    heading, body = pages[3].blocks[0], pages[3].blocks[1]
    assert heading.is_heading and heading.text == "2.1 Light reactions"
    assert heading.heading_path == ("2 Photosynthesis", "2.1 Light reactions")
    assert body.text.startswith("The light reactions split water") and not body.is_heading
    # Page 4 has no heading of its own: it is still inside 2.1.
    assert pages[4].heading_path == ("2 Photosynthesis", "2.1 Light reactions")
    assert pages[5].heading_path == ("3 Respiration",)


def test_pdf_paragraphs_are_separate_blocks_with_wrapped_lines_joined(tmp_path: Path) -> None:
    first_page = read(make_pdf(tmp_path / "book.pdf")).units[0]
    assert [block.text for block in first_page.blocks] == [
        "1 Introduction",
        "Plants turn light into chemical energy. This book follows that energy from the leaf "
        "to the sugar stored in the root.",
        "Each chapter ends with questions that check what you have learned.",
    ]


def test_pdf_line_end_hyphenation_is_undone(tmp_path: Path) -> None:
    pages = [
        ("Terms", "Plants use photo-\nsynthesis daily. The light-\nDependent stage comes first."),
    ]
    text = read(make_pdf(tmp_path / "terms.pdf", pages)).units[0].text
    assert "Plants use photosynthesis daily." in text
    assert "light-Dependent" in text


def test_pdf_glyphs_mapped_to_line_breaks_do_not_break_reading(tmp_path: Path) -> None:
    # TeX's big delimiters map to control characters: PDFium then reports a lone "\n" or "\r"
    # inside a line, and the page must still read line by line.
    lines = ["Energy flows \x0b", "through the leaf\n and root.", "Water \r rises in the stem."]
    page = read(make_raw_lines_pdf(tmp_path / "delimiters.pdf", lines)).units[0]
    assert page.text == "Energy flows through the leaf and root. Water rises in the stem."


def test_pdf_without_title_metadata_is_titled_by_file_name(tmp_path: Path) -> None:
    assert read(make_pdf(tmp_path / "leaf notes.pdf", title=None)).title == "leaf notes"


def test_pages_without_text_are_skipped_and_listed_in_a_warning(tmp_path: Path) -> None:
    scanned = read(make_image_only_pages_pdf(tmp_path / "appendix.pdf"))
    assert scanned.page_count == 9
    numbers = [unit.number for unit in scanned.units]
    assert numbers == [n for n in range(1, 10) if n not in IMAGE_ONLY_PAGES]
    assert scanned.warnings == ["no text on pages 3–5, 9: scanned? OCR is not available"]


def test_blank_pages_are_skipped_without_a_warning(tmp_path: Path) -> None:
    # Pages 4 and 9 are empty (LaTeX's page before a chapter): blank, not scanned.
    path = make_image_only_pages_pdf(tmp_path / "appendix.pdf", blank=(4, 9))
    scanned = read(path)
    assert [unit.number for unit in scanned.units] == [1, 2, 6, 7, 8]
    assert scanned.warnings == ["no text on pages 3, 5: scanned? OCR is not available"]


def test_pdf_with_no_text_at_all_is_refused(tmp_path: Path) -> None:
    message = refused(make_pdf(tmp_path / "scan.pdf", [(None, ""), (None, "")]))
    assert message == "scan.pdf has no extractable text (scanned? OCR is not available)"


def test_encrypted_pdf_asks_for_a_password(tmp_path: Path) -> None:
    locked = make_encrypted_pdf(tmp_path / "locked.pdf", "s3cret")
    assert refused(locked, EncryptedDocument) == "locked.pdf is encrypted"
    message = refused(locked, EncryptedDocument, password="guess")
    assert message == "wrong password for locked.pdf"
    opened = read(locked, password="s3cret")
    assert unit_with(opened, KNOWN_WORD).number == KNOWN_WORD_PAGE


def test_pdf_with_only_an_owner_password_opens_without_one(tmp_path: Path) -> None:
    restricted = read(make_encrypted_pdf(tmp_path / "restricted.pdf", ""))
    assert unit_with(restricted, KNOWN_WORD).number == KNOWN_WORD_PAGE


def test_truncated_pdf_is_reported_as_damaged(tmp_path: Path) -> None:
    message = refused(make_truncated_pdf(tmp_path / "half.pdf"))
    assert message == "half.pdf is damaged or not a complete PDF (truncated?)"


def test_pdf_that_pdfium_rejects_is_read_with_pypdf(tmp_path: Path) -> None:
    path = make_pdfium_rejected_pdf(tmp_path / "no-root.pdf")
    with pytest.raises(pypdfium2.PdfiumError):
        pypdfium2.PdfDocument(path.read_bytes())
    book = read(path)
    assert book.page_count == 5
    assert unit_with(book, KNOWN_WORD).number == KNOWN_WORD_PAGE
    assert "photosynthesis" in unit_with(book, "sugar from water").text
    assert book.units[2].blocks[0].text == "2.1 Light reactions"
    assert book.units[2].blocks[0].is_heading


def test_pypdf_reader_reads_a_valid_pdf_on_its_own(tmp_path: Path) -> None:
    pages, title = pypdf_pages(make_pdf(tmp_path / "b.pdf").read_bytes(), "b.pdf", None)
    assert title == PDF_TITLE
    assert len(pages) == 5
    assert any(KNOWN_WORD in line.text for line in pages[KNOWN_WORD_PAGE - 1])


def test_library_complaints_go_to_the_log_not_the_terminal(tmp_path: Path) -> None:
    # pypdf logs warnings about the damaged trailer; in a process with no logging set up
    # Python would print them on stderr, over the terminal UI.
    path = make_pdfium_rejected_pdf(tmp_path / "no-root.pdf")
    script = (
        "import sys; from pathlib import Path; from learnplat.services.extract import extract\n"
        f"p = Path({str(path)!r}); print(len(extract(p.read_bytes(), p.name).units))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(SRC)},
        check=True,
    )
    assert done.stdout.strip() == "5"
    assert done.stderr == ""


def test_pdf_named_txt_is_read_as_pdf_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(make_pdf(tmp_path / "book.pdf").read_bytes())
    book = read(path)
    assert book.kind == "pdf"
    assert book.warnings == ["notes.txt is really a PDF: read it as PDF"]
    assert detect_kind(path.read_bytes(), "notes.txt") == (
        "pdf",
        "notes.txt is really a PDF: read it as PDF",
    )


def test_pdf_page_numbers_and_running_heads_are_dropped(tmp_path: Path) -> None:
    pages = [
        (None, f"Plant Biology Notes\n\n{body}\n\n{number}")
        for number, body in enumerate(
            [
                "Roots take up water and minerals from the soil around them.",
                "Stems carry water up and sugar down between root and leaf.",
                "Leaves catch light and exchange gases through their pores.",
                "Flowers attract pollinators with colour and with scent.",
            ],
            start=1,
        )
    ]
    notes = read(make_pdf(tmp_path / "notes.pdf", pages))
    assert [unit.text for unit in notes.units] == [
        "Roots take up water and minerals from the soil around them.",
        "Stems carry water up and sugar down between root and leaf.",
        "Leaves catch light and exchange gases through their pores.",
        "Flowers attract pollinators with colour and with scent.",
    ]


def test_pdf_bullets_and_code_keep_their_lines(tmp_path: Path) -> None:
    pages = [("Lists", "Plants need:\n\n- light\n- water\n- carbon dioxide\n\nThat is all.")]
    page = read(make_pdf(tmp_path / "lists.pdf", pages)).units[0]
    assert [block.text for block in page.blocks] == [
        "Lists",
        "Plants need:",
        "- light\n- water\n- carbon dioxide",
        "That is all.",
    ]


def test_pdfs_read_from_several_threads_at_once_stay_correct(tmp_path: Path) -> None:
    # The TUI ingests in worker threads and PDFium is not thread-safe.
    from concurrent.futures import ThreadPoolExecutor

    data = make_long_pdf(tmp_path / "long.pdf", pages=20).read_bytes()
    expected = [unit.text for unit in extract(data, "long.pdf").units]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: extract(data, "long.pdf"), range(8)))
    assert all([unit.text for unit in result.units] == expected for result in results)


def test_long_pdf_keeps_numbered_section_paths(tmp_path: Path) -> None:
    book = read(make_long_pdf(tmp_path / "long.pdf", pages=30))
    assert book.page_count == 30 and len(book.units) == 30
    assert book.units[4].heading_path == ("1 Light capture and energy", "1.1 Water transport")
    assert book.units[10].blocks[0].heading_path == ("2 Water transport and energy",)
    assert all(300 < unit.words < 400 for unit in book.units)


# --- DOCX ------------------------------------------------------------------------------------


def test_docx_sections_follow_headings_in_document_order(tmp_path: Path) -> None:
    guide = read(make_docx(tmp_path / "guide.docx"))
    assert (guide.kind, guide.unit_name, guide.title) == ("docx", "section", "Photosynthesis")
    assert guide.page_count == len(guide.units) == 5
    assert [unit.heading_path for unit in guide.units] == [
        (),
        ("Photosynthesis",),
        ("Photosynthesis", "Light reactions"),
        ("Photosynthesis", "Calvin cycle"),
        ("Respiration",),
    ]
    assert guide.units[0].text == "This guide covers how plants make and use energy."
    light = guide.units[2]
    assert [block.text for block in light.blocks] == [
        "Light reactions",
        "Water is split and oxygen is released.",
        # A table is a pipe table with a header row; the merged cell shows once.
        "| Stage | Input | Output |\n| --- | --- | --- |\n| Light | water | oxygen |\n"
        "| Calvin | CO2 | sugar |\n| All stages happen in the chloroplast |  |  |",
        "The table above summarises the stages.",
    ]
    assert light.blocks[0].is_heading and not light.blocks[2].is_heading


def test_docx_title_comes_from_its_properties(tmp_path: Path) -> None:
    assert read(make_docx(tmp_path / "g.docx", title="Plant Energy")).title == "Plant Energy"


def test_zip_bomb_docx_is_refused_before_unpacking(tmp_path: Path) -> None:
    message = refused(make_zip_bomb_docx(tmp_path / "bomb.docx"))
    assert message == "bomb.docx unpacks to 12 MB: refusing (zip bomb?)"


def test_docx_larger_than_the_unpack_limit_is_refused(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "guide.docx")
    assert "refusing (zip bomb?)" in refused(path, max_unpacked_bytes=10_000)


def test_damaged_docx_is_refused(tmp_path: Path) -> None:
    expected = "broken.docx is not a valid Word document (damaged ZIP)"
    assert refused(make_not_zip_docx(tmp_path / "broken.docx")) == expected
    half = tmp_path / "half.docx"
    half.write_bytes(make_docx(tmp_path / "whole.docx").read_bytes()[:4000])
    assert refused(half) == "half.docx is not a valid Word document (damaged ZIP)"


def test_plain_zip_named_docx_is_refused(tmp_path: Path) -> None:
    message = refused(make_plain_zip(tmp_path / "notes.docx"))
    assert message == "notes.docx is a ZIP archive, not a Word document"


def test_password_protected_docx_is_reported_as_encrypted(tmp_path: Path) -> None:
    # Word wraps an encrypted .docx in an OLE2 container holding an "EncryptedPackage" stream.
    path = tmp_path / "locked.docx"
    path.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "EncryptedPackage".encode("utf-16-le")
    )
    assert refused(path, EncryptedDocument) == "locked.docx is a password-protected Office document"


def test_other_office_zips_are_named(tmp_path: Path) -> None:
    path = tmp_path / "marks.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    assert refused(path) == "marks.docx is an Excel workbook, not a Word document"


def test_docx_under_another_name_is_read_as_docx_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "essay.pdf"
    path.write_bytes(make_docx(tmp_path / "guide.docx").read_bytes())
    essay = read(path)
    assert essay.kind == "docx"
    assert essay.warnings == ["essay.pdf is really a Word document: read it as DOCX"]


# --- text and Markdown -----------------------------------------------------------------------

NOTES = "Café notes\n\nThe café serves crème brûlée.\n"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"])
def test_text_with_a_byte_order_mark_decodes_cleanly(tmp_path: Path, encoding: str) -> None:
    notes = read(write_text(tmp_path / "notes.txt", NOTES, encoding))
    assert notes.kind == "txt" and notes.warnings == []
    assert notes.units[0].text == "Café notes\n\nThe café serves crème brûlée."


def test_windows_1252_text_decodes_with_a_warning(tmp_path: Path) -> None:
    notes = read(write_text(tmp_path / "notes.txt", NOTES, "cp1252"))
    assert "crème brûlée" in notes.units[0].text
    assert notes.warnings == ["decoded as Windows-1252 (not UTF-8): check accented letters"]


def test_text_sections_start_at_headings_and_form_feeds(tmp_path: Path) -> None:
    text = (
        "Chapter 1\n\nPlants use photo-\nsynthesis to make\nsugar.\n\nThey need light.\n\n"
        "LIGHT REACTIONS\n\nWater is split.\n\fOn a new page, oxygen leaves the leaf.\n\n"
        "Calvin cycle\n------------\nSugar is built.\n"
    )
    units = read(write_text(tmp_path / "notes.txt", text)).units
    assert [unit.heading_path for unit in units] == [
        ("Chapter 1",),
        ("LIGHT REACTIONS",),
        ("LIGHT REACTIONS",),
        ("LIGHT REACTIONS", "Calvin cycle"),
    ]
    assert [block.text for block in units[0].blocks] == [
        "Chapter 1",
        "Plants use photosynthesis to make sugar.",
        "They need light.",
    ]
    assert units[2].text == "On a new page, oxygen leaves the leaf."
    assert units[3].blocks[0].is_heading


def test_text_without_headings_is_one_section(tmp_path: Path) -> None:
    text = "Plants make sugar.\nThey use light.\n\nAnimals eat plants.\n"
    notes = read(write_text(tmp_path / "plain.text", text))
    assert notes.title == "plain"
    assert len(notes.units) == 1
    assert notes.units[0].text == "Plants make sugar. They use light.\n\nAnimals eat plants."


def test_markdown_headings_make_sections_and_inline_syntax_is_removed(tmp_path: Path) -> None:
    text = (
        "Intro before any heading.\n\n# Energy\n\nPlants use **light** and _water_ in "
        "`chloroplasts` ([guide](http://example.org)) ![a leaf](leaf.png).\n\n"
        "```python\n# a comment, not a heading\nx = 1\n```\n\n"
        "Light reactions\n---------------\n\n- split water\n- release oxygen\n\n"
        "### Deeper\n\n| Stage | Output |\n|---|---|\n| Light | oxygen |\n"
    )
    notes = read(write_text(tmp_path / "energy.md", text))
    assert (notes.kind, notes.title, notes.page_count) == ("md", "Energy", 4)
    intro, energy, light, deeper = notes.units
    assert intro.text == "Intro before any heading." and intro.heading_path == ()
    # The image's alt text is a caption of its own, not words in the sentence.
    assert [(block.kind, block.text) for block in energy.blocks[1:]] == [
        ("paragraph", "Plants use light and water in chloroplasts (guide)."),
        ("caption", "Figure: a leaf"),
        ("code", "```\n# a comment, not a heading\nx = 1\n```"),
    ]
    assert [(block.text, block.heading_path) for block in light.blocks] == [
        ("Light reactions", ("Energy", "Light reactions")),
        ("- split water\n- release oxygen", ("Energy", "Light reactions")),
    ]
    assert [(block.text, block.is_heading) for block in deeper.blocks] == [
        ("Deeper", True),
        ("| Stage | Output |\n| --- | --- |\n| Light | oxygen |", False),
    ]
    assert deeper.heading_path == ("Energy", "Light reactions", "Deeper")


def test_markdown_heading_followed_by_a_subheading_shares_its_section(tmp_path: Path) -> None:
    text = "# Energy\n## Light\n\nWater is split.\n\n## Dark\n\nSugar is made.\n"
    units = read(write_text(tmp_path / "energy.markdown", text)).units
    assert [[block.text for block in unit.blocks] for unit in units] == [
        ["Energy", "Light", "Water is split."],
        ["Dark", "Sugar is made."],
    ]
    assert units[1].heading_path == ("Energy", "Dark")


# --- what is refused -------------------------------------------------------------------------


def test_empty_files_are_refused(tmp_path: Path) -> None:
    assert refused(write_text(tmp_path / "empty.txt", "")) == "empty.txt is empty"
    assert refused(write_text(tmp_path / "blank.md", " \n\t\n")) == "blank.md is empty"
    assert refused(write_text(tmp_path / "bom.txt", "", "utf-16")) == "bom.txt is empty"


def test_binary_junk_is_refused(tmp_path: Path) -> None:
    assert refused(make_binary_junk(tmp_path / "data.txt")) == "data.txt is binary data, not text"


@pytest.mark.parametrize(
    ("content", "what"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(64), "a PNG image"),
        (b"\xff\xd8\xff\xe0" + bytes(64), "a JPEG image"),
        (b"GIF89a" + bytes(64), "a GIF image"),
        (b"\x1f\x8b\x08" + bytes(64), "a gzip archive"),
        (b"\x7fELF\x02\x01\x01" + bytes(64), "an ELF executable"),
    ],
)
def test_known_non_documents_are_named(tmp_path: Path, content: bytes, what: str) -> None:
    path = tmp_path / "photo.txt"
    path.write_bytes(content)
    assert refused(path) == f"photo.txt is {what}, not a document"


def test_legacy_word_file_suggests_saving_as_docx(tmp_path: Path) -> None:
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))
    with pytest.raises(DocumentError) as caught:
        read(path)
    assert "legacy Office file" in str(caught.value)
    assert ".docx" in (caught.value.hint or "")


@pytest.mark.parametrize("name", ["data.csv", "photo.png", "README"])
def test_text_with_an_unsupported_extension_is_refused(tmp_path: Path, name: str) -> None:
    message = refused(write_text(tmp_path / name, "a,b\n1,2\n"))
    assert "unsupported type" in message
    with pytest.raises(DocumentError) as caught:
        read(tmp_path / name)
    assert all(extension in (caught.value.hint or "") for extension in SUPPORTED_EXTENSIONS)


def test_detect_kind_reads_the_bytes_not_only_the_name(tmp_path: Path) -> None:
    assert detect_kind(b"# Title\n\nBody.\n", "notes.md") == ("md", None)
    assert detect_kind(b"Body.\n", "notes.TXT") == ("txt", None)
    docx = make_docx(tmp_path / "g.docx").read_bytes()
    assert detect_kind(docx, "g.docx") == ("docx", None)
    with pytest.raises(DocumentError):
        detect_kind(docx[:100], "g.docx")


def test_text_that_mentions_the_pdf_header_stays_text(tmp_path: Path) -> None:
    note = read(write_text(tmp_path / "formats.md", "# Formats\n\nA PDF starts with %PDF-1.7.\n"))
    assert note.kind == "md"
    assert note.units[0].blocks[1].text == "A PDF starts with %PDF-1.7."


def test_extraction_imports_no_user_interface_library() -> None:
    script = (
        "import sys, learnplat.services.extract as x\n"
        "print(sorted(m for m in ('textual', 'rich', 'typer', 'flask') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(SRC)},
        check=True,
    )
    assert done.stdout.strip() == "[]"


def test_zip_reader_refuses_without_reading_members(tmp_path: Path) -> None:
    # The bomb's declared size is what trips the check: nothing is inflated to find out.
    path = make_zip_bomb_docx(tmp_path / "bomb.docx", member_mb=12)
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo("word/media/image1.bin").file_size == 12 * 1024 * 1024
    started = time.perf_counter()
    refused(path)
    assert time.perf_counter() - started < 0.5
