"""boto3 clients made one way for Bedrock, Polly and S3: standard retries, timeouts, lazily."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


def boto3_client(
    service: str,
    *,
    region: str | None,
    endpoint_url: str | None = None,
    connect_timeout: float = 10,
    read_timeout: float = 60,
    max_attempts: int = 3,
    session: Any = None,
    **config: Any,
) -> Any:
    """A boto3 client; credentials come only from the standard AWS chain.

    ``max_attempts`` counts every attempt (botocore's "max_attempts" counts retries only).
    """
    import boto3
    from botocore.config import Config

    settings = Config(
        retries={"mode": "standard", "total_max_attempts": max_attempts},
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        user_agent_extra="learnplat",
        **config,
    )
    chosen = session if session is not None else boto3.session.Session()
    return chosen.client(service, region_name=region, endpoint_url=endpoint_url, config=settings)


class LazyClient:
    """Makes its client on first use (no import or connection before), once, thread-safely."""

    def __init__(self, make: Callable[[], Any]) -> None:
        self._make = make
        self._client: Any = None
        self._lock = threading.Lock()

    @property
    def created(self) -> bool:
        return self._client is not None

    def get(self) -> Any:
        with self._lock:
            if self._client is None:
                self._client = self._make()
            return self._client
