"""An incremental Server-Sent Events parser: feed it bytes as they arrive, get whole events."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ServerEvent:
    """One dispatched event: its ``event`` name ("message" unless named) and joined data."""

    event: str
    data: str


class SSEParser:
    """Turns a byte stream into events, however the bytes were split across reads.

    Lines are cut on LF (a CR before it is dropped), so a split inside a line or inside a UTF-8
    character is harmless. Comment lines (``: keep-alive``) are ignored. A non-standard
    ``error:`` field (older llama.cpp servers) is reported as an event named "error".
    """

    def __init__(self) -> None:
        self._buffer = b""
        self._event = ""
        self._data: list[str] = []

    def feed(self, chunk: bytes) -> list[ServerEvent]:
        """Add bytes; return the events they completed."""
        self._buffer += chunk
        events: list[ServerEvent] = []
        while True:
            newline = self._buffer.find(b"\n")
            if newline < 0:
                return events
            raw, self._buffer = self._buffer[:newline], self._buffer[newline + 1 :]
            event = self._line(raw.removesuffix(b"\r").decode("utf-8", errors="replace"))
            if event is not None:
                events.append(event)

    def close(self) -> list[ServerEvent]:
        """End of stream: flush a final event the server did not terminate with a blank line."""
        events = self.feed(b"\n") if self._buffer else []
        if self._data:
            events.append(self._dispatch())
        return events

    def _line(self, line: str) -> ServerEvent | None:
        if not line:
            return self._dispatch() if self._data else None
        if line.startswith(":"):
            return None
        field, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if field == "data":
            self._data.append(value)
        elif field == "event":
            self._event = value
        elif field == "error":
            self._event = "error"
            self._data.append(value)
        return None

    def _dispatch(self) -> ServerEvent:
        event = ServerEvent(self._event or "message", "\n".join(self._data))
        self._event, self._data = "", []
        return event
