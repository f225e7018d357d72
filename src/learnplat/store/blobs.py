"""Files the database refers to (ingested originals), kept by key in a blob store: a local
directory by default, an S3 bucket (``s3://bucket/prefix``) when several app servers share one.

Keys are made by learnplat (``originals/ab/<sha256>.pdf``), never taken from user input, and are
checked all the same: relative, ``/``-separated parts of letters, digits, ``.``, ``_``, ``-``
and ``=``, no ``..``. Writes are whole or absent: a reader never sees half a file.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from .. import paths
from ..aws import LazyClient, aws_error_code, boto3_client, is_botocore, s3_failure
from ..errors import ConfigError, StoreError

# A local write goes to a temporary file beside its target first (then an atomic rename).
TEMP_PREFIX = ".ingest-"
_KEY_PART = re.compile(r"[A-Za-z0-9_.=-]+")
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


class BlobStoreError(StoreError):
    """The blob store could not be read or written; ``kind`` says why ("missing-bucket",
    "access-denied", "unreachable", "unavailable", "missing")."""

    def __init__(self, message: str, hint: str | None = None, *, kind: str) -> None:
        super().__init__(message, hint)
        self.kind = kind


@dataclass(frozen=True, slots=True)
class BlobInfo:
    """A stored blob: its key, size in bytes and when it was last written (epoch seconds)."""

    key: str
    size: int
    modified: float


class BlobStore(Protocol):
    where: str  # for messages: "/home/ana/.local/share/learnplat" or "s3://bucket/prefix"

    def put(self, key: str, data: bytes) -> None:
        """Store ``data`` under ``key`` unless a blob is there already."""
        ...

    def get(self, key: str) -> bytes:
        """The blob's bytes. Raises BlobStoreError (kind "missing" when there is none)."""
        ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None:
        """Remove the blob; nothing happens when there is none."""
        ...

    def list(self, prefix: str) -> list[BlobInfo]:
        """Every blob whose key starts with ``prefix`` (a folder, ``originals/``), by key."""
        ...

    def local_path(self, key: str) -> Path | None:
        """The blob's file when it is on this machine's disk, else None."""
        ...


def check_key(key: str) -> str:
    """``key`` when it is a safe relative key; raises ValueError otherwise (a bug: keys are
    learnplat's own)."""
    parts = key.split("/")
    if not all(_KEY_PART.fullmatch(part) and part not in (".", "..") for part in parts):
        raise ValueError(f"not a blob key: {key!r}")
    return key


def open_blob_store(setting: str, data_dir: Path) -> BlobStore:
    """The blob store a setting names; opens no file or connection. ``""`` or ``"local"``: the
    data dir; ``"s3://bucket/prefix"``: that bucket (endpoint from the AWS chain, so
    ``AWS_ENDPOINT_URL_S3`` reaches moto or MinIO). Raises ConfigError for anything else."""
    value = setting.strip()
    if value.lower() in ("", "local"):
        return LocalBlobStore(data_dir)
    if value.lower().startswith("s3://"):
        bucket, _, prefix = value[5:].partition("/")
        if not _BUCKET.match(bucket) or ".." in bucket:
            raise ConfigError(
                f"blob store {setting!r} does not name a valid S3 bucket",
                "bucket names are 3-63 lowercase letters, digits, '.' and '-', "
                "e.g. s3://my-bucket/learnplat",
            )
        prefix = prefix.strip("/")
        if prefix:
            try:
                check_key(prefix)
            except ValueError:
                raise ConfigError(
                    f"blob store {setting!r} has a prefix that is not a plain folder name",
                    "use letters, digits, '.', '_', '-' and '/', e.g. s3://my-bucket/learnplat",
                ) from None
        return S3BlobStore(bucket, prefix)
    raise ConfigError(
        f"unknown blob store {setting!r}",
        '"local" (or empty) keeps files in the data dir; "s3://bucket/prefix" in a bucket',
    )


class LocalBlobStore:
    """Blobs as files under ``root`` (the data dir), folders 0700 and files 0600 whatever the
    umask: an original may hold a decrypted PDF's bytes."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.where = str(root)

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def put(self, key: str, data: bytes) -> None:
        target = self._path(key)
        if target.exists():
            return
        for folder in reversed(target.relative_to(self.root).parents[:-1]):
            paths.private_dir(self.root / folder)
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=TEMP_PREFIX)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp_name, target)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise BlobStoreError(
                f"the file {self._path(key)} is missing",
                hint="`learnplat doctor` checks the data dir",
                kind="missing",
            ) from None

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def list(self, prefix: str) -> list[BlobInfo]:
        folder = self.root / prefix.rstrip("/") if prefix.strip("/") else self.root
        found = []
        for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
            try:
                info = path.lstat()
            except FileNotFoundError:  # removed meanwhile
                continue
            if stat.S_ISREG(info.st_mode):
                key = path.relative_to(self.root).as_posix()
                found.append(BlobInfo(key, info.st_size, info.st_mtime))
        return found

    def local_path(self, key: str) -> Path | None:
        return self._path(key)


class S3BlobStore:
    """Blobs as ``s3://bucket/prefix/<key>`` objects. The boto3 client is made on first use
    (building the store imports nothing and connects nowhere); credentials, region and
    endpoint come from the standard AWS chain unless given. Every failure is a BlobStoreError."""

    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        client: Any = None,
        endpoint_url: str | None = None,
        region: str | None = None,
    ) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.endpoint_url = endpoint_url
        self.region = region
        self.where = f"s3://{bucket}/{self.prefix}" if self.prefix else f"s3://{bucket}"
        self._client = LazyClient(lambda: client if client is not None else self._make_client())

    def _name(self, key: str) -> str:
        check_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def put(self, key: str, data: bytes) -> None:
        name = self._name(key)
        if self.exists(key):
            return
        with self._translated(f"write {name}"):
            self._s3().put_object(Bucket=self.bucket, Key=name, Body=data)

    def get(self, key: str) -> bytes:
        name = self._name(key)
        with self._translated(f"read {name}"):
            try:
                response = self._s3().get_object(Bucket=self.bucket, Key=name)
            except Exception as exc:
                if aws_error_code(exc) in ("NoSuchKey", "404"):
                    raise BlobStoreError(
                        f"{self.where}/{key} is missing", kind="missing"
                    ) from None
                raise
            return bytes(response["Body"].read())

    def exists(self, key: str) -> bool:
        name = self._name(key)
        with self._translated(f"look for {name}"):
            try:
                self._s3().head_object(Bucket=self.bucket, Key=name)
            except Exception as exc:
                if aws_error_code(exc) in ("NoSuchKey", "404", "NotFound"):
                    return False
                raise
        return True

    def delete(self, key: str) -> None:
        name = self._name(key)
        with self._translated(f"delete {name}"):
            self._s3().delete_object(Bucket=self.bucket, Key=name)

    def list(self, prefix: str) -> list[BlobInfo]:
        base = f"{self.prefix}/" if self.prefix else ""
        found = []
        with self._translated(f"list {base + prefix or 'the bucket'}"):
            paginator = self._s3().get_paginator("list_objects_v2")
            for page in paginator.paginate(Bucket=self.bucket, Prefix=base + prefix):
                for item in page.get("Contents", []):
                    modified = item["LastModified"].timestamp()
                    found.append(BlobInfo(item["Key"][len(base) :], item["Size"], modified))
        return sorted(found, key=lambda blob: blob.key)

    def local_path(self, key: str) -> Path | None:
        return None

    def _s3(self) -> Any:
        return self._client.get()

    def _make_client(self) -> Any:
        with self._translated("connect"):
            return boto3_client(
                "s3",
                region=self.region,
                endpoint_url=self.endpoint_url,
                connect_timeout=5.0,
                read_timeout=60.0,
                s3={"addressing_style": "path"} if self.endpoint_url else None,
            )

    @contextlib.contextmanager
    def _translated(self, action: str) -> Iterator[None]:
        """botocore failures inside the block become BlobStoreErrors; bugs go through."""
        try:
            yield
        except BlobStoreError:
            raise
        except Exception as exc:
            if not is_botocore(exc, "BotoCoreError", "ClientError"):
                raise
            kind, message, hint = s3_failure(
                exc, action, self.bucket, self.endpoint_url, "blob store"
            )
            raise BlobStoreError(" ".join(message.split()), hint, kind=kind) from exc


def age_s(blob: BlobInfo) -> float:
    """How long ago ``blob`` was last written, in seconds."""
    return time.time() - blob.modified
