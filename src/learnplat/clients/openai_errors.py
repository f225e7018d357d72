"""Translate HTTP statuses, socket failures and error payloads from OpenAI-compatible servers."""

from __future__ import annotations

import http.client
import json
import re
import socket
import ssl
from dataclasses import dataclass
from typing import Any

from learnplat.clients.errors import ContextTooSmall, Kind, ProviderError, one_line
from learnplat.errors import kind_for_status


@dataclass(frozen=True)
class ServerTarget:
    """Which server and model the messages name, and how the key is configured."""

    base_url: str
    model: str
    api_key_env: str | None
    key_is_set: bool
    timeout: float


def payload_message(payload: Any) -> str:
    """The human part of an error body: OpenAI, Ollama, llama.cpp and FastAPI shapes."""
    if isinstance(payload, dict):
        for key in ("error", "detail", "message", "msg"):
            if key in payload:
                return payload_message(payload[key])
        return one_line(json.dumps(payload))
    if isinstance(payload, list) and payload:
        return payload_message(payload[0]) if isinstance(payload[0], dict) else one_line(payload)
    return one_line(payload)


def body_message(text: str) -> str:
    """The error message inside a response body, JSON or plain text."""
    try:
        return payload_message(json.loads(text))
    except ValueError:
        return one_line(text)


def _kind_for_status(status: int) -> Kind:
    return "timeout" if status == 408 else kind_for_status(status)


def status_error(status: int, text: str, target: ServerTarget) -> ProviderError:
    """The ProviderError for an HTTP error status with body ``text``."""
    kind = _kind_for_status(status)
    detail = body_message(text)
    detail = f": {detail}" if detail else ""
    lead = f"The model server at {target.base_url}"
    if kind == "auth":
        env = target.api_key_env or "the API key variable"
        message = f"{lead} refused the request (HTTP {status}){detail}"
        hint = (
            f"Check the API key in ${env}."
            if target.key_is_set
            else f"Set ${env} to your API key; no key was sent."
        )
    elif kind == "throttled":
        message = f"{lead} is rate-limiting requests (HTTP 429){detail}"
        hint = "Wait a moment and try again."
    elif kind == "timeout":
        message = f"{lead} gave up waiting for the request (HTTP {status}){detail}"
        hint = "Try again."
    elif kind == "validation":
        message = f"{lead} rejected the request for model {target.model} (HTTP {status}){detail}"
        hint = _validation_hint(detail.lower(), target)
        if any(words in detail.lower() for words in _CONTEXT):
            window = context_window_in(detail) or context_window_in(text)
            return ContextTooSmall(
                message, hint, provider="openai", window=window, code=str(status)
            )
    else:
        message = f"{lead} failed (HTTP {status}){detail}"
        hint = "Check the server's own log; it may be out of memory or still loading the model."
    return ProviderError(message, hint, kind=kind, provider="openai", code=str(status))


# What servers say when the prompt and the reply asked for do not fit the model's context
# (llama.cpp: "exceeds the available context size", "exceed_context_size_error"; OpenAI and vLLM:
# "maximum context length is 2048 tokens"; Ollama: "context length").
_CONTEXT = ("context length", "context size", "context window", "exceed_context", "n_ctx")
_NOT_SERVED = ("not found", "does not exist", "no such model", "unknown model", "try pulling")


# "maximum context length is 2048 tokens" (OpenAI, vLLM), "exceed context window of 2048"
# (llama-cpp-python), "context size (2048 tokens)" / "n_ctx: 2048" (llama.cpp).
_WINDOW = re.compile(
    r"(?:context length is|context window of|context size[^0-9]{0,20}|n_ctx|context_length)"
    r"\W{0,3}(\d{3,7})",
    re.IGNORECASE,
)


def context_window_in(detail: str) -> int | None:
    """The context window (tokens) a server's refusal names, if it names one."""
    match = _WINDOW.search(detail)
    return int(match.group(1)) if match else None


def _validation_hint(detail: str, target: ServerTarget) -> str:
    """The fix for a refused request, from what the server said was wrong."""
    if any(words in detail for words in _CONTEXT):
        return (
            "The prompt and the reply asked for do not fit the model's context window: lower "
            "max_tokens (`learnplat config set max_tokens 1000`), or start the server with a "
            "larger context (llama.cpp: `-c 8192`; Ollama: the model's `num_ctx`)."
        )
    if any(words in detail for words in _NOT_SERVED) and "model" in detail:
        return (
            f"The server does not serve {target.model}: for Ollama `ollama pull {target.model}`;"
            " otherwise set `model` to one `GET /v1/models` lists."
        )
    return (
        f"Check the model name (for Ollama: `ollama pull {target.model}`) and the base URL, "
        "which should end in /v1."
    )


def network_error(
    exc: BaseException, target: ServerTarget, *, mid_stream: bool = False
) -> ProviderError:
    """The ProviderError for a socket-level failure talking to the server."""
    server = f"the model server at {target.base_url}"
    lead = f"The model server at {target.base_url}"
    if isinstance(exc, TimeoutError):
        return ProviderError(
            f"{lead} did not answer within {target.timeout:g} s",
            "A large model may need longer: raise the timeout, or use a smaller model.",
            kind="timeout",
            provider="openai",
        )
    if mid_stream:
        message = f"{lead} dropped the connection mid-answer"
        hint = "Try again; check the server's log if it keeps happening."
    elif isinstance(exc, ConnectionRefusedError):
        message = f"Cannot reach {server}: connection refused"
        hint = "Start the server (for Ollama: `ollama serve`) or fix the base URL in your config."
    elif isinstance(exc, socket.gaierror):
        message = f"Cannot reach {server}: the host name does not resolve"
        hint = "Check the base URL in your config and your network connection."
    elif isinstance(exc, ssl.SSLError):
        message = f"Cannot talk securely to {server}: {one_line(exc, 120)}"
        hint = "Check the URL's scheme (http vs https) and the server's certificate."
    else:
        what = one_line(exc, 120) or type(exc).__name__
        if isinstance(exc, http.client.HTTPException) and not str(exc):
            what = type(exc).__name__
        message = f"Cannot reach {server}: {what}"
        hint = "Check that the server is running and the base URL is right."
    return ProviderError(message, hint, kind="unavailable", provider="openai")


def stream_error(payload: Any, target: ServerTarget) -> ProviderError:
    """The ProviderError for an error event sent inside a 200 streaming response."""
    code = None
    if isinstance(payload, dict):
        inner = payload.get("error", payload)
        if isinstance(inner, dict):
            raw_code = inner.get("code", inner.get("status"))
            code = raw_code if isinstance(raw_code, int) else None
            if code is None and "rate" in str(inner.get("type", "")):
                code = 429
    kind: Kind = _kind_for_status(code) if code else "unavailable"
    return ProviderError(
        f"The model server at {target.base_url} failed mid-answer: {payload_message(payload)}",
        "Try again; the partial answer is incomplete.",
        kind=kind,
        provider="openai",
        code=str(code) if code else None,
    )


def bad_output(what: str, target: ServerTarget) -> ProviderError:
    """The ProviderError for a reply we cannot read."""
    return ProviderError(
        f"The model server at {target.base_url} sent a reply we cannot read: {one_line(what, 160)}",
        "Check that the base URL points at an OpenAI-compatible /v1 endpoint.",
        kind="bad-output",
        provider="openai",
    )


def deadline_error(target: ServerTarget, pieces: int, elapsed: float | None) -> ProviderError:
    """The ProviderError for a reply not finished within the time given to it (the connection is
    closed, so the server stops writing it); ``elapsed`` None: it had not begun to answer."""
    if elapsed is None:
        what = "the time given to it ran out before it began to answer"
    else:
        so_far = f" (it had written ~{pieces} tokens)" if pieces else ""
        what = f"stopped after {elapsed:.0f} s{so_far}"
    return ProviderError(
        f"The model at {target.base_url} did not finish in time: {what}",
        "A small model on a CPU may need longer: `learnplat config set timeout 600`; or use a "
        "faster model, or a shorter level or format.",
        kind="timeout",
        provider="openai",
    )
