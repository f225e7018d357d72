"""The live status line while a model works: a spinner on stderr with what it is doing, for how
long, and how much it has written ("llama3.1 is writing the lesson… 12 s · ~240 tokens").

Only on a terminal: piped or with ``--json`` nothing is drawn. Ctrl-C while a model works stops
the command and closes the request's connection, so the server stops generating too.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

from rich.text import Text

from ..services.safe_text import safe_text
from ..tutors.activity import ModelActivity, watching
from . import output


class _Line:
    """The status line, worded when drawn: its seconds tick while the model reads the prompt
    (nothing is reported until the first token)."""

    def __init__(self, activity: ModelActivity) -> None:
        self.activity = activity

    def __rich__(self) -> Text:
        return Text(safe_text(self.activity.line()))


@contextlib.contextmanager
def model_status(
    show: Callable[[str | None], None] | None = None, *, quiet: bool = False
) -> Iterator[None]:
    """Show model activity inside this block: through ``show(line)`` (None to clear it) when
    given (a live display already on screen), else as a spinner on stderr unless ``quiet``."""
    if show is not None:

        def to_show(activity: ModelActivity) -> None:
            show(None if activity.phase == "done" else activity.line())

        with watching(to_show):
            yield
        return
    if quiet or not output.err.is_terminal:
        yield
        return
    spinner: Any = None

    def to_spinner(activity: ModelActivity) -> None:
        nonlocal spinner
        if activity.phase == "done":
            if spinner is not None:
                spinner.stop()
                spinner = None
            return
        if spinner is None:
            spinner = output.err.status(_Line(activity), spinner="dots")
            spinner.start()
        else:
            spinner.update(_Line(activity))

    try:
        with watching(to_spinner):
            yield
    finally:
        if spinner is not None:
            spinner.stop()
