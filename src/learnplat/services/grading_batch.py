"""Grade a JSON Lines file of answers line by line: a bad line is reported with its id and the
lines after it are graded all the same."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from ..errors import BadInput, LearnplatError
from .library import open_regular

if TYPE_CHECKING:
    from ..domain.model import Grade
    from .teachback import TeachBack

log = logging.getLogger("learnplat.grading")

# A line holds a reference (at most 20,000 words) and an answer: 2 MB is far past both.
MAX_LINE_BYTES = 2 * 1024 * 1024
_BOM = b"\xef\xbb\xbf"
_READ = 64 * 1024


@dataclass(frozen=True)
class BatchLine:
    """One graded line: its id (the line's "id", else its number), and its grade or why not.
    ``position`` is how many bytes of the file have been read, for a progress bar."""

    id: str | int
    grade: Grade | None
    error: str | None
    position: int


class _BadLine(Exception):
    """A line that cannot be graded: the message says why."""


def _lines(stream: BinaryIO) -> Iterator[tuple[int, bytes | None, int]]:
    """(number, bytes, position) per line, split at "\\n" only (U+2028 inside a string is not a
    line end); bytes is None for a line longer than MAX_LINE_BYTES, which is skipped unread."""
    number, position = 0, 0
    while True:
        line = stream.readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        number += 1
        position += len(line)
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            while (rest := stream.readline(_READ)) and not rest.endswith(b"\n"):
                position += len(rest)
            position += len(rest)
            yield number, None, position
            continue
        if number == 1 and line.startswith(_BOM):
            line = line[len(_BOM) :]
        yield number, line, position


def _text(row: dict[str, Any], key: str, *, required: bool) -> str | None:
    value = row.get(key)
    if value is None and not required:
        return None
    if value is None:
        raise _BadLine(f'"{key}" is missing' if key not in row else f'"{key}" is null')
    if not isinstance(value, str):
        raise _BadLine(f'"{key}" must be text, not {_kind(value)}')
    return value


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, float) and value != value:
        return "NaN"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    return "an object" if isinstance(value, dict) else type(value).__name__


def _row(number: int, line: bytes) -> dict[str, Any]:
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _BadLine(f"line {number} is not UTF-8 text (byte {exc.start + 1})") from exc
    try:
        row = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _BadLine(f"line {number} is not JSON: {exc.msg}") from exc
    except RecursionError as exc:
        raise _BadLine(f"line {number} is nested too deeply to be an answer") from exc
    if not isinstance(row, dict):
        raise _BadLine(f"line {number} must be a JSON object, not {_kind(row)}")
    return row


def _line_id(row: dict[str, Any], number: int) -> str | int:
    """The line's own id when it is text or a whole number, else the line's number."""
    value = row.get("id")
    if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    if value is not None:
        raise _BadLine(f'"id" must be text or a whole number, not {_kind(value)}')
    return number


def open_batch(path: Path) -> BinaryIO:
    """The batch file, opened. Raises BadInput when it is missing, unreadable or not a regular
    file (a FIFO would wait for a writer forever)."""
    if not path.exists():
        raise BadInput(f"no such file: {path}", hint="check the path, or give - for stdin")
    try:
        return open_regular(path)
    except OSError as exc:
        raise BadInput(f"cannot read {path}: {exc.strerror or exc}") from exc


def grade_lines(
    teachback: TeachBack, stream: BinaryIO, level: str, *, close: bool = False
) -> Iterator[BatchLine]:
    """Grade each line {"id", "reference", "answer", "question"?, "level"?} of ``stream`` in
    turn; blank lines are passed over. Never raises for one line: its BatchLine carries the
    error (an unexpected one is logged with its traceback) and the next line is graded.
    ``close``: close the stream when done."""
    try:
        yield from _graded(teachback, stream, level)
    finally:
        if close:
            stream.close()


def _graded(teachback: TeachBack, stream: BinaryIO, level: str) -> Iterator[BatchLine]:
    for number, line, position in _lines(stream):
        line_id: str | int = number
        try:
            if line is None:
                raise _BadLine(f"line {number} is longer than {MAX_LINE_BYTES // 2**20} MB")
            if not line.strip():
                continue
            row = _row(number, line)
            line_id = _line_id(row, number)
            grade = teachback.grade_only(
                _text(row, "reference", required=True) or "",
                _text(row, "answer", required=True) or "",
                level=_text(row, "level", required=False) or level,
                question=_text(row, "question", required=False),
            )
            yield BatchLine(line_id, grade, None, position)
        except _BadLine as exc:
            yield BatchLine(line_id, None, str(exc), position)
        except LearnplatError as exc:
            yield BatchLine(line_id, None, exc.message, position)
        except Exception as exc:  # a bug in grading one answer must not cost the others
            log.exception("grading line %d failed", number)
            yield BatchLine(
                line_id,
                None,
                f"could not grade this line: unexpected {exc.__class__.__name__} "
                "(the traceback is in the log file)",
                position,
            )
