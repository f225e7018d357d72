"""A threaded HTTP server on 127.0.0.1 for stubs: ephemeral port, request recording, chunking."""

from __future__ import annotations

import json
import sys
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar


@dataclass(frozen=True)
class RecordedRequest:
    """One request the stub received; header names are lower-case."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    stub: StubServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients hanging up early (timeout tests) are expected; other failures are shown."""
        if not isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            super().handle_error(request, client_address)


class StubHandler(BaseHTTPRequestHandler):
    """Base handler: HTTP/1.1, no access log, helpers for JSON and chunked bodies."""

    protocol_version = "HTTP/1.1"
    server: _QuietServer

    @property
    def stub(self) -> Any:
        return self.server.stub

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def record(self) -> RecordedRequest:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        request = RecordedRequest(
            self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body
        )
        with self.stub.lock:
            self.stub.requests.append(request)
        return request

    def send_body(
        self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def send_json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        self.send_body(status, json.dumps(payload).encode(), "application/json", headers)

    def start_chunked(self, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

    def write_chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def end_chunks(self) -> None:
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()


class StubServer:
    """Runs ``handler`` in a thread; subclasses hold the script the handler follows."""

    handler: ClassVar[type[StubHandler]]

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests: list[RecordedRequest] = []
        self.replies: list[str] = [""]
        self._server: _QuietServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def reply(self) -> str:
        """The next non-streaming reply: each of ``replies`` in turn, the last one repeating."""
        with self.lock:
            return self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]

    @reply.setter
    def reply(self, value: str) -> None:
        self.replies = [value]

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the stub first"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> StubServer:
        self._server = _QuietServer(("127.0.0.1", 0), self.handler)
        self._server.stub = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
