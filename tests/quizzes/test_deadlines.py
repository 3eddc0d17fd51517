"""The deadline rules of timed quizzes, without an app."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from app.quizzes.deadlines import (
    GRACE,
    Phase,
    announcement,
    deadline_for,
    phase,
    seconds_left,
)

START = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)


def test_an_untimed_quiz_has_no_deadline_and_is_always_open() -> None:
    assert deadline_for(START, None) is None
    assert deadline_for(START, None, Decimal(2)) is None
    assert phase(START + dt.timedelta(days=400), None) is Phase.OPEN


@pytest.mark.parametrize(
    ("minutes", "multiplier", "seconds"),
    [
        (10, Decimal(1), 600),
        (10, Decimal(2), 1200),
        (10, Decimal("1.5"), 900),
        (1, Decimal("1.25"), 75),
        (7, Decimal("1.33"), 559),  # 558.6 seconds, rounded up: extra time is never cut short
        (240, Decimal(4), 57600),
    ],
)
def test_the_deadline_is_the_limit_times_the_extra_time(
    minutes: int, multiplier: Decimal, seconds: int
) -> None:
    assert deadline_for(START, minutes, multiplier) == START + dt.timedelta(seconds=seconds)


@pytest.mark.parametrize("multiplier", [Decimal("0.5"), Decimal("0.99"), Decimal("4.01")])
def test_extra_time_outside_one_to_four_is_refused(multiplier: Decimal) -> None:
    with pytest.raises(ValueError, match="from 1 to 4"):
        deadline_for(START, 10, multiplier)


def test_phases_around_the_deadline() -> None:
    deadline = START + dt.timedelta(minutes=10)
    assert phase(deadline - dt.timedelta(seconds=1), deadline) is Phase.OPEN
    assert phase(deadline, deadline) is Phase.OPEN
    assert phase(deadline + dt.timedelta(microseconds=1), deadline) is Phase.GRACE
    assert phase(deadline + GRACE, deadline) is Phase.GRACE
    assert phase(deadline + GRACE + dt.timedelta(microseconds=1), deadline) is Phase.CLOSED


def test_seconds_left_never_goes_below_zero() -> None:
    deadline = START + dt.timedelta(seconds=90, milliseconds=500)
    assert seconds_left(START, deadline) == 90
    assert seconds_left(deadline + dt.timedelta(hours=1), deadline) == 0


def test_the_countdown_speaks_only_as_each_mark_passes() -> None:
    spoken = [
        (second, words)
        for second in range(15 * 60, -1, -1)
        if (words := announcement(second + 1, second))
    ]
    assert spoken == [
        (600, "10 minutes left."),
        (300, "5 minutes left."),
        (60, "1 minute left."),
        (0, "Time is up. Your saved answers are being submitted."),
    ]


def test_a_countdown_that_skips_seconds_still_announces_once() -> None:
    # A background tab's timer may fire late: 605 -> 590 crosses the 10-minute mark.
    assert announcement(605, 590) == "10 minutes left."
    assert announcement(590, 580) is None
    assert announcement(5, 0) == "Time is up. Your saved answers are being submitted."
    assert announcement(0, 0) is None
