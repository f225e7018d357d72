"""The Progress tab (not built yet)."""

from __future__ import annotations

from .placeholder import ComingSoon


class ProgressPane(ComingSoon):
    HEADING = "Progress is not built yet"
    PLAN = (
        "You will see your knowledge points, level and streaks, the topics you have studied "
        "and how well, and which questions are due for review today."
    )
