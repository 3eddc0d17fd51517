"""What every outbox shares: rows written in the sender's transaction, claimed by workers.

Mail (``app.mail``) and outbound HTTP deliveries (``app.outbound``) each keep a table of
rows to hand over. A row is claimed by one worker at a time, retried with exponential
back-off after a failure, and taken over when its worker died mid-delivery. The rules and
the two statements that enforce them live here once; each table keeps its own columns,
named alike: ``id``, ``status``, ``attempts``, ``next_attempt_at``, ``claimed_at`` and
``claim_token``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any, Protocol, TypeVar

from sqlalchemy import and_, or_, select, update
from sqlalchemy.sql.elements import ColumnElement

from app.db import db, rows_matched, utcnow

#: A claim older than this belongs to a worker that died mid-delivery; the row is due again.
CLAIM_LEASE = dt.timedelta(minutes=10)
#: The states every outbox uses for "waiting" and "held by a worker".
PENDING = "pending"
CLAIMED = "sending"


def _due(model: Any, now: dt.datetime) -> ColumnElement[bool]:
    """Pending and due, or claimed by a worker so long ago that it must have died."""
    return or_(
        and_(model.status == PENDING, model.next_attempt_at <= now),
        and_(model.status == CLAIMED, model.claimed_at < now - CLAIM_LEASE),
    )


def claim(model: Any, limit: int, now: dt.datetime | None = None) -> tuple[str, list[Any]]:
    """Mark up to ``limit`` due rows of ``model`` as this worker's and commit.

    One UPDATE whose common table expression picks the rows: PostgreSQL locks them with
    FOR UPDATE SKIP LOCKED so concurrent workers take different rows without waiting;
    SQLite runs one writer at a time, so the statement is atomic there as it stands.
    ``model`` is any mapped outbox class with the columns the module docstring names.
    """
    now = now or utcnow()
    token = secrets.token_hex(16)
    # MATERIALIZED: PostgreSQL may otherwise run a plain subquery once per row it updates,
    # locking a new batch each time and claiming more than ``limit`` rows.
    chosen = (
        select(model.id)
        .where(_due(model, now))
        .order_by(model.next_attempt_at, model.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .cte("chosen")
        .prefix_with("MATERIALIZED")
    )
    db.session.execute(
        update(model)
        .add_cte(chosen)
        .where(model.id.in_(select(chosen.c.id)), _due(model, now))
        .values(status=CLAIMED, claimed_at=now, claim_token=token, attempts=model.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    rows = db.session.scalars(
        select(model)
        .where(model.claim_token == token)
        .order_by(model.id)
        # The UPDATE bypassed the session: reload rows it may already hold from an earlier pass.
        .execution_options(populate_existing=True)
    )
    return token, list(rows)


def release(model: Any, row_id: int, token: str, **values: object) -> bool:
    """Release this worker's claim with ``values``; False if another worker took it over."""
    result = db.session.execute(
        update(model)
        .where(model.id == row_id, model.claim_token == token)
        .values(claimed_at=None, claim_token=None, **values)
        .execution_options(synchronize_session=False)
    )
    return rows_matched(result) == 1


class PassReport(Protocol):
    """What one pass over an outbox reports: counts, and how many rows it claimed."""

    @property
    def handled(self) -> int:
        """Rows claimed in the pass."""
        ...


ReportT = TypeVar("ReportT", bound=PassReport)


def drain(deliver_due: Callable[[int], ReportT], batch: int) -> ReportT:
    """Run ``deliver_due(batch)`` until a pass claims less than a batch; add up its reports.

    A report is a dataclass of counts (mail's sent, an outbound delivery's delivered...),
    summed field by field, so each outbox keeps its own words for what happened.
    """
    total = deliver_due(batch)
    last = total
    while last.handled >= batch:
        last = deliver_due(batch)
        sums = {
            field.name: getattr(total, field.name) + getattr(last, field.name)
            for field in dataclasses.fields(total)  # type: ignore[arg-type]  # a dataclass
        }
        total = dataclasses.replace(total, **sums)  # type: ignore[type-var]  # a dataclass
    return total


def work_until_stopped(one_pass: Callable[[], None], interval: float) -> None:
    """Run ``one_pass`` every ``interval`` seconds until SIGTERM or Ctrl-C.

    A signal only sets a flag, so the pass under way (a message half handed over)
    finishes before the worker exits.
    """
    stop = threading.Event()

    def request_stop(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    while not stop.is_set():
        one_pass()
        stop.wait(interval)
