"""Text from users and files made safe to store and show: no terminal controls, inert exports."""

from __future__ import annotations

import re

# The cleaning itself sits below the services, where the store's migrations can use it too.
from ..terminal_text import has_unsafe, safe_text

__all__ = ["FORMULA_STARTS", "has_unsafe", "markdown_inert", "safe_text", "spreadsheet_cell"]

_HTML_OPEN = re.compile(r"<")
# Inline links "](url)" and reference definitions "[x]: url" would make a note's
# "javascript:" URL clickable; lessons never make links of their own.
_INLINE_LINK = re.compile(r"\]\(")
_LINK_DEFINITION = re.compile(r"^( {0,3})\[", re.MULTILINE)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def markdown_inert(markdown: str) -> str:
    """Markdown whose raw HTML (``<script>``, ``<img onerror>``, ``<javascript:...>``) shows as
    text and whose links ("[x](javascript:...)") are plain brackets, for a file a browser or
    a Markdown viewer may open. Headings, lists, emphasis and quotes are untouched."""
    markdown = _HTML_OPEN.sub("&lt;", markdown)
    markdown = _INLINE_LINK.sub(r"]\\(", markdown)
    return _LINK_DEFINITION.sub(r"\1\\[", markdown)


def spreadsheet_cell(value: str) -> str:
    """A CSV cell a spreadsheet shows as text rather than runs as a formula: a leading "'"
    before "=", "+", "-", "@", tab or carriage return (OWASP's advice for CSV injection)."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value
