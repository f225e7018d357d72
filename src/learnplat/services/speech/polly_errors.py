"""Translate botocore failures from Polly into SpeechErrors a learner can act on."""

from __future__ import annotations

from dataclasses import dataclass

from ...errors import kind_for_status
from .errors import SpeechError, SpeechKind

_AUTH_CODES = {
    "AccessDeniedException",
    "AccessDenied",
    "UnrecognizedClientException",
    "InvalidSignatureException",
    "IncompleteSignatureException",
    "MissingAuthenticationTokenException",
    "ExpiredTokenException",
    "InvalidClientTokenId",
    "SignatureDoesNotMatch",
    "UnauthorizedException",
}
_THROTTLE_CODES = {
    "ThrottlingException",
    "Throttling",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "ServiceQuotaExceededException",
}
_UNAVAILABLE_CODES = {"ServiceFailureException", "InternalFailure", "ServiceUnavailable"}
_BY_CODE: dict[str, SpeechKind] = {
    "EngineNotSupportedException": "engine",
    "TextLengthExceededException": "too-long",
    **{code: "auth" for code in _AUTH_CODES},
    **{code: "throttled" for code in _THROTTLE_CODES},
    **{code: "unavailable" for code in _UNAVAILABLE_CODES},
}


@dataclass(frozen=True)
class PollyTarget:
    """What the messages name: where the request went and what it asked for."""

    region: str
    engine: str
    voice: str
    max_attempts: int


def _kind(code: str, status: int | None) -> SpeechKind:
    if code in _BY_CODE:
        return _BY_CODE[code]
    return kind_for_status(status)


def _one_line(text: object, limit: int = 200) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def from_client_error(exc: BaseException, target: PollyTarget) -> SpeechError:
    """A botocore ClientError from Polly as a SpeechError; ``code`` is its short form."""
    response = getattr(exc, "response", None) or {}
    code = str(response.get("Error", {}).get("Code", "") or "")
    server_message = _one_line(response.get("Error", {}).get("Message", "") or "")
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    kind = _kind(code, status)
    short = code.removesuffix("Exception") or f"HTTP {status}"
    detail = f": {server_message}" if server_message else ""
    hint: str | None
    if kind == "auth":
        message = (
            f"Polly refused the request: {short} — check your AWS credentials and that they "
            f"allow polly:SynthesizeSpeech in {target.region}"
        )
        hint = "Run `aws sts get-caller-identity` to see which credentials are in use."
    elif kind == "throttled":
        message = (
            f"Polly is throttling requests in {target.region} "
            f"(after {target.max_attempts} attempts){detail}"
        )
        hint = "Wait a minute and try again, or ask AWS for a higher Polly quota."
    elif kind == "engine":
        message = f"Polly voice {target.voice} does not support the {target.engine} engine"
        hint = "Set polly_engine to an engine the voice supports, or choose another polly_voice."
    elif kind == "too-long":
        message = f"Polly rejected a chunk as too long{detail}"
        hint = "Chunks are kept under Polly's 3,000-character limit: please report this."
    elif kind == "validation":
        message = f"Polly rejected the request ({code or status}){detail}"
        hint = "Check polly_voice, polly_engine and region in your config."
    else:
        message = f"Polly could not answer ({short}) in {target.region}{detail}"
        hint = "This is usually temporary on AWS's side: try again in a moment."
    return SpeechError(message, hint, engine="polly", kind=kind, code=short)


def from_exception(exc: BaseException, target: PollyTarget) -> SpeechError | None:
    """A botocore (or network) failure from Polly as a SpeechError; None for anything else,
    which is a bug to surface rather than a service to fall back from."""
    from botocore import exceptions as boto

    if isinstance(exc, boto.ClientError):
        return from_client_error(exc, target)
    if isinstance(exc, boto.NoCredentialsError | boto.PartialCredentialsError):
        return SpeechError(
            "No AWS credentials were found for Polly",
            'Configure them with `aws configure` (or AWS_PROFILE), or set speech = "espeak" '
            "to speak offline.",
            engine="polly",
            kind="credentials",
            code="NoCredentials",
        )
    if isinstance(exc, boto.BotoCoreError | OSError) or type(exc).__module__.startswith("urllib3"):
        return SpeechError(
            f"Polly could not be reached in {target.region}: {_one_line(exc)}",
            "Check your network connection (and endpoint_url, if set), then try again.",
            engine="polly",
            kind="unavailable",
            code=type(exc).__name__.removesuffix("Error") or "unreachable",
        )
    return None
