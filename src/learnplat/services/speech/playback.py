"""Playback handles: a sound that is playing, to wait for, pause (where possible) or stop."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from typing import Any, Protocol


class Playback(Protocol):
    """A sound being played. ``can_pause`` says whether pause/resume do anything here."""

    player: str
    can_pause: bool

    def is_playing(self) -> bool: ...

    def pause(self) -> bool: ...

    def resume(self) -> bool: ...

    def stop(self) -> None: ...

    def wait(self, timeout_s: float | None = None) -> bool:
        """Block until the sound ends (True) or ``timeout_s`` passes (False)."""
        ...


class ProcessPlayback:
    """A system player running as a subprocess; pause and resume are SIGSTOP and SIGCONT."""

    can_pause = hasattr(signal, "SIGSTOP")

    def __init__(self, process: subprocess.Popen[bytes], player: str) -> None:
        self.process = process
        self.player = player
        self.paused = False

    @property
    def returncode(self) -> int | None:
        return self.process.poll()

    def is_playing(self) -> bool:
        return self.process.poll() is None and not self.paused

    def _signal(self, signum: int) -> bool:
        if self.process.poll() is not None:
            return False
        try:
            os.kill(self.process.pid, signum)
        except ProcessLookupError:
            return False
        return True

    def pause(self) -> bool:
        if not self.can_pause or self.paused or not self._signal(signal.SIGSTOP):
            return False
        self.paused = True
        return True

    def resume(self) -> bool:
        if not self.can_pause or not self.paused or not self._signal(signal.SIGCONT):
            return False
        self.paused = False
        return True

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            if self.paused:
                self.resume()  # a stopped process only acts on SIGTERM once continued
            try:
                self.process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.paused = False

    def wait(self, timeout_s: float | None = None) -> bool:
        try:
            self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            return False
        return True


class SimpleaudioPlayback:
    """simpleaudio's PlayObject: it can stop but not pause."""

    can_pause = False
    player = "simpleaudio"

    def __init__(self, play_object: Any) -> None:
        self.play_object = play_object

    def is_playing(self) -> bool:
        return bool(self.play_object.is_playing())

    def pause(self) -> bool:
        return False

    def resume(self) -> bool:
        return False

    def stop(self) -> None:
        self.play_object.stop()

    def wait(self, timeout_s: float | None = None) -> bool:
        if timeout_s is None:
            self.play_object.wait_done()
            return True
        deadline = time.monotonic() + timeout_s
        while self.is_playing():
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)
        return True
