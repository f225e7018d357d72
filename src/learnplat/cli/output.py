"""CLI output: data on stdout, messages on stderr, colour only on a terminal, and every stored or
typed value printed as the text it is: never as markup, an emoji code or a terminal control."""

from __future__ import annotations

import sys
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.text import Text

from ..projections import json_text, plain
from ..services.safe_text import safe_text

__all__ = ["json_text", "plain"]  # and what follows


class _Console(Console):
    """A console that removes terminal controls from every string it renders: the last guard
    for text stored before the store cleaned it, or text that never went through the store."""

    def render_str(self, text: str, **kwargs: Any) -> Text:
        return super().render_str(safe_text(text), **kwargs)


# emoji=False: "a:b:c" stays "a:b:c" rather than gaining an emoji for ":b:".
out = _Console(highlight=False, emoji=False)
err = _Console(stderr=True, highlight=False, emoji=False)


def literal(value: object) -> str:
    """``value`` as markup that prints exactly as it reads: controls removed, brackets escaped.
    Every dynamic value in a markup string goes through this."""
    return escape(safe_text(str(value)))


def emit_json(value: Any) -> None:
    """Print a JSON document on stdout (dataclasses and paths converted)."""
    sys.stdout.write(json_text(value, indent=2) + "\n")
    sys.stdout.flush()


def emit_json_line(value: Any) -> None:
    """Print one line of JSON Lines on stdout."""
    sys.stdout.write(json_text(value) + "\n")


def write(text: str) -> None:
    """Print text as it is on stdout (for pipes and files): no markup, no controls."""
    sys.stdout.write(safe_text(text))


def error(message: str, hint: str | None = None) -> None:
    """``error: message`` and ``hint: hint`` on stderr; both are plain text."""
    err.print(Text.assemble(("error:", "bold red"), " ", safe_text(message)), soft_wrap=True)
    if hint:
        err.print(Text.assemble(("hint:", "dim"), " ", safe_text(hint)), soft_wrap=True)


def notice(message: str) -> None:
    """``note: message`` on stderr, ``message`` as plain text (a notice from a service)."""
    err.print(Text.assemble(("note:", "yellow"), " ", safe_text(message)), soft_wrap=True)


def note(message: str) -> None:
    """A message on stderr, as markup: dynamic values in it go through ``literal``."""
    err.print(message, soft_wrap=True)
