"""The Challenges tab's countdown: the seconds left on a question and a bar that runs down,
read from a clock on every tick, and a message once when the time is up."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime

from textual.app import RenderResult
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget

from ..teach_views import bar, score_style

TICK_S = 0.25


class Countdown(Widget):
    """Time left until ``served_at + time_limit`` by ``clock``. Ticking only reads the clock,
    so it never blocks; the tests move the clock and call ``tick`` themselves."""

    DEFAULT_CSS = """
    Countdown {
        height: 1;
    }
    """

    class Expired(Message):
        """The time for the question served under ``token`` ran out."""

        def __init__(self, token: str) -> None:
            super().__init__()
            self.token = token

    def __init__(self, clock: Callable[[], datetime], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.clock = clock
        self.token = ""
        self.time_limit = 0
        self.seconds_left = 0.0
        self.running = False
        self._served_at: datetime | None = None
        self._timer: Timer | None = None

    def on_mount(self) -> None:
        self._timer = self.set_interval(TICK_S, self.tick, pause=True)

    def start(self, token: str, served_at: datetime, time_limit: int) -> None:
        """Count down from ``time_limit`` seconds after ``served_at`` (the service's stamp)."""
        self.token = token
        self.time_limit = time_limit
        self._served_at = served_at
        self.running = True
        self.tick()
        if self._timer is not None and self.running:
            self._timer.resume()

    def stop(self) -> None:
        """Stop where it is: the bar keeps showing how much time was left."""
        if self.running:
            self._read()
        self.running = False
        if self._timer is not None:
            self._timer.pause()

    def clear(self) -> None:
        """Stop and show nothing (between questions)."""
        self.stop()
        self.time_limit = 0
        self.refresh()

    def _read(self) -> None:
        if self._served_at is not None:
            taken = (self.clock() - self._served_at).total_seconds()
            self.seconds_left = max(0.0, self.time_limit - taken)
            self.refresh()

    def tick(self) -> None:
        """Read the clock; at zero, stop and say the time is up (once)."""
        if not self.running:
            return
        self._read()
        if self.seconds_left <= 0:
            self.stop()
            self.post_message(self.Expired(self.token))

    def render(self) -> RenderResult:
        if not self.time_limit:
            return ""
        fraction = self.seconds_left / self.time_limit
        label = f"{math.ceil(self.seconds_left):>3}s "
        width = max(self.size.width - len(label), 0)
        return Content.assemble((label, "bold"), (bar(fraction, width), score_style(fraction)))
