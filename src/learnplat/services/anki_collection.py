"""Read the notes out of an untrusted Anki package: its database opened read-only, tables only,
with rows, field sizes and time bounded, so that a crafted deck is refused instead of run."""

from __future__ import annotations

import io
import sqlite3
import tempfile
import time
import zipfile
import zlib
from collections import Counter
from pathlib import Path
from typing import IO, Any

from ..errors import DocumentError

# Newest first: Anki's default export holds collection.anki21b (zstd-compressed) and, beside it,
# a collection.anki2 whose one note only asks to update Anki; "Support older Anki versions"
# writes collection.anki21 (and the same placeholder); old Anki wrote collection.anki2 alone.
COLLECTIONS = ("collection.anki21b", "collection.anki21", "collection.anki2")
ZSTD_COLLECTION = "collection.anki21b"
MAX_NOTES = 50_000
# One note's fields, as stored: larger values are refused by SQLite itself (SQLITE_LIMIT_LENGTH)
# before they reach Python, and the note is skipped.
MAX_NOTE_BYTES = 1024 * 1024
READ_SECONDS = 5.0
# All notes' text together: never more than the file holds (text is stored as it is), and a
# file whose rows share pages (crafted) could otherwise make many rows of one page.
MAX_NOTES_TEXT = 128 * 1024 * 1024
_CHUNK = 1024 * 1024


def unpack_collection(data: bytes, name: str, max_bytes: int) -> bytes:
    """The collection database inside an .apkg, unpacked to at most ``max_bytes``.
    Raises DocumentError for a damaged or unsupported package."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            member = next((n for n in COLLECTIONS if n in names), None)
            if member is None:
                raise DocumentError(f"{name} is not an Anki package (no collection inside)")
            limit_mb = max_bytes // (1024 * 1024)
            too_large = DocumentError(f"{name}'s collection unpacks to more than {limit_mb} MB")
            if archive.getinfo(member).file_size > max_bytes:
                raise too_large
            # Read by chunks and count: the size in the zip's header (and in a zstd frame's)
            # is the packer's word.
            collection = bytearray()
            with archive.open(member) as packed:
                stream = _zstd_reader(packed, name) if member == ZSTD_COLLECTION else packed
                while chunk := stream.read(_CHUNK):
                    collection += chunk
                    if len(collection) > max_bytes:
                        raise too_large
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError,
            ValueError, OSError, _ZstdError) as exc:
        raise DocumentError(
            f"{name} is a damaged zip file ({exc})", hint="export the deck from Anki again"
        ) from exc
    return bytes(collection)


class _ZstdError(Exception):
    """zstandard's error, raised as ours so that the module is imported only when needed."""


class _ZstdStream:
    """Decompressed bytes of a zstd stream, their errors as ``_ZstdError``."""

    def __init__(self, reader: Any, error: type[Exception]) -> None:
        self._reader = reader
        self._error = error

    def read(self, size: int) -> bytes:
        try:
            return bytes(self._reader.read(size))
        except self._error as exc:
            raise _ZstdError(f"zstd: {exc}") from exc


def _zstd_reader(packed: IO[bytes], name: str) -> _ZstdStream:
    try:
        import zstandard
    except ImportError as exc:  # a dependency; only a broken install lacks it
        raise DocumentError(
            f"{name} is compressed with zstd, and the zstandard package is missing",
            hint="pip install zstandard",
        ) from exc
    reader = zstandard.ZstdDecompressor().stream_reader(packed, read_across_frames=True)
    return _ZstdStream(reader, zstandard.ZstdError)


def note_fields(collection: bytes, name: str, skipped: Counter[str]) -> list[str]:
    """The fields of every note (``flds``: fields joined by U+001F), in note order; notes that
    are not text or are larger than 1 MB are counted in ``skipped``.

    Raises DocumentError for a database that is not an Anki collection, holds views or
    triggers, has more than 50,000 notes, or takes longer than 5 s to read."""
    with tempfile.TemporaryDirectory(prefix="learnplat-deck-") as folder:
        copy = Path(folder) / "collection.sqlite"
        copy.write_bytes(collection)
        try:
            conn = sqlite3.connect(f"{copy.as_uri()}?mode=ro&immutable=1", uri=True)
        except sqlite3.Error as exc:
            raise DocumentError(f"{name}'s collection cannot be opened: {exc}") from exc
        try:
            _harden(conn)
            return _read_notes(conn, name, skipped, min(len(collection), MAX_NOTES_TEXT))
        except sqlite3.Error as exc:
            reason = "it took too long to read" if "interrupted" in str(exc) else str(exc)
            raise DocumentError(
                f"{name}'s collection cannot be read: {reason}",
                hint="is it an Anki deck? export it from Anki again",
            ) from exc
        finally:
            conn.close()


def _harden(conn: sqlite3.Connection) -> None:
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_NOTE_BYTES)
    # Functions named in the file's schema are not run, and corrupt pages are caught early.
    conn.execute("PRAGMA trusted_schema = OFF")
    conn.execute("PRAGMA cell_size_check = ON")
    conn.execute("PRAGMA query_only = ON")
    conn.execute("PRAGMA cache_size = -8000")  # KiB
    deadline = time.monotonic() + READ_SECONDS
    conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)


def _read_notes(
    conn: sqlite3.Connection, name: str, skipped: Counter[str], budget: int
) -> list[str]:
    objects = conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE type IN ('view', 'trigger')"
        " OR name = 'notes' COLLATE NOCASE"
    ).fetchall()
    hostile = sorted({kind for kind, _name, _sql in objects if kind in ("view", "trigger")})
    if hostile:
        raise DocumentError(
            f"{name} is not a plain Anki collection: it holds {' and '.join(hostile)}s",
            hint="Anki never writes these; export the deck from Anki again",
        )
    notes = [sql or "" for kind, _name, sql in objects if kind == "table"]
    columns = (
        {row[1].lower(): row[6] for row in conn.execute("PRAGMA table_xinfo(notes)")}
        if len(notes) == 1 and notes[0].lstrip()[:12].upper() == "CREATE TABLE"
        else {}
    )
    # hidden 0: a stored column, not one computed by an expression of the file's choosing.
    if columns.get("id") != 0 or columns.get("flds") != 0:
        raise DocumentError(
            f"{name} is not an Anki collection (no plain notes table with id and flds)"
        )
    rowids = [
        row[0]
        for row in conn.execute("SELECT rowid FROM notes ORDER BY id LIMIT ?", (MAX_NOTES + 1,))
    ]
    if len(rowids) > MAX_NOTES:
        raise DocumentError(
            f"{name} has more than {MAX_NOTES:,} notes; the limit is {MAX_NOTES:,}",
            hint="split the deck in Anki and import the parts",
        )
    fields: list[str] = []
    for rowid in rowids:
        try:
            row = conn.execute("SELECT flds FROM notes WHERE rowid = ?", (rowid,)).fetchone()
        except sqlite3.DataError:  # larger than SQLITE_LIMIT_LENGTH
            skipped[f"note larger than {MAX_NOTE_BYTES // 1024:,} KB"] += 1
            continue
        if row is None or not isinstance(row[0], str):
            skipped["note fields not text"] += 1
            continue
        budget -= len(row[0])
        if budget < 0:
            raise DocumentError(
                f"{name}'s notes hold more text than its collection file can: it is damaged",
                hint="export the deck from Anki again",
            )
        fields.append(row[0])
    return fields
