"""The Typer CLI: a few lines per command over the Session's services.

``main`` (the console script) registers only the commands its command line names; ``app``,
imported from here, has every command registered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .main import main

if TYPE_CHECKING:
    from .main import app

__all__ = ["app", "main"]


def __getattr__(name: str) -> Any:
    if name != "app":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from .main import app, register_commands

    register_commands()
    return app
