"""A stub Bedrock runtime: Converse (JSON) and ConverseStream (binary event stream) for botocore."""

from __future__ import annotations

import json
import struct
import threading
import time
import zlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from tests.stubs.server import StubHandler, StubServer

EVENTSTREAM = "application/vnd.amazon.eventstream"
_STRING_HEADER = 7


def encode_frame(headers: dict[str, str], payload: bytes) -> bytes:
    """One event-stream message: prelude (lengths + CRC), string headers, payload, CRC."""
    header_bytes = b""
    for name, value in headers.items():
        raw_name, raw_value = name.encode(), value.encode()
        header_bytes += struct.pack("B", len(raw_name)) + raw_name
        header_bytes += struct.pack(">BH", _STRING_HEADER, len(raw_value)) + raw_value
    total_length = 4 + 4 + 4 + len(header_bytes) + len(payload) + 4
    prelude = struct.pack(">II", total_length, len(header_bytes))
    message = prelude + struct.pack(">I", zlib.crc32(prelude)) + header_bytes + payload
    return message + struct.pack(">I", zlib.crc32(message))


def event_frame(event_type: str, payload: dict[str, Any]) -> bytes:
    headers = {
        ":event-type": event_type,
        ":content-type": "application/json",
        ":message-type": "event",
    }
    return encode_frame(headers, json.dumps(payload).encode())


def exception_frame(exception_type: str, message: str) -> bytes:
    headers = {
        ":exception-type": exception_type,
        ":content-type": "application/json",
        ":message-type": "exception",
    }
    return encode_frame(headers, json.dumps({"message": message}).encode())


@dataclass(frozen=True)
class HTTPFailure:
    """An error answer: HTTP status, the AWS error type, its message."""

    status: int
    error_type: str
    message: str


class BedrockStub(StubServer):
    """Scriptable: set the attributes before the client calls, read ``requests`` after."""

    def __init__(self) -> None:
        super().__init__()
        self.reply = "Photosynthesis turns light into sugar."
        self.chunks = ["Photo", "synthesis turns ", "light into sugar."]
        self.retry_chunks: list[str] | None = None  # chunks for stream calls after the first
        self.failures: list[HTTPFailure] = []  # answered in order, one per request
        self.malformed = False
        self.stream_exception: tuple[str, int] | None = None  # (type, after N chunks)
        self.stream_exception_calls = 1  # how many stream calls get the exception
        self.hold_after_first: threading.Event | None = None
        self.delay_s = 0.0
        self.stream_calls = 0
        self.rest_released = threading.Event()  # set before anything after the first chunk

    def model_requests(self, operation: str) -> list[dict[str, Any]]:
        """Bodies of the requests made to ``operation`` ("converse" / "converse-stream")."""
        return [r.json() for r in self.requests if unquote(r.path).endswith("/" + operation)]


class _Handler(StubHandler):
    stub: BedrockStub

    def do_POST(self) -> None:
        self.record()
        stub = self.stub
        if stub.delay_s:
            time.sleep(stub.delay_s)
        path = unquote(self.path)
        with stub.lock:
            failure = stub.failures.pop(0) if stub.failures else None
        if failure is not None:
            self.send_json(
                failure.status,
                {"message": failure.message},
                {"x-amzn-ErrorType": f"{failure.error_type}:http://internal.amazon.com/coral/"},
            )
        elif path.startswith("/model/") and path.endswith("/converse-stream"):
            self._converse_stream()
        elif path.startswith("/model/") and path.endswith("/converse"):
            self._converse()
        else:
            self.send_json(404, {"message": f"no route {path}"}, {"x-amzn-ErrorType": "UnknownOp"})

    def _converse(self) -> None:
        if self.stub.malformed:
            self.send_body(200, b"<html>upstream proxy error</html>", "application/json")
            return
        self.send_json(
            200,
            {
                "output": {
                    "message": {"role": "assistant", "content": [{"text": self.stub.reply}]}
                },
                "stopReason": "end_turn",
                "usage": {"inputTokens": 12, "outputTokens": 7, "totalTokens": 19},
                "metrics": {"latencyMs": 42},
            },
        )

    def _converse_stream(self) -> None:
        stub = self.stub
        with stub.lock:
            stub.stream_calls += 1
            call = stub.stream_calls
        chunks = stub.chunks if call == 1 or stub.retry_chunks is None else stub.retry_chunks
        fail_at = None
        if stub.stream_exception and call <= stub.stream_exception_calls:
            fail_at = stub.stream_exception[1]
        self.start_chunked(EVENTSTREAM)
        self.write_chunk(event_frame("messageStart", {"role": "assistant"}))
        for index, text in enumerate(chunks):
            if index == fail_at and stub.stream_exception:
                self.write_chunk(exception_frame(stub.stream_exception[0], "Slow down, please."))
                self.end_chunks()
                return
            delta = {"contentBlockIndex": 0, "delta": {"text": text}}
            self.write_chunk(event_frame("contentBlockDelta", delta))
            if index == 0 and stub.hold_after_first is not None:
                stub.hold_after_first.wait(timeout=5)
                stub.rest_released.set()
        self.write_chunk(event_frame("contentBlockStop", {"contentBlockIndex": 0}))
        self.write_chunk(event_frame("messageStop", {"stopReason": "end_turn"}))
        usage = {"inputTokens": 12, "outputTokens": 7, "totalTokens": 19}
        self.write_chunk(event_frame("metadata", {"usage": usage, "metrics": {"latencyMs": 42}}))
        self.end_chunks()


BedrockStub.handler = _Handler
