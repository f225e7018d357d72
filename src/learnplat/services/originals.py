"""Copies of ingested files (``originals/``), whose life follows the database's documents."""

from __future__ import annotations

import os
import re
import stat
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .. import paths
from ..store.library import LibraryStore

# A file nothing refers to may be an ingest's that has not committed yet (written before its
# transaction), or a temporary copy still being written: only older ones are swept.
ORPHAN_GRACE_S = 3600
ORPHAN_GRACE_WORDS = "an hour"
TEMP_PREFIX = ".ingest-"
_PLAIN_SUFFIX = re.compile(r"\.[a-z0-9]{1,10}")


@dataclass(frozen=True)
class Orphans:
    """Files under ``originals/`` no document refers to: ``old`` ones (past the grace period)
    and how many ``young`` ones were left alone."""

    old: tuple[Path, ...]
    old_bytes: int
    young: int
    files: int  # every file under originals/
    total_bytes: int


class Originals:
    """The data dir's copies of ingested files, one per content (sha256 and suffix), shared by
    every profile that ingested those bytes.

    A copy is written before its document's transaction and made sure of again inside it, once
    the document row holds the write lock; it is removed only under the write lock, when no
    document refers to it. So a document never lacks its file, however processes interleave,
    and a ``kill -9`` can at worst leave a file no document uses, which ``sweep`` removes.
    """

    def __init__(self, store: LibraryStore, data_dir: Path) -> None:
        self.store = store
        self.data_dir = data_dir
        self.root = paths.originals_dir(data_dir)

    @staticmethod
    def stored_path(sha256: str, suffix: str) -> str:
        """Where the bytes with ``sha256`` are kept, relative to the data dir: with the file's
        extension when it is a plain word (the type comes from the bytes, so a PDF named
        "paper.\\xff" is kept, without an extension no database or terminal could take)."""
        suffix = suffix.lower()
        if _PLAIN_SUFFIX.fullmatch(suffix) is None:
            suffix = ""
        return (Path("originals") / sha256[:2] / f"{sha256}{suffix}").as_posix()

    def keep(self, data: bytes, stored_path: str) -> None:
        """Write ``data`` to ``stored_path`` unless it is there (temporary file, then an atomic
        rename: a reader never sees half a file). Raises OSError (a full disk, say)."""
        target = self.data_dir / stored_path
        if target.exists():
            return
        paths.private_dir(self.root)
        paths.private_dir(target.parent)
        # mkstemp makes the file 0600 whatever the umask: it may hold a decrypted PDF's bytes.
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=TEMP_PREFIX)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp_name, target)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise

    def release(self, stored_path: str) -> bool:
        """Remove the file at ``stored_path`` if no document refers to it, deciding and removing
        under the write lock; return whether it was removed."""
        with self.store.references_held(stored_path) as references:
            if references:
                return False
            (self.data_dir / stored_path).unlink(missing_ok=True)
            return True

    def orphans(self, grace_s: float = ORPHAN_GRACE_S) -> Orphans:
        """The files under ``originals/`` that no document refers to, old and young."""
        used = self.store.stored_paths()
        now = time.time()
        old: list[Path] = []
        old_bytes = young = files = total = 0
        for path in sorted(self.root.glob("*/*")) if self.root.is_dir() else ():
            try:
                info = path.lstat()
            except FileNotFoundError:  # removed meanwhile
                continue
            if not stat.S_ISREG(info.st_mode):
                continue
            files += 1
            total += info.st_size
            if path.relative_to(self.data_dir).as_posix() in used:
                continue
            if now - info.st_mtime < grace_s:
                young += 1
            else:
                old.append(path)
                old_bytes += info.st_size
        return Orphans(tuple(old), old_bytes, young, files, total)

    def sweep(self, grace_s: float = ORPHAN_GRACE_S) -> Orphans:
        """Remove the old orphans, each checked again under the write lock (an ingest may have
        taken it up meanwhile); return what was found, ``old`` being what was removed."""
        found = self.orphans(grace_s)
        removed: list[Path] = []
        removed_bytes = 0
        for path in found.old:
            size = _size(path)
            if self._remove_unused(path):
                removed.append(path)
                removed_bytes += size
        return Orphans(tuple(removed), removed_bytes, found.young, found.files, found.total_bytes)

    def _remove_unused(self, path: Path) -> bool:
        if path.name.startswith(TEMP_PREFIX):  # no document ever refers to a temporary copy
            path.unlink(missing_ok=True)
            return True
        return self.release(path.relative_to(self.data_dir).as_posix())


def _size(path: Path) -> int:
    try:
        return path.lstat().st_size
    except FileNotFoundError:
        return 0
