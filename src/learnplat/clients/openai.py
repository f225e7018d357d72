"""OpenAIChat: any OpenAI-compatible /v1/chat/completions server (Ollama, llama.cpp, vLLM)."""

from __future__ import annotations

import http.client
import json
import os
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import urlsplit

from learnplat.clients.base import Message
from learnplat.clients.errors import ProviderError
from learnplat.clients.openai_errors import (
    ServerTarget,
    bad_output,
    network_error,
    status_error,
    stream_error,
)
from learnplat.clients.sse import ServerEvent, SSEParser

# Connecting should be quick even when a long answer may take minutes.
CONNECT_TIMEOUT_S = 10.0
_READ_SIZE = 65536


class _HTTPStatusError(Exception):
    """A non-2xx answer, kept raw so the caller can decide to retry without a feature."""

    def __init__(self, status: int, text: str) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status
        self.text = text


class OpenAIChat:
    """Chat over HTTP with the standard library only; one connection per request.

    The API key is read from the environment variable named by ``api_key_env`` at each request
    and sent as a Bearer token when set. JSON mode asks for ``response_format: json_object``; a
    server that rejects that field (HTTP 400/422 naming it) is asked again without it, and is
    not asked with it again for this client's lifetime.
    """

    name = "openai"

    def __init__(
        self,
        base_url: str = "http://localhost:11434/v1",
        model: str = "llama3.1",
        api_key_env: str | None = "OPENAI_API_KEY",
        timeout: float = 300,
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
        self.supports_response_format = True
        self._https = parts.scheme == "https"
        self._host = parts.hostname
        self._port = parts.port
        self._path = parts.path.rstrip("/") + "/chat/completions"

    def __repr__(self) -> str:
        return f"OpenAIChat(base_url={self.base_url!r}, model={self.model!r})"

    def complete(
        self,
        messages: Sequence[Message],
        *,
        system: str | None = None,
        max_tokens: int = 2000,
        temperature: float = 0.3,
        json_mode: bool = False,
    ) -> str:
        """Return the whole reply (``choices[0].message.content``)."""
        body = self._body(messages, system, max_tokens, temperature, stream=False)
        if json_mode and self.supports_response_format:
            body["response_format"] = {"type": "json_object"}
        connection, response = self._send(body)
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
    ) -> Iterator[str]:
        """Yield ``choices[0].delta.content`` of each Server-Sent Event as it arrives."""
        body = self._body(messages, system, max_tokens, temperature, stream=True)
        connection, response = self._send(body)
        try:
            content_type = response.getheader("Content-Type", "")
            if "event-stream" not in content_type and "json" in content_type:
                # The server ignored stream=true and answered in one piece.
                yield self._message_content(self._read_json(response))
                return
            parser = SSEParser()
            while True:
                chunk = self._read_some(response)
                for event in parser.feed(chunk) if chunk else parser.close():
                    if event.data.strip() == "[DONE]":
                        return
                    text = self._delta_text(event)
                    if text:
                        yield text
                if not chunk:
                    return
        finally:
            connection.close()

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
        self, body: dict[str, Any]
    ) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
        """POST ``body``; on a rejected ``response_format``, drop it once and for all, resend."""
        try:
            return self._post(body)
        except _HTTPStatusError as failure:
            rejected_format = (
                "response_format" in body
                and failure.status in (400, 422)
                and "response_format" in failure.text.lower()
            )
            if not rejected_format:
                raise status_error(failure.status, failure.text, self._target()) from None
        self.supports_response_format = False
        retry = {key: value for key, value in body.items() if key != "response_format"}
        try:
            return self._post(retry)
        except _HTTPStatusError as failure:
            raise status_error(failure.status, failure.text, self._target()) from None

    def _post(
        self, body: dict[str, Any]
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
            self._host, self._port, timeout=min(CONNECT_TIMEOUT_S, self.timeout)
        )
        try:
            connection.connect()
            if connection.sock is not None:
                connection.sock.settimeout(self.timeout)
            connection.request("POST", self._path, body=json.dumps(body).encode(), headers=headers)
            response = connection.getresponse()
            if 200 <= response.status < 300:
                return connection, response
            text = response.read().decode("utf-8", errors="replace")
        except (OSError, http.client.HTTPException) as exc:
            connection.close()
            raise network_error(exc, self._target()) from exc
        connection.close()
        raise _HTTPStatusError(response.status, text)

    def _read_some(self, response: http.client.HTTPResponse) -> bytes:
        try:
            return response.read1(_READ_SIZE)
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

    def _delta_text(self, event: ServerEvent) -> str | None:
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
        if not choices:
            return None  # e.g. the usage-only chunk some servers send last
        delta = choices[0].get("delta") if isinstance(choices[0], dict) else None
        content = delta.get("content") if isinstance(delta, dict) else None
        return content if isinstance(content, str) else None

    def _api_key(self) -> str | None:
        if not self.api_key_env:
            return None
        return os.environ.get(self.api_key_env) or None

    def _target(self) -> ServerTarget:
        return ServerTarget(
            self.base_url, self.model, self.api_key_env, bool(self._api_key()), self.timeout
        )
