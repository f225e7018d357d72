"""Text extraction: PDF, Word, Markdown and plain-text bytes to numbered units of text blocks."""

from __future__ import annotations

from .api import DEFAULT_MAX_UNPACKED_BYTES, extract
from .detect import detect_kind
from .model import SUPPORTED_EXTENSIONS, Block, Extracted, Unit

__all__ = [
    "DEFAULT_MAX_UNPACKED_BYTES",
    "SUPPORTED_EXTENSIONS",
    "Block",
    "Extracted",
    "Unit",
    "detect_kind",
    "extract",
]
