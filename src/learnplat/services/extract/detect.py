"""Which kind of document a file really is, judged from its bytes rather than its name."""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePath
from typing import NamedTuple

from learnplat.errors import DocumentError, EncryptedDocument

from .decoding import decode_text
from .model import SUPPORTED_EXTENSIONS

TEXT_EXTENSIONS = {".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md"}
SUPPORTED_HINT = "supported: " + ", ".join(sorted(SUPPORTED_EXTENSIONS))
_REAL_NAMES = {"pdf": ("a PDF", "PDF", ".pdf"), "docx": ("a Word document", "DOCX", ".docx")}
_CONVERT_HINT = "export or save it as PDF or .docx, then import that"

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")

# (signature, offset, what it is, hint); checked only after PDF and ZIP.
_MAGIC: list[tuple[bytes, int, str, str | None]] = [
    (b"\x89PNG\r\n\x1a\n", 0, "a PNG image", None),
    (b"\xff\xd8\xff", 0, "a JPEG image", None),
    (b"GIF87a", 0, "a GIF image", None),
    (b"GIF89a", 0, "a GIF image", None),
    (b"II*\x00", 0, "a TIFF image", None),
    (b"MM\x00*", 0, "a TIFF image", None),
    (b"WEBP", 8, "a WebP image", None),
    (b"WAVE", 8, "a WAV audio file", None),
    (b"ID3", 0, "an MP3 audio file", None),
    (b"OggS", 0, "an Ogg media file", None),
    (b"fLaC", 0, "a FLAC audio file", None),
    (b"ftyp", 4, "an MP4/MOV media file", None),
    (b"\x1f\x8b", 0, "a gzip archive", "unpack it and import the documents inside"),
    (b"7z\xbc\xaf\x27\x1c", 0, "a 7-Zip archive", "unpack it and import the documents inside"),
    (b"Rar!\x1a\x07", 0, "a RAR archive", "unpack it and import the documents inside"),
    (b"\xfd7zXZ\x00", 0, "an xz archive", "unpack it and import the documents inside"),
    (b"\x28\xb5\x2f\xfd", 0, "a Zstandard archive", "unpack it and import the documents inside"),
    (b"\x7fELF", 0, "an ELF executable", None),
    (b"\xcf\xfa\xed\xfe", 0, "a Mach-O executable", None),
    (b"\xca\xfe\xba\xbe", 0, "a Mach-O or Java binary", None),
    (b"SQLite format 3\x00", 0, "an SQLite database", None),
    (
        _OLE2,
        0,
        "a legacy Office file (.doc/.xls/.ppt)",
        "open it in Word or LibreOffice and save it as .docx",
    ),
    (b"{\\rtf", 0, "an RTF document", "open it in Word or LibreOffice and save it as .docx"),
    (b"%!PS", 0, "a PostScript file", "convert it to PDF first"),
]

# Members that name the Office/OpenDocument formats we can recognise but not read.
_ZIP_KINDS = [
    ("xl/workbook.xml", "an Excel workbook"),
    ("ppt/presentation.xml", "a PowerPoint presentation"),
    ("content.xml", "an OpenDocument file"),
    ("META-INF/container.xml", "an EPUB e-book"),
]


class Sniffed(NamedTuple):
    """The verdict on a file: its kind, a note for the user, and its text when it is text."""

    kind: str
    warning: str | None
    text: str | None = None
    text_warning: str | None = None


def detect_kind(data: bytes, filename: str) -> tuple[str, str | None]:
    """Return (kind, warning-or-None) where kind is "pdf", "docx", "md" or "txt".

    Raises DocumentError for an empty, binary or unsupported file, naming what it really is.
    """
    sniffed = sniff(data, filename)
    return sniffed.kind, sniffed.warning


def sniff(data: bytes, filename: str) -> Sniffed:
    """Like detect_kind, but also hand back the decoded text of a text file."""
    name = PurePath(filename).name or filename
    extension = PurePath(name).suffix.lower()
    if not data:
        raise DocumentError(f"{name} is empty", hint="choose a file that has some text in it")
    header_at = data.find(b"%PDF-", 0, 1024)
    # PDF readers accept junk before the header, but a text note that merely mentions "%PDF-"
    # near its start is still a text note.
    if header_at == 0 or (header_at > 0 and not _reads_as_text(data, extension)):
        return Sniffed("pdf", _mismatch(name, extension, "pdf"))
    if data.startswith(b"PK\x03\x04"):
        _check_word_zip(data, name, extension)
        return Sniffed("docx", _mismatch(name, extension, "docx"))
    if data.startswith(_OLE2) and _ENCRYPTED_PACKAGE in data:
        # Word saves a password-protected .docx inside an OLE2 container, like a legacy .doc.
        raise EncryptedDocument(
            f"{name} is a password-protected Office document",
            hint="open it in Word, remove the password and save it again",
        )
    for signature, offset, what, hint in _MAGIC:
        if data.startswith(signature, offset):
            raise DocumentError(f"{name} is {what}, not a document", hint=hint or SUPPORTED_HINT)
    if data.startswith(b"MZ") and b"\x00" in data[:64]:
        raise DocumentError(f"{name} is a Windows executable, not a document", hint=SUPPORTED_HINT)
    decoded = decode_text(data)
    if decoded is None:
        raise _not_text(name, extension)
    if not decoded.text.strip():
        raise DocumentError(f"{name} is empty", hint="choose a file that has some text in it")
    kind = TEXT_EXTENSIONS.get(extension)
    if kind is None:
        raise _text_with_wrong_extension(name, extension)
    return Sniffed(kind, None, decoded.text, decoded.warning)


def _reads_as_text(data: bytes, extension: str) -> bool:
    return extension in TEXT_EXTENSIONS and decode_text(data) is not None


def _mismatch(name: str, extension: str, kind: str) -> str | None:
    article_name, label, proper = _REAL_NAMES[kind]
    if extension == proper:
        return None
    return f"{name} is really {article_name}: read it as {label}"


def _check_word_zip(data: bytes, name: str, extension: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise DocumentError(
            f"{name} is not a valid Word document (damaged ZIP)"
            if extension == ".docx"
            else f"{name} is a damaged ZIP archive",
            hint="save or download the file again",
        ) from error
    if "word/document.xml" in members:
        return
    what = next((label for member, label in _ZIP_KINDS if member in members), "a ZIP archive")
    wanted = "a Word document" if extension == ".docx" else "a supported document"
    hint = "unzip it and import the documents inside" if what == "a ZIP archive" else _CONVERT_HINT
    raise DocumentError(f"{name} is {what}, not {wanted}", hint=hint)


def _not_text(name: str, extension: str) -> DocumentError:
    if extension == ".docx":
        return DocumentError(
            f"{name} is not a valid Word document (damaged ZIP)",
            hint="save or download the file again",
        )
    if extension == ".pdf":
        return DocumentError(
            f"{name} is not a valid PDF (no PDF header): damaged, or another kind of file",
            hint="download or export the PDF again",
        )
    return DocumentError(f"{name} is binary data, not text", hint=SUPPORTED_HINT)


def _text_with_wrong_extension(name: str, extension: str) -> DocumentError:
    if extension in (".pdf", ".docx"):
        wanted = "a PDF" if extension == ".pdf" else "a Word document"
        return DocumentError(
            f"{name} holds plain text, not {wanted}",
            hint="rename it to .txt (or .md) to import it as text",
        )
    shown = extension or "no extension"
    return DocumentError(
        f"{name} has an unsupported type ({shown})",
        hint=SUPPORTED_HINT + " (rename a plain-text file to .txt)",
    )
