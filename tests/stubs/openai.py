"""A stub OpenAI-compatible server: /v1/chat/completions, plain JSON and Server-Sent Events."""

from __future__ import annotations

import json
import threading
import time
from typing import Any, Literal

from tests.stubs.server import StubHandler, StubServer


def _chunk(delta: dict[str, Any], finish_reason: str | None = None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-stub",
        "object": "chat.completion.chunk",
        "created": 1700000000,
        "model": "stub-model",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
    }


class OpenAIStub(StubServer):
    """Scriptable: set the attributes before the client calls, read ``requests`` after."""

    def __init__(self) -> None:
        super().__init__()
        self.reply = "Mitochondria make ATP."
        self.chunks = ["Mito", "chondria ", "make ", "ATP — énergie."]
        # (status, JSON body) or (status, JSON body, headers), one per request
        self.failures: list[tuple[Any, ...]] = []
        self.reject_response_format = False
        self.malformed = False
        self.stream_error_after: int | None = None  # send an error event after N chunks
        self.stream_error_style: Literal["data", "field"] = "data"
        self.drop_after: int | None = None  # hang up mid-stream after N chunks
        self.hold_after_first: threading.Event | None = None
        self.delay_s = 0.0
        self.rest_released = threading.Event()  # set before anything after the first chunk
        self.split_reads = 0  # events sent in two pieces with a pause between
        self.models = ["stub-model"]  # what GET /v1/models lists
        self.models_owner = "stub"  # "llamacpp": the server answers to any model name
        # Streamed replies in turn, one per streaming request; ``chunks`` once they run out.
        self.streams: list[list[str]] = []
        # A llama.cpp-like context: GET /props says it, and a request whose prompt (at 3
        # characters a token) plus max_tokens exceeds it is refused as llama.cpp refuses it.
        self.n_ctx: int | None = None
        self.props = True  # whether GET /props answers (llama-cpp-python's server has none)
        self.chars_per_token = 3  # 2: text denser in tokens than learnplat estimates
        # Refuse response_format of these types, as a server without them does (HTTP 400).
        self.refused_formats: set[str] = set()
        # llama-cpp-python's ways: a refused format is HTTP 500 with a validation message, and a
        # streamed prompt too long for n_ctx an empty stream (the refusal only when not streamed).
        self.refuse_as_llama_cpp_python = False
        self.chunk_delay_s = 0.0  # pause between streamed chunks (a slow model)
        self.disconnected = threading.Event()  # set when the client hung up mid-stream

    @property
    def base_url(self) -> str:
        return self.url + "/v1"

    def bodies(self) -> list[dict[str, Any]]:
        """The chat requests' bodies (not the GETs that ask what the server serves)."""
        return [
            request.json()
            for request in self.requests
            if request.path.endswith("/chat/completions")
        ]


class _Handler(StubHandler):
    stub: OpenAIStub

    def do_GET(self) -> None:
        self.record()
        if self.path == "/props" and self.stub.props and self.stub.n_ctx:
            self.send_json(200, {"default_generation_settings": {"n_ctx": self.stub.n_ctx}})
            return
        if self.path != "/v1/models":
            self.send_json(404, {"error": "404 page not found"})
            return
        owner = self.stub.models_owner
        models = [{"id": name, "object": "model", "owned_by": owner} for name in self.stub.models]
        self.send_json(200, {"object": "list", "data": models})

    def do_POST(self) -> None:
        request = self.record()
        stub = self.stub
        if stub.delay_s:
            time.sleep(stub.delay_s)
        if self.path != "/v1/chat/completions":
            self.send_json(404, {"error": "404 page not found"})
            return
        body = request.json()
        with stub.lock:
            failure = stub.failures.pop(0) if stub.failures else None
        fmt = body.get("response_format") or {}
        if failure is not None:
            self.send_json(*failure)
        elif stub.reject_response_format and "response_format" in body:
            error = {"message": "Unrecognized request argument: response_format", "code": 400}
            self.send_json(400, {"error": error})
        elif fmt and _format_kind(fmt) in stub.refused_formats:
            if stub.refuse_as_llama_cpp_python:  # its validation errors come back as HTTP 500
                message = (
                    "1 validation error:\n  {'type': 'literal_error', 'loc': ('body', "
                    "'response_format', 'type'), 'msg': \"Input should be 'text' or "
                    "'json_object'\", 'input': 'json_schema'}"
                )
                error = {"message": message, "type": "internal_server_error", "code": None}
                self.send_json(500, {"error": error})
            else:
                error = {"message": f"response_format {fmt['type']!r} is not supported"}
                self.send_json(400, {"error": {**error, "code": 400}})
        elif (
            stub.n_ctx
            and _tokens(body, stub.chars_per_token) > stub.n_ctx
            and body.get("stream")
            and (stub.refuse_as_llama_cpp_python)
        ):  # llama-cpp-python fails a streamed prompt too long for it with an empty stream
            self.start_chunked("text/event-stream")
            self._event("data: " + json.dumps(_chunk({"role": "assistant"})))
            self.end_chunks()
        elif stub.n_ctx and _tokens(body, stub.chars_per_token) > stub.n_ctx:
            error = {
                "code": 400,
                "message": "the request exceeds the available context size, try increasing it",
                "type": "exceed_context_size_error",
                "n_prompt_tokens": _tokens(body, stub.chars_per_token) - body.get("max_tokens", 0),
                "n_ctx": stub.n_ctx,
            }
            self.send_json(400, {"error": error})
        elif stub.malformed:
            self.send_body(200, b"<html>Bad gateway</html>", "application/json")
        elif body.get("stream"):
            self._stream()
        else:
            message = {"role": "assistant", "content": stub.reply}
            self.send_json(
                200,
                {
                    "id": "chatcmpl-stub",
                    "object": "chat.completion",
                    "model": body.get("model"),
                    "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
                    "usage": {"prompt_tokens": 9, "completion_tokens": 5, "total_tokens": 14},
                },
            )

    def _event(self, line: str) -> None:
        """Send one SSE event split in two HTTP chunks (mid-UTF-8 where possible), pausing."""
        raw = (line + "\n\n").encode()
        lead = next((i for i, byte in enumerate(raw) if byte >= 0xC0), None)
        cut = len(raw) // 2 if lead is None else lead + 1
        self.write_chunk(raw[:cut])
        time.sleep(0.002)
        self.write_chunk(raw[cut:])
        self.stub.split_reads += 1

    def _stream(self) -> None:
        stub = self.stub
        with stub.lock:
            chunks = stub.streams.pop(0) if stub.streams else stub.chunks
        self.start_chunked("text/event-stream")
        self.write_chunk(b": keep-alive\n\n")
        self._event("data: " + json.dumps(_chunk({"role": "assistant", "content": ""})))
        try:
            self._stream_chunks(chunks)
        except (BrokenPipeError, ConnectionResetError):
            stub.disconnected.set()

    def _stream_chunks(self, chunks: list[str]) -> None:
        stub = self.stub
        for index, text in enumerate(chunks):
            if stub.chunk_delay_s:
                time.sleep(stub.chunk_delay_s)
            if index == stub.drop_after:
                self.wfile.write(b'40\r\ndata: {"cho')  # a chunk promised but never finished
                self.wfile.flush()
                self.close_connection = True
                return
            if index == stub.stream_error_after:
                self._stream_error()
                return
            self._event("data: " + json.dumps(_chunk({"content": text}), ensure_ascii=False))
            if index == 0 and stub.hold_after_first is not None:
                stub.hold_after_first.wait(timeout=5)
                stub.rest_released.set()
        self._event("data: " + json.dumps(_chunk({}, finish_reason="stop")))
        self._event("data: [DONE]")
        self.end_chunks()

    def _stream_error(self) -> None:
        error = {"message": "the model crashed: out of memory", "type": "server_error"}
        if self.stub.stream_error_style == "data":
            self._event("data: " + json.dumps({"error": error}))
        else:  # older llama.cpp servers: a non-standard "error:" field
            self._event("error: " + json.dumps({"code": 500, **error}))
            self._event("data: [DONE]")
        self.end_chunks()


def _format_kind(fmt: dict[str, Any]) -> str:
    """ "json_schema", "json_object_schema" (llama-cpp-python's form) or "json_object"."""
    if fmt.get("type") == "json_object" and "schema" in fmt:
        return "json_object_schema"
    return str(fmt.get("type"))


def _tokens(body: dict[str, Any], chars_per_token: int = 3) -> int:
    """What a request needs of the context: its messages at ``chars_per_token`` characters a
    token, plus the reply it asks for."""
    text = "".join(str(message.get("content", "")) for message in body.get("messages", []))
    return len(text) // chars_per_token + int(body.get("max_tokens", 0))


OpenAIStub.handler = _Handler
