"""When to try a failed delivery again, and when to give up: pure rules, no database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

#: A message is marked failed after this many attempts (about half an hour of tries).
MAX_ATTEMPTS = 6
#: The first retry waits this long; each later one waits twice as long as the one before.
FIRST_DELAY = dt.timedelta(minutes=1)
#: A claim older than this belongs to a worker that died mid-delivery; the message is due again.
CLAIM_LEASE = dt.timedelta(minutes=10)
#: Sent messages are deleted after the longest a mailed link lives (a confirmation: 7 days).
KEEP_SENT = dt.timedelta(days=7)


@dataclass(frozen=True)
class Outcome:
    """What becomes of a message after a failed attempt."""

    give_up: bool
    next_attempt_at: dt.datetime | None


def after_failure(
    attempts: int, now: dt.datetime, permanent: bool = False, max_attempts: int = MAX_ATTEMPTS
) -> Outcome:
    """Retry with exponential back-off, or give up after ``max_attempts`` or a permanent refusal."""
    if permanent or attempts >= max_attempts:
        return Outcome(give_up=True, next_attempt_at=None)
    return Outcome(give_up=False, next_attempt_at=now + FIRST_DELAY * 2 ** (attempts - 1))


def is_permanent(smtp_code: int | None) -> bool:
    """SMTP 5xx replies say the server will never accept the message as it is."""
    return smtp_code is not None and 500 <= smtp_code < 600
