"""How a place in a document is cited, the same in the CLI, the TUI and lessons."""

from __future__ import annotations


def page_mark(unit_name: str, number: int) -> str:
    """A page or section mark: "p. 3" for a PDF page, "§3" for a section."""
    return f"p. {number}" if unit_name == "page" else f"§{number}"
