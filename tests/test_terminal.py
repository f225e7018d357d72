"""The TUI in a real terminal: `learnplat tui` under tmux, driven by keys, read from the screen."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import require_program

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"


# A tmux server of our own (-L): a server that is already running would start the app with its
# environment instead of ours (PYTHONPATH, LEARNPLAT_HOME).
SOCKET = f"learnplat-test-{uuid.uuid4().hex[:8]}"


def _tmux(*args: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        ["tmux", "-L", SOCKET, *args], capture_output=True, text=True, check=False, env=env
    )
    return done.stdout


@pytest.fixture
def terminal(isolated_home: Path) -> Iterator[Callable[..., str]]:
    require_program("tmux")
    session = f"learnplat-test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "TERM": "xterm-256color"}
    command = f"{sys.executable} -m learnplat --user ana tui"
    _tmux("new-session", "-d", "-s", session, "-x", "100", "-y", "30", command, env=env)

    def screen_until(*texts: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = _tmux("capture-pane", "-p", "-t", session)
            if all(text in screen for text in texts):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{texts!r} never appeared; the screen shows:\n{screen}")

    screen_until.session = session  # type: ignore[attr-defined]
    try:
        yield screen_until
    finally:
        _tmux("kill-server")


def test_tui_adds_searches_and_quits_in_a_real_terminal(terminal) -> None:
    session = terminal.session
    terminal("Learn", "Teach Back", "Challenges", "Library", "Progress", "library is empty")
    # Drop the file on the terminal (a bracketed paste). The first paste can arrive before the
    # app listens; pasting again is safe, since the same file is never added twice.
    _tmux("set-buffer", "-b", "drop", str(SAMPLES / "photosynthesis.md"))
    for _ in range(10):
        _tmux("paste-buffer", "-p", "-b", "drop", "-t", session)
        try:
            terminal("Photosynthesis", "638", timeout=2)
            break
        except AssertionError:
            continue
    screen = terminal("Photosynthesis", "638")
    assert "Error" not in screen

    _tmux("send-keys", "-t", session, "Escape")
    # A key sent right after ESC reads as alt+key: let the terminal parser see ESC alone.
    time.sleep(0.5)
    _tmux("send-keys", "-t", session, "/")
    _tmux("send-keys", "-t", session, "RuBisCO", "Enter")
    terminal("Calvin", "RuBisCO attaches")

    _tmux("send-keys", "-t", session, "C-q")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and session in _tmux("list-sessions", "-F", "#S"):
        time.sleep(0.1)
    assert session not in _tmux("list-sessions", "-F", "#S"), "ctrl+q did not quit the app"
