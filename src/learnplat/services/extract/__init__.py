"""Text extraction: PDF, Word, Markdown and plain-text bytes to numbered units of text blocks.

The readers are imported on first use of ``extract`` (or ``detect_kind``): listing or searching
the library needs the block model, not a PDF engine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .model import SUPPORTED_EXTENSIONS, Block, Extracted, Unit

if TYPE_CHECKING:
    from .api import DEFAULT_MAX_UNPACKED_BYTES, extract
    from .detect import detect_kind

__all__ = [
    "DEFAULT_MAX_UNPACKED_BYTES",
    "SUPPORTED_EXTENSIONS",
    "Block",
    "Extracted",
    "Unit",
    "detect_kind",
    "extract",
]

_LAZY = {"DEFAULT_MAX_UNPACKED_BYTES": "api", "extract": "api", "detect_kind": "detect"}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
    globals()[name] = value
    return value
