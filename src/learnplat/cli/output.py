"""CLI output: data on stdout, messages on stderr, colour only on a terminal, and every stored or
typed value printed as the text it is: never as markup, an emoji code or a terminal control."""

from __future__ import annotations

import dataclasses
import json
import re
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.text import Text

from ..services.safe_text import safe_text


class _Console(Console):
    """A console that removes terminal controls from every string it renders: the last guard
    for text stored before the store cleaned it, or text that never went through the store."""

    def render_str(self, text: str, **kwargs: Any) -> Text:
        return super().render_str(safe_text(text), **kwargs)


# emoji=False: "a:b:c" stays "a:b:c" rather than gaining an emoji for ":b:".
out = _Console(highlight=False, emoji=False)
err = _Console(stderr=True, highlight=False, emoji=False)

# JSON keeps these inside strings unless asked: C1 controls (8-bit CSI/OSC), DEL, bidi
# overrides, line separators and lone surrogates, which a terminal or `print` would act on.
_JSON_RAW = re.compile(r"[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def literal(value: object) -> str:
    """``value`` as markup that prints exactly as it reads: controls removed, brackets escaped.
    Every dynamic value in a markup string goes through this."""
    return escape(safe_text(str(value)))


def plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value


def json_text(value: Any, indent: int | None = None) -> str:
    """``value`` as JSON that carries every character of its strings, with the ones a terminal
    would act on written as \\u escapes (JSON itself escapes the C0 controls)."""
    text = json.dumps(plain(value), indent=indent, ensure_ascii=False)
    return _JSON_RAW.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


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
