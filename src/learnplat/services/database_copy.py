"""Move a library to another database (and blob store): ``learnplat db copy --to URL``.

Files first, rows second: the originals are copied to the target's blob store (when it is not
the source's) and checked there, then every row arrives in one transaction with its count
checked (``store.copy``). Interrupted anywhere, the source is untouched and the target holds
no row; the copy can simply be run again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..errors import BadInput
from ..settings import Settings
from ..store.blobs import BlobStore, open_blob_store
from ..store.copy import copy_database, holds_learner_data, not_empty
from ..store.database import Database, open_database
from ..store.library import LibraryStore

# (what is being copied: "files" or a table, done so far, total)
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class CopyReport:
    """What arrived: the target (its password hidden), its engine, each table's rows, and the
    originals copied to its blob store (none when it shares the source's)."""

    target: str
    backend: str
    blob_store: str
    tables: dict[str, int]
    files: int
    file_bytes: int
    files_shared: bool

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


def copy_library(
    settings: Settings,
    source: Database,
    to_url: str,
    blob_store: str | None = None,
    on_progress: Progress | None = None,
) -> CopyReport:
    """Copy every profile's rows from ``source`` into the empty database at ``to_url``, and
    their originals into ``blob_store`` (default: the current one, which both then share).
    Raises BadInput (the same database, a target holding data), ConfigError (a URL or blob
    store of no known kind), StoreError (unreachable, counts differ), BlobStoreError."""
    if not to_url.strip():
        raise BadInput(
            "say where to copy to",
            hint="learnplat db copy --to postgresql://user@host/dbname",
        )
    target = open_database(to_url, settings.data_dir)
    try:
        if target.location == source.location:
            raise BadInput(
                "the target is the database learnplat is using now",
                hint="give the URL of another, empty database",
            )
        if holds_learner_data(target):
            raise not_empty(target)
        here = open_blob_store(settings.blob_store, settings.data_dir)
        there = open_blob_store(blob_store or settings.blob_store, settings.data_dir)
        shared = here.where == there.where
        files, size = (0, 0) if shared else _copy_files(source, here, there, on_progress)
        tables = copy_database(source, target, on_progress)
        return CopyReport(
            target=target.location,
            backend=target.backend,
            blob_store=there.where,
            tables=tables,
            files=files,
            file_bytes=size,
            files_shared=shared,
        )
    finally:
        target.close()


def _copy_files(
    source: Database, here: BlobStore, there: BlobStore, on_progress: Progress | None
) -> tuple[int, int]:
    """Every original a document refers to, into ``there`` (kept if it is there already),
    each checked by size; returns (files, bytes)."""
    keys = sorted(LibraryStore(source).stored_paths())
    total_bytes = 0
    for done, key in enumerate(keys, start=1):
        data = here.get(key)
        there.put(key, data)
        if there.get(key) != data:
            raise BadInput(
                f"the copy of {key} in {there.where} differs from the original",
                hint="check the blob store, then copy again",
            )
        total_bytes += len(data)
        if on_progress is not None:
            on_progress("files", done, len(keys))
    return len(keys), total_bytes


