"""Read a player's answer while a countdown runs: one key on a terminal, a line from a pipe."""

from __future__ import annotations

import os
import select
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass

from . import output

TICK_S = 0.2
BAR_WIDTH = 20
KEYS = "1234"
LETTERS = "abcd"


@dataclass(frozen=True)
class Reply:
    """The option chosen (None: the time ran out), or ``quit`` to stop the round."""

    answer: str | None = None
    quit: bool = False


def _option_for(key: str, options: Sequence[str]) -> str | None:
    key = key.strip().lower()
    if key in KEYS[: len(options)] and key:
        return options[KEYS.index(key)]
    if key in LETTERS[: len(options)] and key:
        return options[LETTERS.index(key)]
    for option in options:
        if option.lower() == key:
            return option
    return None


def _bar(left_s: float, limit_s: float) -> str:
    filled = round(BAR_WIDTH * max(0.0, left_s) / limit_s) if limit_s else 0
    return "█" * filled + "░" * (BAR_WIDTH - filled)


def ask_with_countdown(options: Sequence[str], limit_s: float) -> Reply:
    """Wait for an answer until ``limit_s`` seconds have passed. On a terminal a single key
    answers (1-4 or A-D; q quits) while a bar counts down; from a pipe, one line is read."""
    if not sys.stdin.isatty():
        try:
            sys.stdin.fileno()
        except (AttributeError, OSError, ValueError):  # a stand-in stream (tests, embedding)
            return _from_prompt(options, echo=False)
        return _from_pipe(options, limit_s)
    try:
        import termios
        import tty
    except ImportError:  # no POSIX terminal control: a plain prompt, the service still times it
        return _from_prompt(options)
    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    deadline = time.monotonic() + limit_s
    try:
        tty.setcbreak(fd)
        while True:
            left = deadline - time.monotonic()
            output.err.file.write(
                f"\r{_bar(left, limit_s)} {max(0, left):4.0f} s  answer 1-4 (q to stop) "
            )
            output.err.file.flush()
            if left <= 0:
                return Reply(None)
            ready, _, _ = select.select([fd], [], [], min(TICK_S, max(left, 0.01)))
            if not ready:
                continue
            key = os.read(fd, 1).decode(errors="ignore")
            if key.lower() == "q":
                return Reply(quit=True)
            chosen = _option_for(key, options)
            if chosen is not None:
                return Reply(chosen)
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
        output.err.file.write("\n")
        output.err.file.flush()


class _Lines:
    """Lines from standard input read straight from its file descriptor, so that waiting with
    select() is never fooled by lines already sitting in Python's buffer."""

    def __init__(self) -> None:
        self.pending = b""
        self.ended = False

    def next_line(self, deadline: float) -> str | None:
        """The next line, "" at the end of input, None when ``deadline`` passes first."""
        fd = sys.stdin.fileno()
        while b"\n" not in self.pending and not self.ended:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                return None
            chunk = os.read(fd, 4096)
            self.ended = not chunk
            self.pending += chunk
        line, _, self.pending = self.pending.partition(b"\n")
        return line.decode("utf-8", errors="replace") + "\n" if line or not self.ended else ""


_lines = _Lines()


def _not_an_option(line: str) -> None:
    output.note(
        f"{output.literal(repr(line.strip()))} is not one of the options: answer 1-4, A-D or"
        " its text"
    )


def _from_pipe(options: Sequence[str], limit_s: float) -> Reply:
    """One line per answer; a line that names no option is reported and another is read."""
    deadline = time.monotonic() + limit_s
    while True:
        line = _lines.next_line(deadline)
        if line is None:
            return Reply(None)
        if not line or line.strip().lower() in ("q", "quit"):
            return Reply(quit=True)
        chosen = _option_for(line, options)
        if chosen is not None:
            return Reply(chosen)
        _not_an_option(line)


def _from_prompt(options: Sequence[str], *, echo: bool = True) -> Reply:
    """Lines without a countdown on screen (the service still times the answer)."""
    while True:
        line = input("answer 1-4 (q to stop): ") if echo else sys.stdin.readline()
        if not line and not echo:
            return Reply(quit=True)
        if line.strip().lower() in ("q", "quit"):
            return Reply(quit=True)
        chosen = _option_for(line, options)
        if chosen is not None:
            return Reply(chosen)
        _not_an_option(line)
