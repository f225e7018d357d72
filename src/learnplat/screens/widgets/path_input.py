"""A path Input that completes directories and supported files, and understands pasted paths."""

from __future__ import annotations

import asyncio
import os
import shlex
from collections.abc import Collection
from pathlib import Path
from urllib.parse import unquote, urlparse

from textual import events
from textual.message import Message
from textual.suggester import Suggester

from .completing_input import CompletingInput


def complete_path(value: str, extensions: Collection[str]) -> str | None:
    """``value`` extended to the first matching directory (with a trailing /) or supported file.

    The typed text is kept as it is (``~`` stays ``~``), so the result always starts with it.
    Hidden entries are offered only once the typed name starts with a dot.
    """
    if not value or "\n" in value:
        return None
    expanded = os.path.expanduser(value)
    if value.endswith(os.sep) or (value == "~" and expanded != value):
        folder, partial = Path(expanded), ""
        if not value.endswith(os.sep):
            value += os.sep
    else:
        folder, partial = Path(os.path.dirname(expanded) or "."), os.path.basename(expanded)
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name.casefold())
    except OSError:
        return None
    for entry in entries:
        name = entry.name
        if not name.startswith(partial):
            continue
        if name.startswith(".") and not partial.startswith("."):
            continue
        try:
            is_dir = entry.is_dir()
        except OSError:
            continue
        if is_dir:
            return value + name[len(partial) :] + os.sep
        if name != partial and Path(name).suffix.lower() in extensions:
            return value + name[len(partial) :]
    return None


class PathSuggester(Suggester):
    """Suggest the first directory or supported file that completes what was typed."""

    def __init__(self, extensions: Collection[str]) -> None:
        # No cache: the file system changes under us, and listing a directory is cheap.
        super().__init__(use_cache=False, case_sensitive=True)
        self.extensions = frozenset(extension.lower() for extension in extensions)

    async def get_suggestion(self, value: str) -> str | None:
        # A slow (network) directory must not stall the UI, so list it in a thread.
        return await asyncio.to_thread(complete_path, value, self.extensions)


def _from_url(token: str) -> str:
    if token.lower().startswith("file://"):
        return unquote(urlparse(token).path)
    return token


def parse_pasted_paths(text: str) -> list[Path]:
    """The paths in pasted text, as terminals paste dropped files.

    Handles quoting ('a b.pdf'), backslash-escaped spaces, ``file://`` URLs, ``~``, and several
    paths separated by spaces or newlines. A line that is an existing path as a whole is kept
    whole, so an unquoted path with spaces still works.
    """
    paths: list[Path] = []
    for raw_line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw_line.strip()
        if not line:
            continue
        whole = Path(os.path.expanduser(_from_url(line)))
        if whole.exists():
            paths.append(whole)
            continue
        try:
            tokens = shlex.split(line)
        except ValueError:
            tokens = [line.strip("'\"")]
        paths.extend(Path(os.path.expanduser(_from_url(token))) for token in tokens if token)
    return paths


class PathInput(CompletingInput):
    """A file path Input: right or tab completes; pasting existing files posts FilesPasted."""

    class FilesPasted(Message):
        """Existing files were pasted into the input (a terminal drag-and-drop)."""

        def __init__(self, path_input: PathInput, paths: list[Path]) -> None:
            super().__init__()
            self.path_input = path_input
            self.paths = paths

        @property
        def control(self) -> PathInput:
            return self.path_input

    def __init__(self, extensions: Collection[str], **kwargs: object) -> None:
        super().__init__(suggester=PathSuggester(extensions), **kwargs)  # type: ignore[arg-type]

    def _on_paste(self, event: events.Paste) -> None:
        # Textual then calls Input._on_paste (inserting the text) unless the default is prevented.
        paths = parse_pasted_paths(event.text)
        if paths and all(path.is_file() for path in paths):
            event.stop()
            event.prevent_default()
            self.post_message(self.FilesPasted(self, paths))
