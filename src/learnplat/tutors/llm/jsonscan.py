"""An incremental JSON scanner: feed it a reply as it streams, hear about values as they start.

It does not build values or check syntax (``json.loads`` on the whole reply does that); it only
tracks where in the document each character is, so a listener can show string values while the
reply is still arriving. Text before the first ``{`` (a code fence, a preamble) is skipped, and
so is everything after the top-level object closes.
"""

from __future__ import annotations

from typing import Literal, Protocol

Path = tuple[str | int, ...]
Container = Literal["object", "array"]

_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_SCALAR_END = frozenset(",]} \t\r\n")


class JsonListener(Protocol):
    """What the scanner reports. ``path`` locates a value: object keys and array indexes."""

    def opened(self, path: Path, kind: Container) -> None: ...

    def closed(self, path: Path, kind: Container) -> None: ...

    def string_started(self, path: Path) -> None: ...

    def string_text(self, path: Path, text: str) -> None: ...

    def string_ended(self, path: Path) -> None: ...

    def scalar(self, path: Path, raw: str) -> None: ...


class _Frame:
    __slots__ = ("expect_key", "kind", "position")

    def __init__(self, kind: Container) -> None:
        self.kind: Container = kind
        self.position: str | int = 0 if kind == "array" else ""
        self.expect_key = kind == "object"


class JsonScanner:
    """Feed text chunks with ``feed``; string contents reach the listener decoded, in order."""

    def __init__(self, listener: JsonListener) -> None:
        self._listener = listener
        self._stack: list[_Frame] = []
        self._started = False
        self.finished = False
        self._in_string = False
        self._string_is_key = False
        self._escape: str | None = None  # "" right after a backslash, "uXXXX" while collecting
        self._high_surrogate: int | None = None
        self._pending: list[str] = []  # decoded characters not yet reported
        self._scalar: list[str] | None = None

    def feed(self, chunk: str) -> None:
        for char in chunk:
            if self.finished:
                break
            if not self._started:
                if char == "{":
                    self._started = True
                    self._open("object")
            elif self._in_string:
                self._string_char(char)
            elif self._scalar is not None and char not in _SCALAR_END:
                self._scalar.append(char)
            else:
                if self._scalar is not None:
                    self._end_scalar()
                self._structural(char)
        self._flush()

    def _path(self) -> Path:
        return tuple(frame.position for frame in self._stack)

    def _structural(self, char: str) -> None:
        top = self._stack[-1]
        if char == '"':
            self._in_string = True
            self._string_is_key = top.kind == "object" and top.expect_key
            if not self._string_is_key:
                self._listener.string_started(self._path())
        elif char == ":":
            top.expect_key = False
        elif char == ",":
            if top.kind == "array" and isinstance(top.position, int):
                top.position += 1
            else:
                top.expect_key = True
        elif char in "{[":
            self._open("object" if char == "{" else "array")
        elif char in "}]":
            self._stack.pop()
            if self._stack:
                self._listener.closed(self._path(), top.kind)
            else:
                self._listener.closed((), top.kind)
                self.finished = True
        elif not char.isspace():
            self._scalar = [char]

    def _open(self, kind: Container) -> None:
        self._listener.opened(self._path(), kind)
        self._stack.append(_Frame(kind))

    def _end_scalar(self) -> None:
        raw = "".join(self._scalar or ())
        self._scalar = None
        self._listener.scalar(self._path(), raw)

    def _string_char(self, char: str) -> None:
        if self._escape is None:
            if char == "\\":
                self._escape = ""
            elif char == '"':
                self._end_string()
            else:
                self._pending.append(char)
        elif self._escape == "" and char != "u":
            self._escape = None
            self._pending.append(_ESCAPES.get(char, char))
        else:
            self._escape += char
            if len(self._escape) == 5:
                self._unicode_escape(self._escape[1:])
                self._escape = None

    def _unicode_escape(self, digits: str) -> None:
        try:
            code = int(digits, 16)
        except ValueError:
            return
        if 0xD800 <= code < 0xDC00:
            self._high_surrogate = code
            return
        if 0xDC00 <= code < 0xE000:
            high, self._high_surrogate = self._high_surrogate, None
            if high is not None:
                self._pending.append(chr(0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00)))
            return
        self._pending.append(chr(code))

    def _end_string(self) -> None:
        self._in_string = False
        top = self._stack[-1]
        if self._string_is_key:
            top.position = "".join(self._pending)
            self._pending = []
        else:
            self._flush()
            self._listener.string_ended(self._path())

    def _flush(self) -> None:
        if self._pending and not self._string_is_key:
            text, self._pending = "".join(self._pending), []
            self._listener.string_text(self._path(), text)
