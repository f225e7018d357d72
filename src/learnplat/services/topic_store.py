"""The topic store (the seed's "S3 database"): JSON documents by key, local or S3, memory-cached."""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
import threading
import typing
from collections import OrderedDict
from pathlib import Path
from typing import Any, Literal, Protocol

from ..errors import BadInput, ConfigError, StoreError

StoreFailure = Literal[
    "missing-bucket", "access-denied", "unreachable", "unavailable", "corrupt", "io"
]
_KEY_PART = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.=-]*$")
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
ACCEPTED_SETTINGS = '"local" (or empty) for a folder in the data dir, or "s3://bucket/prefix"'


class TopicStoreError(StoreError):
    """The topic store could not be read or written; ``kind`` says why.

    Callers show ``message`` and ``hint`` and carry on without the store: nothing a learner
    made depends on the store accepting it.
    """

    def __init__(self, message: str, hint: str | None = None, *, kind: StoreFailure) -> None:
        super().__init__(message, hint)
        self.kind: StoreFailure = kind


class TopicStore(Protocol):
    """JSON documents (dicts) by key; keys are relative paths like ``lessons/<hash>.json``."""

    def get(self, key: str) -> dict[str, Any] | None:
        """The document at ``key``, or None. Raises TopicStoreError ("corrupt" for bad JSON)."""
        ...

    def put(self, key: str, document: dict[str, Any]) -> None:
        """Store ``document`` at ``key``, replacing what was there. Raises TopicStoreError."""
        ...

    def delete(self, key: str) -> None:
        """Remove ``key``; removing a missing key is not an error. Raises TopicStoreError."""
        ...

    def keys(self, prefix: str = "") -> list[str]:
        """Every key starting with ``prefix``, sorted. Raises TopicStoreError."""
        ...


def check_key(key: str) -> str:
    """``key`` if it is a safe relative path of ``[A-Za-z0-9_.=-]`` parts. Raises BadInput."""
    parts = key.split("/")
    if not key or not all(_KEY_PART.match(part) and ".." not in part for part in parts):
        raise BadInput(
            f"invalid topic store key {key!r}",
            "keys are relative paths of letters, digits, '_', '.', '=' and '-': lessons/ab12.json",
        )
    return key


def parse_document(raw: bytes | str, where: str) -> dict[str, Any]:
    """A stored document's JSON object. Raises TopicStoreError(kind="corrupt")."""
    try:
        document = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise TopicStoreError(f"{where} is not valid JSON: {exc}", kind="corrupt") from exc
    if not isinstance(document, dict):
        raise TopicStoreError(f"{where} does not hold a JSON object", kind="corrupt")
    return document


def dump_document(document: dict[str, Any]) -> str:
    """A document's stored form: compact UTF-8 JSON. Raises BadInput if it is not plain JSON."""
    try:
        return json.dumps(document, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise BadInput(f"topic store documents must be plain JSON: {exc}") from exc


class LocalTopicStore:
    """Documents as files under ``root``, written atomically (temp file, then ``os.replace``)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def __repr__(self) -> str:
        return f"LocalTopicStore({str(self.root)!r})"

    def get(self, key: str) -> dict[str, Any] | None:
        path = self.root / check_key(key)
        try:
            raw = path.read_bytes()
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            return None
        except OSError as exc:
            raise self._io_error("read", path, exc) from exc
        return parse_document(raw, str(path))

    def put(self, key: str, document: dict[str, Any]) -> None:
        path = self.root / check_key(key)
        text = dump_document(document)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as temp:
                    temp.write(text)
                    temp.flush()
                    os.fsync(temp.fileno())
                os.replace(temp_name, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temp_name)
                raise
        except OSError as exc:
            raise self._io_error("write", path, exc) from exc

    def delete(self, key: str) -> None:
        path = self.root / check_key(key)
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            raise self._io_error("delete", path, exc) from exc

    def keys(self, prefix: str = "") -> list[str]:
        # Walk only the folder the prefix names, not the whole store.
        folder = self.root / prefix.rpartition("/")[0] if "/" in prefix else self.root
        if not folder.is_dir():
            return []
        found = []
        try:
            for path in folder.rglob("*"):
                key = path.relative_to(self.root).as_posix()
                if path.name.startswith(".") or not key.startswith(prefix) or not path.is_file():
                    continue
                found.append(key)
        except OSError as exc:
            raise self._io_error("list", folder, exc) from exc
        return sorted(found)

    @staticmethod
    def _io_error(action: str, path: Path, exc: OSError) -> TopicStoreError:
        return TopicStoreError(
            f"cannot {action} {path}: {exc.strerror or exc}",
            "check that the data dir is writable and the disk is not full",
            kind="io",
        )


class CachedTopicStore:
    """An in-memory LRU of up to ``max_items`` documents in front of another store; thread-safe.

    Reads of a cached key never reach ``inner``; writes go through to ``inner`` first, so the
    cache never holds what the store refused. Documents are kept as JSON text, so a caller
    that mutates what ``get`` returned cannot change the cached copy.
    """

    def __init__(self, inner: TopicStore, max_items: int = 256) -> None:
        if max_items < 1:
            raise ValueError("max_items must be at least 1")
        self.inner = inner
        self.max_items = max_items
        self._items: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()
        # Writes one at a time, so the cached copy is always the last one the store took.
        self._write_lock = threading.Lock()
        self._generation = 0  # bumped by every write, so a slow read cannot cache a stale copy

    def __repr__(self) -> str:
        return f"CachedTopicStore({self.inner!r}, max_items={self.max_items})"

    def get(self, key: str) -> dict[str, Any] | None:
        with self._lock:
            text = self._items.get(key)
            if text is not None:
                self._items.move_to_end(key)
                return typing.cast(dict[str, Any], json.loads(text))
            generation = self._generation
        document = self.inner.get(key)
        if document is not None:
            self._remember(key, dump_document(document), generation)
        return document

    def put(self, key: str, document: dict[str, Any]) -> None:
        text = dump_document(document)
        with self._write_lock:
            self.forget(key)  # a failed write leaves nothing cached
            self.inner.put(key, document)
            with self._lock:
                # Stored: a read that began before now must not cache what it read.
                self._generation += 1
                self._store(key, text)

    def delete(self, key: str) -> None:
        with self._write_lock:
            self.forget(key)
            self.inner.delete(key)
            self.forget(key)

    def keys(self, prefix: str = "") -> list[str]:
        return self.inner.keys(prefix)

    def forget(self, key: str | None = None) -> None:
        """Drop ``key`` from memory (every key when None); the inner store is untouched."""
        with self._lock:
            self._generation += 1
            if key is None:
                self._items.clear()
            else:
                self._items.pop(key, None)

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def _remember(self, key: str, text: str, generation: int) -> None:
        # A write or forget since ``generation`` makes ``text`` possibly stale: keep it out.
        with self._lock:
            if generation == self._generation:
                self._store(key, text)

    def _store(self, key: str, text: str) -> None:
        """Cache ``text`` under ``key``, dropping the least recently used (lock held)."""
        self._items[key] = text
        self._items.move_to_end(key)
        while len(self._items) > self.max_items:
            self._items.popitem(last=False)


def open_topic_store(setting: str, data_dir: Path, endpoint_url: str | None = None) -> TopicStore:
    """The topic store a setting names, behind an in-memory cache. Opens no file or connection.

    ``""`` or ``"local"``: ``<data_dir>/topic-store``; ``"s3://bucket/prefix"``: that bucket,
    through ``endpoint_url`` when given (moto, MinIO). Raises ConfigError for anything else.
    """
    value = setting.strip()
    if value.lower() in ("", "local"):
        return CachedTopicStore(LocalTopicStore(data_dir / "topic-store"))
    if value.lower().startswith("s3://"):
        bucket, _, prefix = value[5:].partition("/")
        if not _BUCKET.match(bucket) or ".." in bucket:
            raise ConfigError(
                f"topic store {setting!r} does not name a valid S3 bucket",
                "bucket names are 3-63 lowercase letters, digits, '.' and '-', e.g. s3://my-bucket/learnplat",
            )
        prefix = prefix.strip("/")
        if prefix:
            check_key(prefix)
        from .s3_topic_store import S3TopicStore

        return CachedTopicStore(S3TopicStore(bucket, prefix, endpoint_url=endpoint_url))
    raise ConfigError(f"unknown topic store {setting!r}", f"use {ACCEPTED_SETTINGS}")
