"""When a failed delivery is tried again, and when it is given up."""

from __future__ import annotations

import datetime as dt

from app.mail.retry import MAX_ATTEMPTS, after_failure, is_permanent

NOW = dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.UTC)


def test_retries_wait_one_two_four_eight_sixteen_minutes_then_give_up():
    waits = []
    for attempts in range(1, MAX_ATTEMPTS):
        outcome = after_failure(attempts, NOW)
        assert not outcome.give_up
        assert outcome.next_attempt_at is not None
        waits.append((outcome.next_attempt_at - NOW) // dt.timedelta(minutes=1))
    assert waits == [1, 2, 4, 8, 16]
    final = after_failure(MAX_ATTEMPTS, NOW)
    assert final.give_up and final.next_attempt_at is None


def test_a_permanent_refusal_is_not_retried():
    assert after_failure(1, NOW, permanent=True).give_up


def test_only_5xx_replies_are_permanent():
    assert is_permanent(550) and is_permanent(554)
    assert not is_permanent(421) and not is_permanent(451) and not is_permanent(None)
