"""Spaced repetition with FSRS: every answered question becomes a card the player reviews."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

# Rating values of fsrs.Rating, so that deciding a rating does not import fsrs.
AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
# Share of the time limit under which a right answer counts as easy, or as plainly known.
EASY_SHARE, GOOD_SHARE = 1 / 3, 2 / 3


def rating_for(outcome: str, time_taken_s: float, time_limit: float) -> int:
    """How well the player knew it: wrong or late is Again; right is Easy in the first third
    of the time limit, Good in the second, Hard in the last."""
    if outcome != "correct":
        return AGAIN
    share = time_taken_s / time_limit if time_limit else 1.0
    if share <= EASY_SHARE:
        return EASY
    if share <= GOOD_SHARE:
        return GOOD
    return HARD


def schedule(
    card_json: str | None, card_id: int, rating: int, at: datetime
) -> tuple[str, datetime]:
    """The card after a review rated ``rating`` at ``at`` (timezone-aware UTC), and when it
    falls due. A first review starts a new card with the explicit ``card_id`` (fsrs would
    otherwise sleep a millisecond to make one up)."""
    from fsrs import Card, Rating

    card = Card.from_json(card_json) if card_json else Card(card_id=card_id, due=at)
    updated, _log = _scheduler().review_card(card, Rating(rating), at)
    return updated.to_json(), updated.due


@cache
def _scheduler() -> Any:
    """FSRS with its default parameters and no fuzzing: the same answers always give the
    same schedule. (Imported on first use: the CLI starts without it.)"""
    from fsrs import Scheduler

    return Scheduler(enable_fuzzing=False)
