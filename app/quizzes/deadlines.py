"""Timed quizzes: when an attempt's time runs out, and what a request at a given moment may do.

The deadline is fixed on the server when the attempt starts: the quiz's time limit times
the learner's extra-time multiplier. A submission that arrives within `GRACE` of the
deadline still counts (the network takes time); after that the attempt is closed and
graded from its saved answers. Pure: no database, no Flask.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from decimal import Decimal

#: How long after the deadline a submission (sent before it) may still arrive.
GRACE = dt.timedelta(seconds=30)
#: Extra time is a multiplier from 1 (none) to this.
MAX_TIME_MULTIPLIER = Decimal(4)
#: Extra attempts on top of the course's limit, at most this many.
MAX_EXTRA_ATTEMPTS = 10
#: Minutes left at which the countdown speaks to screen readers (aria-live polite).
ANNOUNCE_AT_MINUTES = (10, 5, 1)


class Phase(enum.StrEnum):
    """Where a timed attempt stands at a moment."""

    OPEN = "open"  # answering and saving allowed
    GRACE = "grace"  # past the deadline: a submission is accepted, a save is not
    CLOSED = "closed"  # past the grace period: graded from what was saved


def deadline_for(
    started_at: dt.datetime, limit_minutes: int | None, multiplier: Decimal = Decimal(1)
) -> dt.datetime | None:
    """The attempt's deadline: start + limit x multiplier, to the whole second; None if untimed."""
    if limit_minutes is None:
        return None
    if multiplier < 1 or multiplier > MAX_TIME_MULTIPLIER:
        raise ValueError(f"extra time must be from 1 to {MAX_TIME_MULTIPLIER}")
    seconds = math.ceil(Decimal(limit_minutes * 60) * multiplier)
    return started_at + dt.timedelta(seconds=seconds)


def phase(now: dt.datetime, deadline: dt.datetime | None) -> Phase:
    """Whether an attempt with ``deadline`` is open, in its grace period, or closed at ``now``."""
    if deadline is None or now <= deadline:
        return Phase.OPEN
    if now <= deadline + GRACE:
        return Phase.GRACE
    return Phase.CLOSED


def seconds_left(now: dt.datetime, deadline: dt.datetime) -> int:
    """Whole seconds until the deadline, never below zero."""
    return max(0, math.floor((deadline - now).total_seconds()))


def announcement(previous_seconds: int, current_seconds: int) -> str | None:
    """What to announce when the countdown moves from ``previous`` to ``current`` seconds left.

    Announces once as each mark in `ANNOUNCE_AT_MINUTES` is crossed, and once at zero; the
    countdown that runs every second says nothing in between.
    """
    if previous_seconds > 0 >= current_seconds:
        return "Time is up. Your saved answers are being submitted."
    for minutes in ANNOUNCE_AT_MINUTES:
        mark = minutes * 60
        if previous_seconds > mark >= current_seconds:
            return f"{minutes} minute{'s' if minutes != 1 else ''} left."
    return None
