"""Send library warnings (pypdf, PDFium, Python warnings) to a log file, never the terminal."""

from __future__ import annotations

import logging
from pathlib import Path

from . import paths

_QUIET_LOGGERS = ("pypdf", "pypdfium2", "py.warnings", "learnplat")
_handler: logging.Handler | None = None


def configure_logging(target: Path | None = None) -> Path:
    """Route warnings to ``target`` (default ``paths.log_file()``: the platform's state dir, or
    ``LEARNPLAT_HOME/logs``); safe to call more than once."""
    global _handler
    target = target or paths.log_file()
    # 0700/0600 before the handler opens it (the umask would decide otherwise), and again if
    # something loosened them since.
    paths.private_dir(target.parent)
    paths.private_file(target)
    if _handler is not None and getattr(_handler, "baseFilename", None) == str(target):
        return target
    # A file name that was not UTF-8 (a lone surrogate) is logged escaped, not as an error.
    handler = logging.FileHandler(target, encoding="utf-8", errors="backslashreplace", delay=True)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.captureWarnings(True)
    for name in _QUIET_LOGGERS:
        logger = logging.getLogger(name)
        if _handler is not None:
            logger.removeHandler(_handler)
        logger.addHandler(handler)
        logger.setLevel(logging.INFO if name == "learnplat" else logging.WARNING)
        logger.propagate = False
    if _handler is not None:
        _handler.close()
    _handler = handler
    return target
