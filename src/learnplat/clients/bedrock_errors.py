"""Translate botocore and urllib3 failures from Bedrock into ProviderErrors a user can act on."""

from __future__ import annotations

from dataclasses import dataclass

from learnplat.clients.errors import Kind, ProviderError, one_line
from learnplat.errors import kind_for_status

_AUTH_CODES = {
    "AccessDeniedException",
    "UnrecognizedClientException",
    "InvalidSignatureException",
    "IncompleteSignatureException",
    "MissingAuthenticationTokenException",
    "ExpiredTokenException",
    "UnauthorizedException",
    "InvalidClientTokenId",
    "SignatureDoesNotMatch",
}
_THROTTLE_CODES = {
    "ThrottlingException",
    "TooManyRequestsException",
    "ServiceQuotaExceededException",
    "RequestLimitExceeded",
}
_VALIDATION_CODES = {"ValidationException", "ResourceNotFoundException", "SerializationException"}
_TIMEOUT_CODES = {"ModelTimeoutException", "RequestTimeout", "RequestTimeoutException"}
_UNAVAILABLE_CODES = {
    "ServiceUnavailableException",
    "InternalServerException",
    "ModelNotReadyException",
    "ModelErrorException",
    "ModelStreamErrorException",
}

# Errors that can arrive inside an HTTP 200 event stream; botocore never retries those.
MID_STREAM_RETRYABLE = {
    "ThrottlingException",
    "ModelStreamErrorException",
    "InternalServerException",
    "ServiceUnavailableException",
}


@dataclass(frozen=True)
class BedrockTarget:
    """What the messages name: which model, where, with which limits."""

    model: str
    region: str
    endpoint_url: str | None
    read_timeout: float
    max_attempts: int


def error_code(exc: BaseException) -> str:
    """The AWS error code of a ClientError / EventStreamError, in its HTTP spelling."""
    response = getattr(exc, "response", None) or {}
    code = str(response.get("Error", {}).get("Code", "") or "")
    # Event-stream exceptions are camelCase ("throttlingException"); HTTP ones are PascalCase.
    return code[:1].upper() + code[1:]


def _kind_for(code: str, status: int | None) -> Kind:
    if code in _AUTH_CODES:
        return "auth"
    if code in _THROTTLE_CODES:
        return "throttled"
    if code in _VALIDATION_CODES:
        return "validation"
    if code in _TIMEOUT_CODES:
        return "timeout"
    if code in _UNAVAILABLE_CODES:
        return "unavailable"
    return kind_for_status(status)


def from_client_error(
    exc: BaseException, target: BedrockTarget, *, mid_stream: bool
) -> ProviderError:
    """Map a botocore ClientError (or EventStreamError) to a ProviderError."""
    response = getattr(exc, "response", None) or {}
    code = error_code(exc)
    server_message = one_line(response.get("Error", {}).get("Message", "") or "")
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    if mid_stream:
        status = None  # event-stream exceptions are reported under HTTP 200
    kind = _kind_for(code, status)
    short = code.removesuffix("Exception") or f"HTTP {status}"
    detail = f": {server_message}" if server_message else ""
    where = f"{target.model} in {target.region}"
    if kind == "auth":
        message = (
            f"Bedrock refused the request: {short} — check your AWS credentials and that model "
            f"access to {target.model} is enabled in {target.region}"
        )
        hint = (
            "Run `aws sts get-caller-identity` to see which credentials are in use, and enable "
            "the model under Bedrock → Model access in the AWS console."
        )
    elif kind == "throttled":
        tries = "mid-stream" if mid_stream else f"after {target.max_attempts} attempt(s)"
        message = f"Bedrock is throttling requests to {where} ({tries}){detail}"
        hint = "Wait a minute and try again, or ask AWS for a higher Bedrock quota."
    elif kind == "validation":
        message = f"Bedrock rejected the request to {where} ({code or status}){detail}"
        hint = "Check the model id and region in your config; the model may not exist there."
    elif kind == "timeout":
        message = f"Bedrock's model {target.model} timed out ({short}){detail}"
        hint = "Try again, or ask for a shorter answer."
    else:
        message = f"Bedrock could not answer ({short}) for {where}{detail}"
        hint = "This is usually temporary on AWS's side: try again in a moment."
    return ProviderError(message, hint, kind=kind, provider="bedrock", code=code or None)


def from_exception(exc: BaseException, target: BedrockTarget) -> ProviderError | None:
    """Map a non-ClientError botocore/urllib3 failure, or return None if it is not one we know."""
    from botocore import exceptions as bce
    from botocore.eventstream import ParserError
    from botocore.parsers import ResponseParserError
    from urllib3 import exceptions as u3e

    where = target.endpoint_url or f"bedrock-runtime.{target.region}.amazonaws.com"
    if isinstance(
        exc,
        bce.NoCredentialsError
        | bce.PartialCredentialsError
        | bce.ProfileNotFound
        | bce.CredentialRetrievalError
        | bce.SSOError
        | bce.TokenRetrievalError,
    ):
        return ProviderError(
            f"Bedrock needs AWS credentials and none usable were found ({one_line(exc, 120)})",
            "Configure the standard AWS chain: `aws configure` or `aws sso login`, AWS_PROFILE, "
            "or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.",
            kind="auth",
            provider="bedrock",
        )
    if isinstance(exc, bce.ParamValidationError):
        return ProviderError(
            f"The request to Bedrock is invalid: {one_line(exc)}",
            "This is a bug in the caller: the request did not match Bedrock's schema.",
            kind="validation",
            provider="bedrock",
        )
    if isinstance(exc, bce.ReadTimeoutError | u3e.ReadTimeoutError):
        return ProviderError(
            f"Bedrock did not answer within {target.read_timeout:g} s ({target.model})",
            "The model may be overloaded: try again, or raise the read timeout.",
            kind="timeout",
            provider="bedrock",
        )
    if isinstance(exc, bce.ConnectTimeoutError):
        return ProviderError(
            f"Timed out connecting to Bedrock at {where}",
            "Check your network connection and proxy settings.",
            kind="timeout",
            provider="bedrock",
        )
    if isinstance(exc, bce.EndpointConnectionError):
        return ProviderError(
            f"Cannot reach Bedrock at {where}: the connection failed",
            "Check your network connection, proxy settings and the configured region.",
            kind="unavailable",
            provider="bedrock",
        )
    if isinstance(exc, bce.HTTPClientError | bce.ConnectionError | u3e.ProtocolError):
        return ProviderError(
            f"The connection to Bedrock at {where} broke ({type(exc).__name__})",
            "Try again; check your network connection if it keeps happening.",
            kind="unavailable",
            provider="bedrock",
        )
    if isinstance(exc, ParserError | ResponseParserError):
        return ProviderError(
            f"Bedrock sent a reply that cannot be read ({one_line(exc, 160)})",
            "Try again; if it persists, check the endpoint URL points at Bedrock runtime.",
            kind="bad-output",
            provider="bedrock",
        )
    return None
