"""The Challenges tab (not built yet)."""

from __future__ import annotations

from .placeholder import ComingSoon


class ChallengesPane(ComingSoon):
    HEADING = "Challenges are not built yet"
    PLAN = (
        "You will play timed multiple-choice rounds by category and difficulty, scored for "
        "correctness and speed, with streaks, levels and leaderboards. Questions will come from "
        "a shipped bank, from your own documents, and from a review queue of what you got wrong."
    )
