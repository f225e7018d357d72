"""The one entry point: read a file's bytes into an Extracted document of numbered units."""

from __future__ import annotations

from pathlib import PurePath

from learnplat.errors import DocumentError

from .detect import sniff
from .docx import read_docx
from .markdown import read_markdown
from .model import Extracted, Unit
from .pdf import read_pdf
from .text import read_txt
from .transcript import unpunctuated

DEFAULT_MAX_UNPACKED_BYTES = 200 * 1024 * 1024


def extract(
    data: bytes,
    filename: str,
    *,
    password: str | None = None,
    max_unpacked_bytes: int = DEFAULT_MAX_UNPACKED_BYTES,
) -> Extracted:
    """Read ``data`` (the bytes of ``filename``) by its real type into pages or sections.

    Returns an Extracted whose units all hold text; notes for the user are in ``warnings``.
    Raises EncryptedDocument for a locked PDF without (or with a wrong) password, and
    DocumentError for an empty, damaged, unsupported or textless file.
    """
    name = PurePath(filename).name or filename
    stem = PurePath(name).stem or name
    sniffed = sniff(data, name)
    notes = [note for note in (sniffed.warning, sniffed.text_warning) if note]
    if sniffed.kind == "pdf":
        result = read_pdf(data, name, password)
    elif sniffed.kind == "docx":
        units, title = read_docx(data, name, max_unpacked_bytes)
        result = _sections("docx", units, title)
    elif sniffed.kind == "md":
        units, title = read_markdown(sniffed.text or "")
        result = _sections("md", units, title)
    else:
        units, title = read_txt(sniffed.text or "")
        result = _sections("txt", units, title)
        if unpunctuated(sniffed.text or ""):
            notes.append(
                "it has almost no full stops (an automatic transcript?): lessons, answers and "
                "quizzes are made of sentences, so add punctuation or use a punctuated transcript"
            )
    if not result.units:
        raise DocumentError(
            f"{name} has no text to import", hint="check that the right file was chosen"
        )
    result.title = result.title or stem
    result.warnings = notes + result.warnings
    return result


def _sections(kind: str, units: list[Unit], title: str | None) -> Extracted:
    return Extracted(kind, "section", title or "", units, [], len(units))
