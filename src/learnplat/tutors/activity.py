"""What a model is doing right now, for whoever shows it: a status line, a progress widget.

A front end wraps its call in ``watching(callback)``; the model-backed tutor and grader then
``report`` each step (waiting for the first token, writing, asking for a correction) to that
callback, in the thread that does the work. The callback may raise to give up: the request's
connection is then closed, so the server stops generating. Nothing is reported offline.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Literal

Phase = Literal["waiting", "writing", "repairing", "done"]


@dataclass(frozen=True)
class ModelActivity:
    """One moment of one request: which task, which model, how long, how much written."""

    task: str  # "lesson", "answer", "quiz", "grade"
    model: str
    provider: str
    phase: Phase
    started: float  # time.monotonic() when the task began
    tokens: int = 0  # pieces streamed so far (about one token each)

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def line(self) -> str:
        """ "llama3.1 is writing the lesson… 12 s · ~240 tokens": the status line's words."""
        doing = {
            "waiting": f"{self.model} is reading the prompt for the {self.task}",
            "writing": f"{self.model} is writing the {self.task}",
            "repairing": f"{self.model} is correcting the {self.task}",
            "done": f"{self.model} finished the {self.task}",
        }[self.phase]
        tokens = f" · ~{self.tokens} tokens" if self.tokens else ""
        return f"{doing}… {self.elapsed:.0f} s{tokens}"


Watch = Callable[[ModelActivity], None]
_watch: ContextVar[Watch | None] = ContextVar("learnplat_model_watch", default=None)


@contextlib.contextmanager
def watching(callback: Watch) -> Iterator[None]:
    """Send the model activity of the calls made inside this block to ``callback``."""
    token = _watch.set(callback)
    try:
        yield
    finally:
        _watch.reset(token)


def report(activity: ModelActivity) -> None:
    """Tell the watcher, if any (it may raise to cancel the request)."""
    callback = _watch.get()
    if callback is not None:
        callback(activity)
