"""How a place in a document is cited, the same in the CLI, the TUI and lessons."""

from __future__ import annotations


def page_mark(unit_name: str, number: int, label: str | None = None) -> str:
    """A page or section mark: "p. 3" for a PDF page, "§3" for a section.

    ``label`` is the page number printed on the page; where it differs from the page's place in
    the file both are given: "p. 23, PDF page 41".
    """
    if unit_name != "page":
        return f"§{number}"
    if label and label != str(number):
        return f"p. {label}, PDF page {number}"
    return f"p. {number}"
