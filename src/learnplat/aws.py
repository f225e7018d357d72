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


def aws_error_code(exc: BaseException) -> str:
    """The AWS error code of a botocore ClientError ("" for anything else)."""
    response = getattr(exc, "response", None) or {}
    return str(response.get("Error", {}).get("Code", "") or "")


def is_botocore(exc: BaseException, *class_names: str) -> bool:
    """Whether ``exc`` is a botocore exception of one of these classes (by name: boto3 is lazy)."""
    return any(
        cls.__name__ in class_names and cls.__module__.startswith("botocore")
        for cls in type(exc).__mro__
    )


_MISSING_BUCKET = {"NoSuchBucket"}
_ACCESS_DENIED = {
    "AccessDenied",
    "AllAccessDisabled",
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "ExpiredToken",
    "InvalidToken",
    "AccountProblem",
}


def s3_failure(
    exc: BaseException, action: str, bucket: str, endpoint_url: str | None, setting: str
) -> tuple[str, str, str | None]:
    """What went wrong with S3 during ``action``, as (kind, message, hint): "missing-bucket",
    "access-denied", "unreachable" or "unavailable". ``setting`` names the setting to fix."""
    code = aws_error_code(exc)
    where = f"s3://{bucket}"
    if code in _MISSING_BUCKET:
        return (
            "missing-bucket",
            f"the S3 bucket {where} does not exist",
            f"create it (aws s3 mb {where}) or fix the {setting} setting",
        )
    if code in _ACCESS_DENIED or code == "403" or is_botocore(exc, "NoCredentialsError"):
        reason = code or "no credentials"
        return (
            "access-denied",
            f"access to {where} was denied ({reason})",
            "check the AWS credentials (aws sts get-caller-identity) and the bucket policy",
        )
    if is_botocore(exc, "ConnectionError", "HTTPClientError"):
        endpoint = endpoint_url or "the S3 endpoint"
        return (
            "unreachable",
            f"cannot reach {endpoint} to {action}: {exc}",
            "check the network or the endpoint URL",
        )
    detail = f"{code}: " if code else ""
    return "unavailable", f"S3 failed to {action} in {where}: {detail}{exc}", None
