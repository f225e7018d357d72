"""Model activity in the TUI: what a model working for a thread worker is doing, on screen.

``watch_model(app, show)`` wraps a service call in a worker thread: each step of the model's
work (see ``tutors.activity``) reaches ``show(line)`` on the UI thread, at most twice a second
(at once when the step changes), and a cancelled worker stops the request, closing its
connection so that the server stops generating. Offline nothing is reported: nothing changes.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator

from textual.app import App
from textual.worker import get_current_worker

from ..tutors.activity import ModelActivity, watching
from .learn_views import Superseded

# How often the status may change while a model writes (it changes at once on a new phase).
STATUS_EVERY_S = 0.5


@contextlib.contextmanager
def watch_model(app: App[object], show: Callable[[str], None]) -> Iterator[None]:
    """Inside a thread worker: show the model's activity through ``show`` on the UI thread."""
    worker = get_current_worker()
    last_at, last_phase = [0.0], [""]

    def on_activity(activity: ModelActivity) -> None:
        if worker.is_cancelled:
            raise Superseded  # given up: closes the model's connection
        now = time.monotonic()
        if activity.phase == "done":
            return  # the caller shows the result, which ends the status
        if activity.phase != last_phase[0] or now - last_at[0] >= STATUS_EVERY_S:
            last_at[0], last_phase[0] = now, activity.phase
            app.call_from_thread(show, activity.line())

    with watching(on_activity):
        yield
