"""BedrockChat: Amazon Bedrock's Converse / ConverseStream API as a ChatClient."""

from __future__ import annotations

import random
import time
from collections.abc import Generator, Iterator, Sequence
from typing import Any

from learnplat.aws import LazyClient, boto3_client
from learnplat.clients.base import Message, ReplyShape
from learnplat.clients.bedrock_errors import (
    MID_STREAM_RETRYABLE,
    BedrockTarget,
    error_code,
    from_client_error,
    from_exception,
)
from learnplat.clients.errors import ProviderError

# Nova Pro rejects maxTokens above this; smaller requests pass through unchanged.
MAX_OUTPUT_TOKENS = 5000


class _StreamInterrupted(Exception):
    """A retryable failure after the stream had started; ``cause`` is what botocore raised."""

    def __init__(self, cause: BaseException) -> None:
        super().__init__(str(cause))
        self.cause = cause


class BedrockChat:
    """Chat over Bedrock runtime; AWS credentials come only from the standard boto3 chain.

    The boto3 client is created on first use, so building one opens no connection and does
    not import boto3. HTTP-level failures (throttling, 5xx, dropped connections) are retried by
    botocore's "standard" retry mode up to ``max_attempts``. Errors that arrive inside an
    already-started ConverseStream are retried here, ``mid_stream_retries`` times: the stream
    is restarted and the text the caller already has is skipped, so nothing is repeated. If the
    new stream does not reproduce that text (a sampled model may word it differently) the call
    fails with kind "unavailable" rather than splice two different answers together.
    """

    name = "bedrock"
    mid_stream_retries = 2
    mid_stream_backoff_s = 0.5

    def __init__(
        self,
        model: str = "amazon.nova-pro-v1:0",
        region: str = "us-east-1",
        endpoint_url: str | None = None,
        read_timeout: float = 300,
        connect_timeout: float = 10,
        max_attempts: int = 5,
        session: Any = None,
        context_window: int | None = None,
    ) -> None:
        self.model = model
        self.region = region
        self.endpoint_url = endpoint_url
        self.read_timeout = read_timeout
        self.connect_timeout = connect_timeout
        self.max_attempts = max_attempts
        self._session = session
        self.configured_window = context_window
        self._client = LazyClient(self._make_client)
        self._target = BedrockTarget(model, region, endpoint_url, read_timeout, max_attempts)

    def __repr__(self) -> str:
        return f"BedrockChat(model={self.model!r}, region={self.region!r})"

    def context_window(self) -> int | None:
        """The configured window, if any: Bedrock's models state theirs nowhere to ask."""
        return self.configured_window

    def complete(
        self,
        messages: Sequence[Message],
        *,
        system: str | None = None,
        max_tokens: int = 2000,
        temperature: float = 0.3,
        json_mode: bool = False,
    ) -> str:
        """Return the whole reply. ``json_mode`` changes nothing: Converse has no JSON switch."""
        request = self._request(messages, system, max_tokens, temperature)
        response = self._call("converse", request)
        try:
            blocks = response["output"]["message"]["content"]
            texts = [block["text"] for block in blocks if isinstance(block.get("text"), str)]
        except (KeyError, TypeError, AttributeError):
            texts = []
        if not texts:
            stop = response.get("stopReason", "none") if isinstance(response, dict) else "none"
            raise ProviderError(
                f"Bedrock's reply from {self.model} contained no text (stop reason: {stop})",
                "Try again; if it persists, the model may not support text chat via Converse.",
                kind="bad-output",
                provider=self.name,
            )
        return "".join(texts)

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
        """Yield the reply's text deltas as Bedrock sends them. ``shape`` is not sent: Converse
        takes no JSON Schema for text replies, so the prompt's example is all the model gets."""
        request = self._request(messages, system, max_tokens, temperature)
        started = time.monotonic()
        delivered = ""  # everything the caller has been given so far
        retries = 0
        while True:
            to_skip = delivered  # a restarted stream must first reproduce this
            replayed = ""
            deltas = self._deltas(request)
            try:
                for delta in deltas:
                    if to_skip:
                        replayed += delta
                        if not (to_skip.startswith(replayed) or replayed.startswith(to_skip)):
                            raise self._diverged()
                        if len(replayed) < len(to_skip):
                            continue
                        delta, to_skip = replayed[len(to_skip) :], ""
                        if not delta:
                            continue
                    delivered += delta
                    yield delta
                    if deadline is not None and time.monotonic() >= deadline:
                        raise self._late(time.monotonic() - started)
                if to_skip:
                    raise self._diverged()
                return
            except _StreamInterrupted as interrupted:
                if retries >= self.mid_stream_retries:
                    raise self._map(interrupted.cause, mid_stream=True) from interrupted.cause
                retries += 1
                time.sleep(self.mid_stream_backoff_s * 2 ** (retries - 1) * random.uniform(0.5, 1))
            finally:
                deltas.close()  # also when the caller stops early: release the connection

    def _late(self, elapsed: float) -> ProviderError:
        """A reply still arriving at its deadline: checked between pieces (botocore's read
        timeout bounds a model slow to begin)."""
        return ProviderError(
            f"Bedrock ({self.model}) did not finish in time: stopped after {elapsed:.0f} s",
            "Raise `timeout` (`learnplat config set timeout 600`), or ask for a shorter format.",
            kind="timeout",
            provider=self.name,
        )

    def _request(
        self, messages: Sequence[Message], system: str | None, max_tokens: int, temperature: float
    ) -> dict[str, Any]:
        request: dict[str, Any] = {
            "modelId": self.model,
            "messages": [
                {"role": message.role, "content": [{"text": message.content}]}
                for message in messages
            ],
            "inferenceConfig": {
                "maxTokens": min(max_tokens, MAX_OUTPUT_TOKENS),
                "temperature": temperature,
            },
        }
        if system:
            request["system"] = [{"text": system}]
        return request

    def _deltas(self, request: dict[str, Any]) -> Generator[str, None, None]:
        """Text deltas of one ConverseStream call; retryable mid-stream errors are wrapped."""
        from botocore.exceptions import (
            EventStreamError,
            ReadTimeoutError,
            ResponseStreamingError,
        )
        from urllib3.exceptions import ProtocolError
        from urllib3.exceptions import ReadTimeoutError as RawReadTimeout

        response = self._call("converse_stream", request)
        events = response["stream"]
        try:
            for event in events:
                text = event.get("contentBlockDelta", {}).get("delta", {}).get("text")
                if text:
                    yield text
        except EventStreamError as exc:
            if error_code(exc) in MID_STREAM_RETRYABLE:
                raise _StreamInterrupted(exc) from exc
            raise self._map(exc, mid_stream=True) from exc
        except (ReadTimeoutError, RawReadTimeout) as exc:
            raise self._map(exc) from exc
        except (ResponseStreamingError, ProtocolError) as exc:
            raise _StreamInterrupted(exc) from exc
        except Exception as exc:
            mapped = from_exception(exc, self._target)
            if mapped is None:
                raise
            raise mapped from exc
        finally:
            events.close()

    def _call(self, operation: str, request: dict[str, Any]) -> Any:
        client = self._get_client()
        try:
            return getattr(client, operation)(**request)
        except Exception as exc:
            raise self._map(exc) from exc

    def _map(self, exc: BaseException, *, mid_stream: bool = False) -> BaseException:
        """The ProviderError for ``exc``; an unknown exception is returned as is."""
        from botocore.exceptions import ClientError

        if isinstance(exc, ProviderError):
            return exc
        if isinstance(exc, ClientError):
            return from_client_error(exc, self._target, mid_stream=mid_stream)
        if isinstance(exc, _StreamInterrupted):
            return self._map(exc.cause, mid_stream=True)
        mapped = from_exception(exc, self._target)
        return exc if mapped is None else mapped

    def _diverged(self) -> ProviderError:
        return ProviderError(
            f"Bedrock's stream from {self.model} broke and the retry produced a different answer",
            "Ask again: the partial answer above is incomplete.",
            kind="unavailable",
            provider=self.name,
        )

    def _get_client(self) -> Any:
        return self._client.get()

    def _make_client(self) -> Any:
        try:
            return boto3_client(
                "bedrock-runtime",
                region=self.region,
                endpoint_url=self.endpoint_url,
                connect_timeout=self.connect_timeout,
                read_timeout=self.read_timeout,
                max_attempts=self.max_attempts,
                session=self._session,
            )
        except Exception as exc:
            mapped = self._map(exc)
            if isinstance(mapped, ProviderError):
                raise mapped from exc
            raise ProviderError(
                f"Cannot set up the Bedrock client for {self.region}: {exc}",
                "Check the region and endpoint URL in your config.",
                kind="validation",
                provider=self.name,
            ) from exc
