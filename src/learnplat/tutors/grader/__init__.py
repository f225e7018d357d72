"""The teach-back grader: a reference of key ideas, and an offline 1-10 grade with reasons."""

from __future__ import annotations

from .evaluate import evaluate
from .grader import OfflineGrader
from .reference import build_reference

__all__ = ["OfflineGrader", "build_reference", "evaluate"]
