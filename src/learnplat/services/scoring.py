"""Challenge scoring: points for speed and streaks, and levels on a curve that keeps growing."""

from __future__ import annotations

import math
from dataclasses import dataclass

SECONDS_PER_POINT = 5
STREAK_BONUS_STEP = 0.1
STREAK_BONUS_MAX = 0.5
LEVEL_STEP = 50


@dataclass(frozen=True)
class Award:
    """What one correct answer earns: ``speed`` after the time deduction, plus ``bonus``."""

    speed: int
    bonus: int

    @property
    def total(self) -> int:
        return self.speed + self.bonus


def speed_points(points: int, time_taken_s: float) -> int:
    """The seed's rule: full points, minus 1 for every whole 5 seconds taken, never below half
    (rounded up)."""
    deducted = points - math.floor(max(0.0, time_taken_s) / SECONDS_PER_POINT)
    return max(math.ceil(points / 2), deducted)


def streak_bonus(speed: int, streak_before: int) -> int:
    """10% of the speed points for each correct answer in a row before this one, at most 50%."""
    share = min(STREAK_BONUS_MAX, STREAK_BONUS_STEP * max(0, streak_before))
    return round(speed * share)


def award(points: int, time_taken_s: float, streak_before: int) -> Award:
    """Points for a correct answer taking ``time_taken_s`` after ``streak_before`` in a row."""
    speed = speed_points(points, time_taken_s)
    return Award(speed, streak_bonus(speed, streak_before))


def level_threshold(level: int) -> int:
    """Total points needed to reach ``level``: 50 x L x (L - 1), so 0, 100, 300, 600, 1000, ...
    (each level takes 100 points more than the one before)."""
    return LEVEL_STEP * level * (level - 1)


def level_for(total_points: int) -> int:
    """The highest level whose threshold ``total_points`` reaches (1 at 0 points)."""
    if total_points <= 0:
        return 1
    # Solve 50 L (L - 1) <= P for L, then correct the float's rounding either way.
    level = int((1 + math.sqrt(1 + 4 * total_points / LEVEL_STEP)) / 2)
    while level_threshold(level + 1) <= total_points:
        level += 1
    while level > 1 and level_threshold(level) > total_points:
        level -= 1
    return level


@dataclass(frozen=True)
class LevelProgress:
    """Where a total stands between its level and the next."""

    level: int
    points: int
    level_start: int
    next_level_at: int

    @property
    def to_next(self) -> int:
        return self.next_level_at - self.points

    @property
    def fraction(self) -> float:
        span = self.next_level_at - self.level_start
        return (self.points - self.level_start) / span if span else 0.0


def level_progress(total_points: int) -> LevelProgress:
    level = level_for(total_points)
    return LevelProgress(
        level, total_points, level_threshold(level), level_threshold(level + 1)
    )
