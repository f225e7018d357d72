"""The Teach Back tab (not built yet)."""

from __future__ import annotations

from .placeholder import ComingSoon


class TeachPane(ComingSoon):
    HEADING = "Teach Back is not built yet"
    PLAN = (
        "You will explain a topic in your own words; learnplat will grade its clarity and "
        "accuracy from 1 to 10, name the key ideas you missed, award knowledge points, and let "
        "you share the explanation with other learners, who can upvote it."
    )
