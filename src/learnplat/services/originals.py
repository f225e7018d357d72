"""Copies of ingested files (``originals/`` in the blob store), whose life follows the
database's documents."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..store.blobs import TEMP_PREFIX, BlobStore, age_s
from ..store.library import LibraryStore

# A file nothing refers to may be an ingest's that has not committed yet (written before its
# transaction), or a temporary copy still being written: only older ones are swept.
ORPHAN_GRACE_S = 3600
ORPHAN_GRACE_WORDS = "an hour"
FOLDER = "originals/"
_PLAIN_SUFFIX = re.compile(r"\.[a-z0-9]{1,10}")


@dataclass(frozen=True)
class Orphans:
    """Blobs under ``originals/`` no document refers to: ``old`` ones' keys (past the grace
    period) and how many ``young`` ones were left alone."""

    old: tuple[str, ...]
    old_bytes: int
    young: int
    files: int  # every blob under originals/
    total_bytes: int


class Originals:
    """The blob store's copies of ingested files, one per content (sha256 and suffix), shared
    by every profile that ingested those bytes.

    A copy is written before its document's transaction and made sure of again inside it, once
    the document row holds the write lock; it is removed only under the write lock, when no
    document refers to it. So a document never lacks its file, however processes interleave,
    and a ``kill -9`` can at worst leave a file no document uses, which ``sweep`` removes.
    """

    def __init__(self, store: LibraryStore, blobs: BlobStore) -> None:
        self.store = store
        self.blobs = blobs
        self.where = f"{blobs.where.rstrip('/')}/{FOLDER.rstrip('/')}"

    @staticmethod
    def stored_path(sha256: str, suffix: str) -> str:
        """The key of the bytes with ``sha256`` (a path relative to the data dir when the
        blobs are local): with the file's extension when it is a plain word (the type comes
        from the bytes, so a PDF named "paper.\\xff" is kept, without an extension no
        database or terminal could take)."""
        suffix = suffix.lower()
        if _PLAIN_SUFFIX.fullmatch(suffix) is None:
            suffix = ""
        return f"{FOLDER}{sha256[:2]}/{sha256}{suffix}"

    def keep(self, data: bytes, stored_path: str) -> None:
        """Store ``data`` under ``stored_path`` unless it is there (whole or not at all).
        Raises OSError (a full disk, say) or BlobStoreError."""
        self.blobs.put(stored_path, data)

    def release(self, stored_path: str) -> bool:
        """Remove the copy at ``stored_path`` if no document refers to it, deciding and
        removing under the write lock; return whether it was removed."""
        with self.store.references_held(stored_path) as references:
            if references:
                return False
            self.blobs.delete(stored_path)
            return True

    def orphans(self, grace_s: float = ORPHAN_GRACE_S) -> Orphans:
        """The copies under ``originals/`` that no document refers to, old and young."""
        return self._scan(grace_s)[0]

    def sweep(self, grace_s: float = ORPHAN_GRACE_S) -> Orphans:
        """Remove the old orphans, each checked again under the write lock (an ingest may have
        taken it up meanwhile); return what was found, ``old`` being what was removed."""
        found, sizes = self._scan(grace_s)
        removed: list[str] = []
        removed_bytes = 0
        for key in found.old:
            if self._remove_unused(key):
                removed.append(key)
                removed_bytes += sizes[key]
        return Orphans(tuple(removed), removed_bytes, found.young, found.files, found.total_bytes)

    def _scan(self, grace_s: float) -> tuple[Orphans, dict[str, int]]:
        """The orphans, and the size of each old one."""
        used = self.store.stored_paths()
        old: dict[str, int] = {}
        young = files = total = 0
        for blob in self.blobs.list(FOLDER):
            files += 1
            total += blob.size
            if blob.key in used:
                continue
            if age_s(blob) < grace_s:
                young += 1
            else:
                old[blob.key] = blob.size
        return Orphans(tuple(old), sum(old.values()), young, files, total), old

    def _remove_unused(self, key: str) -> bool:
        if key.rsplit("/", 1)[-1].startswith(TEMP_PREFIX):  # no document refers to a temp copy
            self.blobs.delete(key)
            return True
        return self.release(key)
