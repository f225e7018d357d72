"""The Typer CLI: a few lines per command over the Session's services."""

from __future__ import annotations

from .main import app, main

__all__ = ["app", "main"]
