"""The TUI in a real terminal: `learnplat tui` under tmux, driven by keys, read from the screen."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import require_program

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
SAMPLE_FILES = ("photosynthesis.md", "cellular-respiration.pdf")


# A tmux server of our own (-L): a server that is already running would start the app with its
# environment instead of ours (PYTHONPATH, LEARNPLAT_HOME).
SOCKET = f"learnplat-test-{uuid.uuid4().hex[:8]}"


def _tmux(*args: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        ["tmux", "-L", SOCKET, *args], capture_output=True, text=True, check=False, env=env
    )
    return done.stdout


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "TERM": "xterm-256color"}


def learnplat(*args: str) -> str:
    """Run the CLI as ana, in the test's data dir; its stdout."""
    done = subprocess.run(
        [sys.executable, "-m", "learnplat", "--user", "ana", *args],
        capture_output=True, text=True, check=True, env=_env(), timeout=60,
    )
    return done.stdout


@contextmanager
def running_tui() -> Iterator[Callable[..., str]]:
    """``learnplat tui`` in a tmux session; yields a function that waits for texts on screen."""
    require_program("tmux")
    session = f"learnplat-test-{uuid.uuid4().hex[:8]}"
    env = _env()
    command = f"{sys.executable} -m learnplat --user ana tui"
    _tmux("new-session", "-d", "-s", session, "-x", "100", "-y", "30", command, env=env)
    # Some tmux builds start a detached session at 80x24 whatever -x/-y say: size it again.
    _tmux("resize-window", "-t", session, "-x", "100", "-y", "30")

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


@pytest.fixture
def terminal(isolated_home: Path) -> Iterator[Callable[..., str]]:
    with running_tui() as screen_until:
        yield screen_until


def press(session: str, *keys: str) -> None:
    """Keys at a person's pace: sent together they are read together, and a key read with
    the one that moves the focus still goes where the focus was."""
    for key in keys:
        _tmux("send-keys", "-t", session, key)
        time.sleep(0.3)


def remove_selected(session: str, screen_until: Callable[..., str]) -> None:
    """Remove the selected document through its confirmation (Cancel has the focus: Tab to
    Remove), until the undo notice shows: on a loaded machine a Tab can arrive before the
    modal reads keys, and Enter then cancels."""
    for _ in range(5):
        if "Remove document" not in screen_until(timeout=1):
            press(session, "Delete")
            screen_until("Remove document")
        press(session, "Tab", "Enter")
        try:
            screen_until("ctrl+z (undo)", timeout=5)
            return
        except AssertionError:
            continue
    screen_until("ctrl+z (undo)")


def _app_pid(session: str) -> int:
    """The app's own process in the session's pane (the pane may run it under a shell)."""
    pane = int(_tmux("display-message", "-p", "-t", session, "#{pane_pid}").strip())
    for pid in [pane, *(int(p) for p in os.listdir("/proc") if p.isdigit())]:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if (pid == pane or int(stat[1]) == pane) and b"learnplat" in cmdline:
            return pid
    raise AssertionError(f"no learnplat process under pane {pane}")


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

    # Keys read together with ctrl+f can still go where the focus was: on a loaded machine,
    # search again until the hit shows.
    for _ in range(5):
        press(session, "C-f", "C-u")
        _tmux("send-keys", "-t", session, "-l", "carbon fixation")
        press(session, "Enter")
        try:
            terminal("Calvin", "RuBisCO attaches", timeout=5)
            break
        except AssertionError:
            continue
    terminal("Calvin", "RuBisCO attaches")

    _tmux("send-keys", "-t", session, "C-q")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and session in _tmux("list-sessions", "-F", "#S"):
        time.sleep(0.1)
    assert session not in _tmux("list-sessions", "-F", "#S"), "ctrl+q did not quit the app"


def test_a_removal_is_undone_and_a_crash_before_its_time_is_up_loses_nothing(
    isolated_home: Path,
) -> None:
    learnplat("ingest", *(str(SAMPLES / name) for name in SAMPLE_FILES))
    with running_tui() as screen_until:
        session = screen_until.session  # type: ignore[attr-defined]
        screen_until("Photosynthesis", "Cellular respiration")
        # A path typed where the Library opens: every letter stays text (r was Remove). Keys
        # sent before the app reads the terminal are lost: type again until they show.
        for _ in range(10):
            _tmux("send-keys", "-t", session, "C-u")
            _tmux("send-keys", "-t", session, "-l", "~/notes/graph-notes.pdf")
            try:
                screen_until("~/notes/graph-notes.pdf", timeout=2)
                break
            except AssertionError:
                continue
        screen_until("~/notes/graph-notes.pdf", "Photosynthesis", "Cellular respiration")
        press(session, "C-u", "Tab", "Tab")
        remove_selected(session, screen_until)
        press(session, "C-z")
        screen_until("is back in your library")
        remove_selected(session, screen_until)
        os.kill(_app_pid(session), signal.SIGKILL)  # a crash while it can still be undone
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and session in _tmux("list-sessions", "-F", "#S"):
            time.sleep(0.1)
    titles = [document["title"] for document in json.loads(learnplat("docs", "list", "--json"))]
    assert len(titles) == 2, titles
