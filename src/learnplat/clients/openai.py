"""OpenAIChat: any OpenAI-compatible /v1/chat/completions server (Ollama, llama.cpp, vLLM)."""

from __future__ import annotations

import http.client
import json
import os
import random
import time
from collections.abc import Iterator, Sequence
from typing import Any, Literal
from urllib.parse import urlsplit

from learnplat.clients import openai_probe
from learnplat.clients.base import Message, ReplyShape
from learnplat.clients.errors import ProviderError
from learnplat.clients.openai_errors import (
    ServerTarget,
    bad_output,
    deadline_error,
    network_error,
    status_error,
    stream_error,
)
from learnplat.clients.server_memory import ServerMemory
from learnplat.clients.sse import ServerEvent, SSEParser

# Connecting should be quick even when a long answer may take minutes.
CONNECT_TIMEOUT_S = 10.0
_READ_SIZE = 65536
# Busy or restarting servers: asked again after a pause (Retry-After when given, up to this).
RETRY_STATUSES = (429, 502, 503, 504)
MAX_RETRY_AFTER_S = 20.0
_RETRYABLE_CONNECT = (ConnectionRefusedError, ConnectionResetError, http.client.RemoteDisconnected)

# How a reply's JSON shape is asked for, best first. llama.cpp, Ollama, vLLM and OpenAI take a
# JSON Schema as "json_schema"; llama-cpp-python takes one inside "json_object"; older servers
# take only "json_object"; some take no response_format at all.
StructuredMode = Literal["json_schema", "json_object_schema", "json_object", "text"]
STRUCTURED_MODES: tuple[StructuredMode, ...] = (
    "json_schema",
    "json_object_schema",
    "json_object",
    "text",
)


def response_format(mode: StructuredMode, shape: ReplyShape | None) -> dict[str, Any] | None:
    """The ``response_format`` field for ``mode`` (None: send none)."""
    if mode == "text":
        return None
    if shape is None or mode == "json_object":
        return {"type": "json_object"}
    if mode == "json_object_schema":
        return {"type": "json_object", "schema": shape.schema}
    return {"type": "json_schema", "json_schema": {"name": shape.name, "schema": shape.schema}}


def _refused_format(status: int, text: str) -> Literal["field", "schema"] | None:
    """Whether a refusal is about ``response_format``: the whole field ("field": an unknown
    argument) or the kind of format or schema asked for ("schema"). llama-cpp-python's server
    answers a request it cannot validate with HTTP 500 naming the field."""
    lowered = text.lower()
    if status == 500 and not ("response_format" in lowered or "json_schema" in lowered):
        return None
    if status not in (400, 422, 500):
        return None
    if "response_format" in lowered and any(
        word in lowered
        for word in ("unrecognized", "unknown", "extra", "not permitted", "unsupported")
    ):
        return "field"
    if any(word in lowered for word in ("response_format", "json_schema", "schema", "grammar")):
        return "schema"
    return None


class _HTTPStatusError(Exception):
    """A non-2xx answer, kept raw so the caller can decide to retry, or retry without a feature."""

    def __init__(self, status: int, text: str, retry_after: str | None = None) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status
        self.text = text
        try:
            self.retry_after: float | None = max(0.0, float(retry_after or ""))
        except ValueError:
            self.retry_after = None  # absent, or an HTTP date: our own backoff


class _Unreachable(Exception):
    """The request could not be sent or its answer not read; ``cause`` is the socket error."""

    def __init__(self, cause: BaseException) -> None:
        super().__init__(str(cause))
        self.cause = cause


class OpenAIChat:
    """Chat over HTTP with the standard library only; one connection per request.

    The API key is read from the environment variable named by ``api_key_env`` at each request
    and sent as a Bearer token when set.

    Structured output: a request with a ``shape`` sends its JSON Schema as ``response_format``.
    A server that refuses that (HTTP 400/422 naming the field or the schema) is asked again one
    step down ``STRUCTURED_MODES`` at once, and the step that worked is kept in ``memory`` for
    the server, so later requests (and later runs) start there.

    Refused connections and busy servers (429, 502, 503, 504) are asked again ``retries`` times
    with exponential backoff, never past a request's deadline. Closing a stream closes its
    connection, which makes llama.cpp, Ollama and vLLM stop generating.
    """

    name = "openai"

    def __init__(
        self,
        base_url: str = "http://localhost:11434/v1",
        model: str = "llama3.1",
        api_key_env: str | None = "OPENAI_API_KEY",
        timeout: float = 300,
        memory: ServerMemory | None = None,
        retries: int = 2,
        backoff_s: float = 0.5,
        context_window: int | None = None,
    ) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ProviderError(
                f"The model server URL {base_url!r} is not an http(s) URL",
                "Use something like http://localhost:11434/v1.",
                kind="validation",
                provider=self.name,
            )
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.api_key_env = api_key_env
        self.timeout = timeout
        self.memory = memory or ServerMemory()
        self.retries = retries
        self.backoff_s = backoff_s
        self.configured_window = context_window
        self.learnt_window: int | None = None
        self._stated_window: int | None = None
        self._probed = False
        self._https = parts.scheme == "https"
        self._host = parts.hostname
        self._port = parts.port
        self._path = parts.path.rstrip("/") + "/chat/completions"

    def __repr__(self) -> str:
        return f"OpenAIChat(base_url={self.base_url!r}, model={self.model!r})"

    def context_window(self) -> int | None:
        """The context window the server runs the model with: as configured, else as the server
        says (llama.cpp /props, vLLM /v1/models, Ollama /api/show); None when nobody says."""
        if self.configured_window:
            return self.configured_window
        if self.learnt_window:
            return self.learnt_window
        if not self._probed:  # asked once for this client: its tutor and grader share the answer
            self._stated_window = openai_probe.context_window(
                self.base_url, self.model, self._api_key()
            )
            self._probed = True
        return self._stated_window

    def learn_context_window(self, window: int) -> None:
        """Keep the window a refusal named, for this client's lifetime (not across runs: a
        server restarted with a larger context would be under-used for good)."""
        self.learnt_window = window

    @property
    def structured_mode(self) -> StructuredMode:
        """How this server takes a reply's shape, as last found (the best mode until then)."""
        remembered = self.memory.get(self.base_url, "structured_output")
        return remembered if remembered in STRUCTURED_MODES else "json_schema"

    @structured_mode.setter
    def structured_mode(self, mode: StructuredMode) -> None:
        self.memory.put(self.base_url, "structured_output", mode)

    def complete(
        self,
        messages: Sequence[Message],
        *,
        system: str | None = None,
        max_tokens: int = 2000,
        temperature: float = 0.3,
        json_mode: bool = False,
    ) -> str:
        """Return the whole reply (``choices[0].message.content``); ``json_mode`` asks for a JSON
        object where the server takes ``response_format``."""
        body = self._body(messages, system, max_tokens, temperature, stream=False)
        mode: StructuredMode = "text"
        if json_mode:
            mode = "json_object" if self.structured_mode != "text" else "text"
        connection, response = self._send(body, None, mode, None)
        try:
            payload = self._read_json(response)
        finally:
            connection.close()
        return self._message_content(payload)

    def stream(
        self,
        messages: Sequence[Message],
        *,
        system: str | None = None,
        max_tokens: int = 2000,
        temperature: float = 0.3,
        shape: ReplyShape | None = None,
        deadline: float | None = None,
    ) -> Iterator[str]:
        """Yield ``choices[0].delta.content`` of each Server-Sent Event as it arrives.

        ``deadline`` (a ``time.monotonic()`` value) ends the reply with a "timeout"
        ProviderError, and closes the connection, when it has not finished by then.
        """
        body = self._body(messages, system, max_tokens, temperature, stream=True)
        mode = self.structured_mode if shape is not None else "text"
        connection, response = self._send(body, shape, mode, deadline)
        started, pieces, finished = time.monotonic(), 0, False
        try:
            content_type = response.getheader("Content-Type", "")
            if "event-stream" not in content_type and "json" in content_type:
                # The server ignored stream=true and answered in one piece.
                yield self._message_content(self._read_json(response))
                return
            parser = SSEParser()
            done = False
            while not done:
                chunk = self._read_some(response, connection, deadline, started, pieces)
                for event in parser.feed(chunk) if chunk else parser.close():
                    if event.data.strip() == "[DONE]":
                        done = True
                        break
                    text, finish_reason = self._delta(event)
                    finished = finished or finish_reason is not None
                    if text:
                        pieces += 1
                        yield text
                done = done or not chunk
        finally:
            connection.close()
        if not pieces and not finished:
            # Not a word and no finish: llama-cpp-python streams a failure (a prompt too long
            # for its context) as an empty stream. Asked again whole, the server says why.
            yield from self._whole(body, shape, mode, deadline)

    def _whole(
        self,
        body: dict[str, Any],
        shape: ReplyShape | None,
        mode: StructuredMode,
        deadline: float | None,
    ) -> Iterator[str]:
        if shape is not None:
            mode = self.structured_mode  # as the streamed request left it
        connection, response = self._send({**body, "stream": False}, shape, mode, deadline)
        try:
            text = self._message_content(self._read_json(response))
        finally:
            connection.close()
        if text:
            yield text

    def _body(
        self,
        messages: Sequence[Message],
        system: str | None,
        max_tokens: int,
        temperature: float,
        *,
        stream: bool,
    ) -> dict[str, Any]:
        turns = [{"role": "system", "content": system}] if system else []
        turns += [{"role": message.role, "content": message.content} for message in messages]
        return {
            "model": self.model,
            "messages": turns,
            "max_tokens": max_tokens,
            "temperature": temperature,
            "stream": stream,
        }

    def _send(
        self,
        body: dict[str, Any],
        shape: ReplyShape | None,
        mode: StructuredMode,
        deadline: float | None,
    ) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
        """POST ``body`` with the ``response_format`` of ``mode``; on a refused format, step
        down the modes (remembering the step) and send again."""
        while True:
            attempt = dict(body)
            fmt = response_format(mode, shape)
            if fmt is not None:
                attempt["response_format"] = fmt
            try:
                return self._post_retrying(attempt, deadline)
            except _HTTPStatusError as failure:
                refused = _refused_format(failure.status, failure.text) if fmt else None
                if refused is None:
                    raise status_error(failure.status, failure.text, self._target()) from None
            lower = (
                "text" if refused == "field" else STRUCTURED_MODES[STRUCTURED_MODES.index(mode) + 1]
            )
            if shape is not None or lower == "text":
                self.structured_mode = lower
            mode = lower

    def _post_retrying(
        self, body: dict[str, Any], deadline: float | None
    ) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
        """``_post``, again after a pause when the server refused the connection or was busy."""
        for attempt in range(self.retries + 1):
            try:
                return self._post(body, deadline)
            except _HTTPStatusError as failure:
                if failure.status not in RETRY_STATUSES or not self._pause(
                    attempt, failure.retry_after, deadline
                ):
                    raise
            except _Unreachable as failure:
                if not isinstance(failure.cause, _RETRYABLE_CONNECT) or not self._pause(
                    attempt, None, deadline
                ):
                    raise network_error(failure.cause, self._target()) from failure.cause
        raise AssertionError("unreachable")  # pragma: no cover

    def _pause(self, attempt: int, retry_after: float | None, deadline: float | None) -> bool:
        """Wait before asking again; False (no wait) when retries or the deadline run out."""
        if attempt >= self.retries:
            return False
        pause = retry_after
        if pause is None:
            pause = self.backoff_s * 2**attempt * random.uniform(0.75, 1.25)
        pause = min(pause, MAX_RETRY_AFTER_S)
        if deadline is not None and time.monotonic() + pause >= deadline:
            return False
        time.sleep(pause)
        return True

    def _post(
        self, body: dict[str, Any], deadline: float | None = None
    ) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
        headers = {
            "Content-Type": "application/json",
            "Accept": "text/event-stream" if body.get("stream") else "application/json",
            "User-Agent": "learnplat",
        }
        api_key = self._api_key()
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        connection_class = (
            http.client.HTTPSConnection if self._https else http.client.HTTPConnection
        )
        connection = connection_class(
            self._host, self._port, timeout=min(CONNECT_TIMEOUT_S, self._wait(deadline))
        )
        try:
            connection.connect()
            if connection.sock is not None:
                connection.sock.settimeout(self._wait(deadline))
            connection.request("POST", self._path, body=json.dumps(body).encode(), headers=headers)
            response = connection.getresponse()
            if 200 <= response.status < 300:
                return connection, response
            text = response.read().decode("utf-8", errors="replace")
        except TimeoutError as exc:
            connection.close()
            if deadline is not None and time.monotonic() >= deadline - 0.01:
                raise deadline_error(self._target(), 0, None) from exc
            raise network_error(exc, self._target()) from exc
        except (OSError, http.client.HTTPException) as exc:
            connection.close()
            raise _Unreachable(exc) from exc
        connection.close()
        raise _HTTPStatusError(response.status, text, response.getheader("Retry-After"))

    def _wait(self, deadline: float | None) -> float:
        """How long one socket operation may wait: the timeout, cut to what the deadline leaves."""
        if deadline is None:
            return self.timeout
        return max(0.001, min(self.timeout, deadline - time.monotonic()))

    def _read_some(
        self,
        response: http.client.HTTPResponse,
        connection: http.client.HTTPConnection,
        deadline: float | None,
        started: float,
        pieces: int,
    ) -> bytes:
        if deadline is not None:
            if time.monotonic() >= deadline:
                raise deadline_error(self._target(), pieces, time.monotonic() - started)
            if connection.sock is not None:
                connection.sock.settimeout(self._wait(deadline))
        try:
            return response.read1(_READ_SIZE)
        except TimeoutError as exc:
            if deadline is not None and time.monotonic() >= deadline - 0.01:
                raise deadline_error(self._target(), pieces, time.monotonic() - started) from exc
            raise network_error(exc, self._target(), mid_stream=True) from exc
        except (OSError, http.client.HTTPException) as exc:
            raise network_error(exc, self._target(), mid_stream=True) from exc

    def _read_json(self, response: http.client.HTTPResponse) -> Any:
        try:
            raw = response.read()
        except (OSError, http.client.HTTPException) as exc:
            raise network_error(exc, self._target(), mid_stream=True) from exc
        try:
            return json.loads(raw)
        except ValueError:
            raise bad_output(f"not JSON: {raw[:120]!r}", self._target()) from None

    def _message_content(self, payload: Any) -> str:
        if isinstance(payload, dict) and "error" in payload:
            raise stream_error(payload, self._target())
        try:
            content = payload["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError):
            raise bad_output("no choices[0].message.content", self._target()) from None
        if not isinstance(content, str):
            raise bad_output("the message has no text content", self._target())
        return content

    def _delta(self, event: ServerEvent) -> tuple[str | None, str | None]:
        """An event's ``choices[0].delta.content`` and ``finish_reason``."""
        try:
            payload = json.loads(event.data)
        except ValueError:
            if event.event == "error":
                raise stream_error(event.data, self._target()) from None
            raise bad_output(
                f"an event that is not JSON: {event.data[:120]!r}", self._target()
            ) from None
        if event.event == "error" or (isinstance(payload, dict) and "error" in payload):
            raise stream_error(payload, self._target())
        try:
            choices = payload["choices"]
        except (KeyError, TypeError):
            raise bad_output("a stream event without choices", self._target()) from None
        if not choices or not isinstance(choices[0], dict):
            return None, None  # e.g. the usage-only chunk some servers send last
        delta = choices[0].get("delta")
        content = delta.get("content") if isinstance(delta, dict) else None
        finish_reason = choices[0].get("finish_reason")
        return (
            content if isinstance(content, str) else None,
            finish_reason if isinstance(finish_reason, str) else None,
        )

    def _api_key(self) -> str | None:
        if not self.api_key_env:
            return None
        return os.environ.get(self.api_key_env) or None

    def _target(self) -> ServerTarget:
        return ServerTarget(
            self.base_url, self.model, self.api_key_env, bool(self._api_key()), self.timeout
        )
