"""When to try a failed delivery again, and when to give up: pure rules, no database.

Shared by every outbox (``app.outboxes``): mail and outbound HTTP deliveries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

#: The first retry waits this long; each later one waits twice as long as the one before.
FIRST_DELAY = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class Outcome:
    """What becomes of a row after a failed attempt."""

    give_up: bool
    next_attempt_at: dt.datetime | None


def after_failure(attempts: int, now: dt.datetime, permanent: bool, max_attempts: int) -> Outcome:
    """Retry with exponential back-off, or give up after ``max_attempts`` or a permanent refusal."""
    if permanent or attempts >= max_attempts:
        return Outcome(give_up=True, next_attempt_at=None)
    return Outcome(give_up=False, next_attempt_at=now + FIRST_DELAY * 2 ** (attempts - 1))
