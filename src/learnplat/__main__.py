"""``python -m learnplat``: the same as the ``learnplat`` command."""

from __future__ import annotations

from .cli import main

main()
