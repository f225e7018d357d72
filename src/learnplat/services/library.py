"""The Library: ingest files once, list, preview, search and remove them."""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
import logging
import os
import re
import stat
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Literal

from ..errors import BadInput, DiskFull, DocumentError, LearnplatError, NotFound, is_disk_full
from ..store.blobs import BlobStore, LocalBlobStore
from ..store.library import (
    DocumentRecord,
    DuplicateDocument,
    LibraryStore,
    PassageRecord,
    now_iso,
)
from ..store.search_index import IndexHit
from .extract.cleanup import compress_ranges
from .originals import Originals
from .passages import HEADING_SEPARATOR, chunk_units
from .safe_text import safe_text
from .search import parse_query

IngestStatus = Literal["added", "duplicate", "failed"]
log = logging.getLogger("learnplat.library")


@dataclass(frozen=True)
class DocumentInfo:
    """A document in the library."""

    id: int
    title: str
    filename: str
    kind: str
    unit_name: str
    pages: int
    words: int
    passages: int
    size_bytes: int
    added_at: str
    source_path: str
    stored_path: Path | str  # the copy's file, or its place in a remote blob store (s3://…)
    warnings: tuple[str, ...] = ()

    @classmethod
    def from_record(cls, row: DocumentRecord, blobs: BlobStore) -> DocumentInfo:
        return cls(
            id=row.id,
            title=row.title,
            filename=row.filename,
            kind=row.kind,
            unit_name=row.unit_name,
            pages=row.pages,
            words=row.words,
            passages=row.passages,
            size_bytes=row.size_bytes,
            added_at=row.added_at,
            source_path=row.source_path,
            stored_path=blobs.local_path(row.stored_path) or f"{blobs.where}/{row.stored_path}",
            warnings=tuple(json.loads(row.warnings or "[]")),
        )


@dataclass(frozen=True)
class IngestResult:
    """What happened to one file: added, already there (duplicate), or failed with an error."""

    path: Path
    status: IngestStatus
    document: DocumentInfo | None = None
    error: LearnplatError | None = None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class IngestProgress:
    """Reported before each file (``result`` None) and after it (``result`` set)."""

    index: int
    total: int
    path: Path
    result: IngestResult | None = None


@dataclass(frozen=True)
class PageView:
    """The text of one page (or section) of a document, with its neighbours for paging."""

    document: DocumentInfo
    number: int
    heading_path: tuple[str, ...]
    text: str
    previous: int | None
    next: int | None
    numbers: tuple[int, ...] = field(default=())
    label: str | None = None  # the printed page number, where it differs from ``number``


@dataclass(frozen=True)
class Passage:
    """A stored passage with where it sits: document, page (or section), heading path."""

    id: int
    doc_id: int
    title: str
    unit_name: str
    page: int
    heading_path: tuple[str, ...]
    text: str
    words: int
    page_label: str | None = None  # the printed page number, where it differs from ``page``

    @classmethod
    def from_record(cls, row: PassageRecord) -> Passage:
        return cls(
            id=row.id,
            doc_id=row.doc_id,
            title=row.title,
            unit_name=row.unit_name,
            page=row.page,
            heading_path=_split_path(row.heading_path),
            text=row.text,
            words=row.words,
            page_label=row.page_label,
        )


@dataclass(frozen=True)
class SearchHit:
    """A ranked passage: where it is, a snippet, and the snippet's highlighted spans."""

    passage_id: int
    doc_id: int
    title: str
    unit_name: str
    page: int
    heading_path: tuple[str, ...]
    snippet: str
    highlights: tuple[tuple[int, int], ...]
    score: float
    page_label: str | None = None  # the printed page number, where it differs from ``page``


def _split_path(stored: str) -> tuple[str, ...]:
    return tuple(part for part in stored.split(HEADING_SEPARATOR) if part)


def open_regular(path: Path) -> BinaryIO:
    """``path`` opened for reading, refused at once when it is not a regular file: a FIFO
    would block until a writer came, a device would never end. Raises DocumentError, OSError."""
    if path.is_dir():
        raise DocumentError(
            f"{path} is a directory", hint=f"name the files in it, e.g. {path}/*.pdf"
        )
    # O_NONBLOCK: opening a FIFO returns at once instead of waiting for a writer; the check
    # is made on what was opened, so that a file swapped for a FIFO meanwhile is refused too.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise DocumentError(
            f"{path.name} is not a regular file (a pipe, socket or device)",
            hint="save its content to a file and give that file",
        )
    return os.fdopen(fd, "rb")


def read_file(path: Path, max_file_bytes: int) -> bytes:
    """A file's bytes, refused clearly when missing, a directory, not a regular file, too large
    or unreadable."""
    if not path.exists():
        raise DocumentError(f"no such file: {path}", hint="check the path and try again")
    limit_mb = max_file_bytes / (1024 * 1024)
    try:
        with open_regular(path) as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > max_file_bytes:
                raise DocumentError(
                    f"{path.name} is {size / (1024 * 1024):.1f} MB; the limit is {limit_mb:g} MB",
                    hint="raise max_file_mb in the config file or LEARNPLAT_MAX_FILE_MB",
                )
            data = handle.read(max_file_bytes + 1)
    except FileNotFoundError as exc:
        raise DocumentError(
            f"{path.name} vanished while it was being read", hint="was it moved or deleted?"
        ) from exc
    except OSError as exc:
        raise DocumentError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if len(data) > max_file_bytes:
        raise DocumentError(
            f"{path.name} grew past the {limit_mb:g} MB limit while it was being read"
        )
    return data


def read_text_of(path: Path, max_file_bytes: int) -> str:
    """The text of a PDF, DOCX, TXT or Markdown file, without adding it to the library.
    Raises DocumentError."""
    from .extract import extract

    source = Path(path).expanduser()
    extracted = extract(read_file(source, max_file_bytes), source.name)
    return "\n\n".join(unit.text for unit in extracted.units)


class Library:
    """The current user's documents. Every public method raises LearnplatError subclasses."""

    def __init__(
        self,
        store: LibraryStore,
        data_dir: Path,
        user: str,
        max_file_bytes: int,
        blobs: BlobStore | None = None,
    ) -> None:
        self.store = store
        self.data_dir = data_dir
        self.user = user
        self.max_file_bytes = max_file_bytes
        self.blobs: BlobStore = blobs or LocalBlobStore(data_dir)
        self.originals = Originals(store, self.blobs)

    # ingest --------------------------------------------------------------
    def ingest(self, path: Path | str, *, password: str | None = None) -> IngestResult:
        """Add one file; an identical file already in the library is reported, not added twice.

        Returns the IngestResult (status "added" or "duplicate"). Raises DocumentError.
        """
        return self._ingest(Path(path).expanduser(), password, None)

    def ingest_upload(self, path: Path, *, display_name: str) -> IngestResult:
        """Add a file uploaded under ``display_name`` (a browser's file name: kept as the
        document's name, never used as a path) and saved at ``path``. Raises DocumentError."""
        return self._ingest(path, None, display_name)

    def _ingest(
        self, source: Path, password: str | None, display_name: str | None
    ) -> IngestResult:
        data = read_file(source, self.max_file_bytes)
        sha256 = hashlib.sha256(data).hexdigest()
        existing = self.store.find_by_hash(self.user, sha256)
        if existing is not None:
            known = DocumentInfo.from_record(existing, self.blobs)
            return IngestResult(source, "duplicate", known)
        from .extract import extract

        name = display_name or source.name
        extracted = extract(data, name, password=password)
        chunks = chunk_units(extracted.units)
        if not chunks:
            raise DocumentError(f"{name} has no text to index")
        stored = Originals.stored_path(sha256, source.suffix)
        # Written before the transaction (the long write outside the write lock), and made sure
        # of again inside it: another profile may have removed the same bytes meanwhile.
        self.originals.keep(data, stored)
        # Titles and names are shown on other screens and terminals: no controls, one line.
        filename = safe_text(name, one_line=True)
        document = {
            "user_id": self.user,
            "title": safe_text(extracted.title, one_line=True) or filename,
            "filename": filename,
            "source_path": safe_text(
                f"upload:{display_name}" if display_name else str(source.resolve())
            ),
            "stored_path": stored,
            "kind": extracted.kind,
            "unit_name": extracted.unit_name,
            "sha256": sha256,
            "size_bytes": len(data),
            "pages": extracted.page_count,
            "words": sum(chunk.words for chunk in chunks),
            "passages": len(chunks),
            "warnings": json.dumps([safe_text(warning) for warning in extracted.warnings]),
            "added_at": now_iso(),
        }
        try:
            doc_id = self.store.add_document(
                document, chunks, before_commit=lambda: self.originals.keep(data, stored)
            )
        except DuplicateDocument:
            # Another process added the same bytes between our check and our insert (under
            # another name, maybe: our copy may then be unused).
            self.originals.release(stored)
            existing = self.store.find_by_hash(self.user, sha256)
            if existing is None:
                raise
            known = DocumentInfo.from_record(existing, self.blobs)
            return IngestResult(source, "duplicate", known)
        except BaseException:
            self.originals.release(stored)
            raise
        return IngestResult(
            source, "added", self.document(doc_id), warnings=tuple(extracted.warnings)
        )

    def ingest_many(
        self,
        paths: Iterable[Path | str],
        *,
        password: str | None = None,
        on_progress: Callable[[IngestProgress], None] | None = None,
    ) -> list[IngestResult]:
        """Ingest each file in turn; a failure is recorded in its result and the rest go on."""
        sources = [Path(p).expanduser() for p in paths]
        results = []
        for index, source in enumerate(sources):
            if on_progress:
                on_progress(IngestProgress(index, len(sources), source))
            try:
                result = self.ingest(source, password=password)
            except LearnplatError as exc:
                result = IngestResult(source, "failed", error=exc)
            except Exception as exc:  # a bug in reading one file must not cost the others
                result = IngestResult(source, "failed", error=self._unexpected(source, exc))
            results.append(result)
            if on_progress:
                on_progress(IngestProgress(index, len(sources), source, result))
        return results

    def _unexpected(self, source: Path, exc: Exception) -> LearnplatError:
        if is_disk_full(exc):
            return DiskFull(self.data_dir)
        log.error("ingesting %s failed", source, exc_info=exc)
        return LearnplatError(
            f"{source.name} could not be ingested: unexpected {exc.__class__.__name__}: {exc}",
            hint="a bug: the traceback is in the log file (`learnplat doctor` shows the data "
            "dir); other files are not affected",
        )

    # reading -------------------------------------------------------------
    def documents(self) -> list[DocumentInfo]:
        """All of the current user's documents, oldest first."""
        return [
            DocumentInfo.from_record(row, self.blobs) for row in self.store.documents(self.user)
        ]

    def document(self, doc_id: int) -> DocumentInfo:
        """One document. Raises NotFound."""
        return DocumentInfo.from_record(self._record(doc_id), self.blobs)

    def _record(self, doc_id: int) -> DocumentRecord:
        row = self.store.document(self.user, doc_id)
        if row is None:
            raise NotFound(
                f"no document with id {doc_id}", hint="`learnplat docs list` shows the ids"
            )
        return row

    def page(self, doc_id: int, number: int | None = None) -> PageView:
        """Page (or section) ``number``; the first with text when None. Raises NotFound."""
        document = self.document(doc_id)
        numbers = self.store.page_numbers(doc_id)
        if number is None:
            number = numbers[0]
        if number not in numbers:
            raise NotFound(
                f"{document.title} has no text on {document.unit_name} {number}",
                hint=f"{document.unit_name}s with text: {compress_ranges(numbers)}",
            )
        rows = self.store.page_passages(doc_id, number)
        position = numbers.index(number)
        return PageView(
            document=document,
            number=number,
            heading_path=_split_path(rows[0].heading_path),
            text="\n\n".join(row.text for row in rows),
            previous=numbers[position - 1] if position > 0 else None,
            next=numbers[position + 1] if position + 1 < len(numbers) else None,
            numbers=tuple(numbers),
            label=rows[0].page_label,
        )

    def original(self, doc_id: int) -> bytes:
        """The bytes of the file a document was made from, from the blob store wherever it is
        (the data dir, a shared bucket). Raises NotFound, BlobStoreError."""
        return self.blobs.get(self._record(doc_id).stored_path)

    def save_original(self, doc_id: int, path: Path) -> Path:
        """Write a copy of the document's original file to ``path``, which must not exist yet
        (nothing of the user's is overwritten). Raises NotFound, BadInput, BlobStoreError."""
        from .export import write_atomically

        target = Path(path).expanduser()
        if target.exists() or target.is_symlink():
            raise BadInput(
                f"{target} already exists", hint="give a new file name, or remove that file first"
            )
        if not target.parent.is_dir():
            raise BadInput(f"cannot write {target}: the folder {target.parent} does not exist")
        write_atomically(target, self.original(doc_id))
        return target

    def remove(self, doc_id: int) -> DocumentInfo:
        """Delete a document, its passages and (if no document of any profile uses it) its
        stored copy. Raises NotFound."""
        document = self.document(doc_id)
        unused = self.store.delete_document(self.user, doc_id)
        if unused is not None:
            # After the commit, and checked again: another profile may have ingested the same
            # bytes since (a kill -9 in between leaves a file `doctor --fix` sweeps).
            self.originals.release(unused)
        return document

    def passages(self, doc_id: int) -> list[Passage]:
        """Every passage of a document in reading order, each with the end of a sentence the
        page break cut (``continued``). Raises NotFound."""
        self.document(doc_id)
        found = [Passage.from_record(row) for row in self.store.passages(doc_id=doc_id)]
        following = {a.id: b.text for a, b in itertools.pairwise(found)}
        return [continued(passage, following.get(passage.id)) for passage in found]

    def relevant_passages(
        self,
        query: str,
        *,
        doc_ids: Iterable[int] = (),
        limit: int = 12,
        require_all: bool = True,
        any_word: bool = False,
    ) -> list[Passage]:
        """The passages that contain every word of ``query`` (any word, unless
        ``require_all``; ranked over any word at once with ``any_word``), best first, from the
        given documents or the whole library. Raises BadInput for a query without words,
        NotFound for an unknown document id."""
        hits: list[SearchHit] = []
        scopes: list[int | None] = [*doc_ids] or [None]
        for doc_id in scopes:
            hits += self.search(
                query, doc_id=doc_id, limit=limit, require_all=require_all, any_word=any_word
            )
        hits = sorted(hits, key=lambda hit: -hit.score)[:limit]
        by_id = {row.id: row for row in self.store.passages(ids=[hit.passage_id for hit in hits])}
        found = [
            Passage.from_record(by_id[hit.passage_id]) for hit in hits if hit.passage_id in by_id
        ]
        following = self.store.following_texts([p.id for p in found if cut(p.text)])
        return [continued(passage, following.get(passage.id)) for passage in found]

    def missing_words(self, words: Iterable[str], *, doc_ids: Iterable[int] = ()) -> list[str]:
        """The ``words`` that no passage of the given documents (else the library) contains as
        written, give or take an ending: "analyse" is in a text that says "analysis", but
        "determinant" is not in one that says "determining". Raises NotFound for an unknown
        document id."""
        words = list(words)
        return missing_everywhere(words, self.missing_by_document(words, doc_ids=doc_ids))

    def missing_by_document(
        self, words: Iterable[str], *, doc_ids: Iterable[int] = ()
    ) -> dict[int, list[str]]:
        """For each of the given documents (else the library's), the ``words`` it does not
        contain as written, give or take an ending (``missing_words``). Raises NotFound for an
        unknown document id."""
        scope = list(doc_ids)
        for doc_id in scope:
            self.document(doc_id)
        documents = scope or [document.id for document in self.documents()]
        words = list(words)
        found: dict[str, set[int]] = {}
        for word in words:
            stem = word[:-1] if len(word) >= 6 else word
            form = re.compile(rf"(?<!\w){re.escape(stem)}\w{{0,3}}(?!\w)", re.IGNORECASE)
            rows = self.store.texts_containing(self.user, stem, scope)
            found[word] = {doc_id for doc_id, text in rows if form.search(text)}
        return {
            doc_id: [word for word in words if doc_id not in found[word]] for doc_id in documents
        }

    def search(
        self,
        query: str,
        *,
        doc_id: int | None = None,
        limit: int = 10,
        require_all: bool = False,
        any_word: bool = False,
    ) -> list[SearchHit]:
        """Passages matching ``query`` best first: all its words, else (unless ``require_all``)
        any of them; with ``any_word``, any of them at once (a passage with the rarer words
        first, though it lacks one). Raises BadInput for an empty query or a bad limit,
        NotFound for a bad id."""
        if not 1 <= limit <= 200:
            raise BadInput(f"limit must be between 1 and 200, got {limit}")
        if doc_id is not None:
            self.document(doc_id)
        terms = parse_query(query)
        # Every term first, then (with several, unless ``require_all``) any of them.
        modes = [True] if len(terms) == 1 else [False] if any_word else [True, False]
        found: list[IndexHit] = []
        for every in modes[:1] if require_all else modes:
            found = self.store.search(
                self.user, terms, every=every, doc_id=doc_id, limit=limit, snippet_words=24
            )
            if found:
                break
        hits = []
        for hit in found:
            hits.append(
                SearchHit(
                    passage_id=hit.passage_id,
                    doc_id=hit.doc_id,
                    title=hit.title,
                    unit_name=hit.unit_name,
                    page=hit.page,
                    heading_path=_split_path(hit.heading_path),
                    snippet=hit.snippet,
                    highlights=hit.highlights,
                    score=round(hit.score, 4),
                    page_label=hit.page_label,
                )
            )
        return hits


def missing_everywhere(words: Sequence[str], by_document: dict[int, list[str]]) -> list[str]:
    """The ``words`` that every document of ``by_document`` (``missing_by_document``) lacks."""
    return [word for word in words if all(word in missing for missing in by_document.values())]


# A passage ending mid-sentence (no closing punctuation), where the page broke it off.
_CUT = re.compile(r"[\w,\-–—(]\s*$")
_CONTINUES = re.compile(r"\s*[a-z]")
# (Not the stop of an abbreviation: "(i.e. uniquely)", "e.g.")
_SENTENCE_END = re.compile(r"(?<!\b\w)[.!?](?=[\"'”’)\]]*(?:\s|$))")
# The most words of the next page that finish a sentence the page break cut.
CONTINUATION_WORDS = 80


def cut(text: str) -> bool:
    return _CUT.search(text) is not None


def continued(passage: Passage, following: str | None) -> Passage:
    """The passage with the rest of the sentence its page break cut, from the start of the
    passage after it ("... called respectively the argument and the value of the" + "function,
    such that ..."): the sentence is quoted where it starts. The passage as it is when it ends a
    sentence, or the next does not go on with it (a capital, a heading, a new paragraph)."""
    if following is None or not cut(passage.text) or not _CONTINUES.match(following):
        return passage
    head = following.lstrip().split("\n\n", 1)[0]
    end = _SENTENCE_END.search(head)
    if end is None or len(head[: end.end()].split()) > CONTINUATION_WORDS:
        return passage
    return dataclasses.replace(passage, text=f"{passage.text.rstrip()} {head[: end.end()]}")
