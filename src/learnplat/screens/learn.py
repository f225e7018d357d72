"""The Learn tab (not built yet)."""

from __future__ import annotations

from .placeholder import ComingSoon


class LearnPane(ComingSoon):
    HEADING = "Learn is not built yet"
    PLAN = (
        "You will pick a topic, or a passage of your own notes, and get an explanation at your "
        "level (beginner, intermediate or advanced) in the format you prefer: a chat with "
        "follow-up questions, a concept map, a narrated script or a short e-book, each point "
        "cited to the page it came from."
    )
