"""When to try a failed delivery again, and when to give up: pure rules, no database."""

from __future__ import annotations

import datetime as dt

from app.backoff import Outcome
from app.backoff import after_failure as _after_failure

#: A message is marked failed after this many attempts (about half an hour of tries).
MAX_ATTEMPTS = 6
#: Sent messages are deleted after the longest a mailed link lives (a confirmation: 7 days).
KEEP_SENT = dt.timedelta(days=7)


def after_failure(
    attempts: int, now: dt.datetime, permanent: bool = False, max_attempts: int = MAX_ATTEMPTS
) -> Outcome:
    """Mail's back-off: the shared rule (``app.backoff``) with mail's number of tries."""
    return _after_failure(attempts, now, permanent, max_attempts)


def is_permanent(smtp_code: int | None) -> bool:
    """SMTP 5xx replies say the server will never accept the message as it is."""
    return smtp_code is not None and 500 <= smtp_code < 600
