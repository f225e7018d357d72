"""Calendar weeks for the weekly leaderboards: Monday 00:00 UTC to the next Monday."""

from __future__ import annotations

import datetime
import functools


@functools.lru_cache(maxsize=1024)
def _monday_of(day: str) -> str:
    date = datetime.date.fromisoformat(day)
    return (date - datetime.timedelta(days=date.weekday())).isoformat()


def week_start(at: str) -> str:
    """The Monday (UTC, as YYYY-MM-DD) of the ISO week holding the timestamp ``at``."""
    if at.endswith("+00:00"):  # how we write them: the date is the UTC date
        return _monday_of(at[:10])
    moment = datetime.datetime.fromisoformat(at)
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.UTC)
    return _monday_of(moment.date().isoformat())
