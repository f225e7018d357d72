"""The topic store in an S3 bucket (or anything speaking S3: moto, MinIO), with clear errors."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any, cast

from ..aws import LazyClient, aws_error_code, boto3_client, is_botocore, s3_failure
from .topic_store import StoreFailure, TopicStoreError, check_key, dump_document, parse_document


class S3TopicStore:
    """Documents as ``s3://bucket/prefix/<key>`` objects of type application/json.

    The boto3 client is created on first use (so building the store opens no connection and
    does not import boto3); pass ``client`` to supply one. Credentials and, unless ``region``
    is given, the region come from the standard AWS chain. Every failure is a TopicStoreError.
    """

    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        client: Any = None,
        endpoint_url: str | None = None,
        region: str | None = None,
        *,
        connect_timeout: float = 5.0,
        read_timeout: float = 20.0,
        max_attempts: int = 3,
    ) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.endpoint_url = endpoint_url
        self.region = region
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.max_attempts = max_attempts
        self._client = LazyClient(lambda: client if client is not None else self._make_client())

    def __repr__(self) -> str:
        where = f" via {self.endpoint_url}" if self.endpoint_url else ""
        return f"S3TopicStore('s3://{self.bucket}/{self.prefix}'{where})"

    def get(self, key: str) -> dict[str, Any] | None:
        name = self._object_name(key)
        with self._translated(f"read {name}"):
            try:
                response = self._s3().get_object(Bucket=self.bucket, Key=name)
            except Exception as exc:
                if aws_error_code(exc) in ("NoSuchKey", "404"):
                    return None
                raise
            raw = response["Body"].read()
        return parse_document(raw, f"s3://{self.bucket}/{name}")

    def put(self, key: str, document: dict[str, Any]) -> None:
        name = self._object_name(key)
        body = dump_document(document).encode("utf-8")
        with self._translated(f"write {name}"):
            self._s3().put_object(
                Bucket=self.bucket, Key=name, Body=body, ContentType="application/json"
            )

    def delete(self, key: str) -> None:
        name = self._object_name(key)
        with self._translated(f"delete {name}"):
            self._s3().delete_object(Bucket=self.bucket, Key=name)

    def keys(self, prefix: str = "") -> list[str]:
        base = f"{self.prefix}/" if self.prefix else ""
        found: list[str] = []
        with self._translated(f"list {base + prefix or 'the bucket'}"):
            paginator = self._s3().get_paginator("list_objects_v2")
            for page in paginator.paginate(Bucket=self.bucket, Prefix=base + prefix):
                found.extend(item["Key"][len(base) :] for item in page.get("Contents", []))
        return sorted(found)

    @contextlib.contextmanager
    def _translated(self, action: str) -> Iterator[None]:
        """Turn botocore failures inside the block into TopicStoreErrors; let bugs through."""
        try:
            yield
        except TopicStoreError:
            raise
        except Exception as exc:
            if not is_botocore(exc, "BotoCoreError", "ClientError"):
                raise
            raise self._error(exc, action) from exc

    def _object_name(self, key: str) -> str:
        check_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def _s3(self) -> Any:
        return self._client.get()

    def _make_client(self) -> Any:
        with self._translated("connect"):
            return boto3_client(
                "s3",
                region=self.region,
                endpoint_url=self.endpoint_url,
                connect_timeout=self.connect_timeout,
                read_timeout=self.read_timeout,
                max_attempts=self.max_attempts,
                # Custom endpoints (moto, MinIO) rarely resolve bucket subdomains.
                s3={"addressing_style": "path"} if self.endpoint_url else None,
            )

    def _error(self, exc: BaseException, action: str) -> TopicStoreError:
        """The TopicStoreError a user can act on for a boto3 failure during ``action``."""
        kind, message, hint = s3_failure(
            exc, action, self.bucket, self.endpoint_url, "topic store"
        )
        if kind in ("unreachable", "unavailable"):
            hint = f"{hint or 'try again later'}; learnplat keeps working without the store"
        return TopicStoreError(" ".join(message.split()), hint, kind=cast(StoreFailure, kind))
