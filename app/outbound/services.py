"""Enqueue, deliver, retry: the outbound outbox's writes and its administrator's reads."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select

from app import outboxes
from app.audit.services import record
from app.backoff import after_failure
from app.db import db, rows_matched, upsert_insert, utcnow
from app.outbound.models import DeliveryStatus, OutboundDelivery
from app.pagination import Page, paginate

log = logging.getLogger(__name__)

#: A delivery is marked failed after this many attempts: back-off doubling from one
#: minute reaches about 17 hours between the last tries, so a day-long outage of the
#: other system is caught up without an administrator.
MAX_ATTEMPTS = 12
#: Delivered rows are kept this long for the administrator's counts, then deleted.
KEEP_DELIVERED = dt.timedelta(days=30)
#: States an administrator can send again: given up, or waiting out a back-off.
RETRYABLE = (DeliveryStatus.FAILED.value, DeliveryStatus.PENDING.value)


class SendFailed(Exception):
    """A sender could not hand a delivery over; ``permanent`` when retrying cannot help."""

    def __init__(self, message: str, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class OutboundError(Exception):
    """A refused administrator action; the message is safe to show."""


Sender = Callable[[OutboundDelivery], None]
_senders: dict[str, Sender] = {}


def register_sender(channel: str, sender: Sender) -> None:
    """Name the function that hands ``channel``'s deliveries over (from a ``connect()``).

    Registering again replaces the sender, so connecting twice is harmless.
    """
    _senders[channel] = sender


def enqueue(
    channel: str, payload: dict[str, Any], *, destination: str = "", dedupe_key: str | None = None
) -> bool:
    """Queue a delivery in the caller's transaction; it leaves only if that commits.

    With ``dedupe_key``, a delivery already queued (or delivered) under the same key is
    kept and this one dropped: False. The database decides (a unique key with ON
    CONFLICT DO NOTHING), so two workers replaying one event cannot both queue it.
    """
    values = {
        "channel": channel,
        "destination": destination[:300],
        "dedupe_key": dedupe_key,
        "payload": payload,
        "status": DeliveryStatus.PENDING.value,
        "attempts": 0,
        "created_at": utcnow(),
        "next_attempt_at": utcnow(),
    }
    statement = (
        upsert_insert(OutboundDelivery)
        .values(**values)
        .on_conflict_do_nothing()
        .returning(OutboundDelivery.id)
    )
    return db.session.execute(statement).scalar() is not None


@dataclass
class Report:
    """What one pass over the outbox did."""

    delivered: int = 0
    retrying: int = 0
    failed: int = 0
    purged: int = 0

    @property
    def handled(self) -> int:
        """Deliveries claimed in the pass."""
        return self.delivered + self.retrying + self.failed


def deliver_due(limit: int = 50, now: dt.datetime | None = None) -> Report:
    """Claim due deliveries, hand each to its channel's sender, record the outcome."""
    report = Report()
    token, deliveries = outboxes.claim(OutboundDelivery, limit, now)
    for delivery in deliveries:
        sender = _senders.get(delivery.channel)
        try:
            if sender is None:
                raise SendFailed(f"no sender for channel {delivery.channel!r}", permanent=True)
            sender(delivery)
        except SendFailed as error:
            _record_failure(delivery, token, error, report)
        except Exception as error:  # an unforeseen error must not stop the worker or lose it
            log.exception("Delivery %s failed unexpectedly", delivery.id)
            _record_failure(delivery, token, SendFailed(f"{type(error).__name__}: {error}"), report)
        else:
            outboxes.release(
                OutboundDelivery,
                delivery.id,
                token,
                status=DeliveryStatus.DELIVERED.value,
                delivered_at=utcnow(),
                last_error=None,
            )
            report.delivered += 1
        db.session.commit()
    report.purged = purge_delivered()
    return report


def drain(batch: int = 50) -> Report:
    """Deliver everything due now, batch after batch, and add up what happened."""
    return outboxes.drain(deliver_due, batch)


def _record_failure(
    delivery: OutboundDelivery, token: str, error: SendFailed, report: Report
) -> None:
    outcome = after_failure(delivery.attempts, utcnow(), error.permanent, MAX_ATTEMPTS)
    reason = str(error)[:500]
    if outcome.give_up:
        released = outboxes.release(
            OutboundDelivery,
            delivery.id,
            token,
            status=DeliveryStatus.FAILED.value,
            last_error=reason,
        )
        if released:
            record(
                "outbound.failed",
                "outbound",
                delivery.id,
                channel=delivery.channel,
                attempts=delivery.attempts,
                error=reason,
            )
        report.failed += 1
    else:
        outboxes.release(
            OutboundDelivery,
            delivery.id,
            token,
            status=DeliveryStatus.PENDING.value,
            next_attempt_at=outcome.next_attempt_at,
            last_error=reason,
        )
        report.retrying += 1


def purge_delivered(now: dt.datetime | None = None) -> int:
    """Delete delivered rows older than ``KEEP_DELIVERED``."""
    cutoff = (now or utcnow()) - KEEP_DELIVERED
    result = db.session.execute(
        delete(OutboundDelivery).where(
            OutboundDelivery.status == DeliveryStatus.DELIVERED.value,
            OutboundDelivery.delivered_at < cutoff,
        )
    )
    db.session.commit()
    return rows_matched(result)


def undelivered(
    page: int, channel: str | None = None, per_page: int = 50
) -> Page[OutboundDelivery]:
    """Deliveries not yet handed over, failed first, then oldest first."""
    statement = select(OutboundDelivery).where(
        OutboundDelivery.status != DeliveryStatus.DELIVERED.value
    )
    if channel:
        statement = statement.where(OutboundDelivery.channel == channel)
    statement = statement.order_by(
        OutboundDelivery.status != DeliveryStatus.FAILED.value, OutboundDelivery.id
    )
    return paginate(statement, page=page, per_page=per_page)


def counts(channel: str | None = None) -> dict[str, int]:
    """How many deliveries are in each state (of one channel, or all)."""
    statement = select(OutboundDelivery.status, func.count()).group_by(OutboundDelivery.status)
    if channel:
        statement = statement.where(OutboundDelivery.channel == channel)
    found = {status: total for status, total in db.session.execute(statement)}
    return {status.value: found.get(status.value, 0) for status in DeliveryStatus}


def channels() -> list[str]:
    """Every channel that has a delivery on record, for the administrator's filter."""
    return list(
        db.session.scalars(
            select(OutboundDelivery.channel).distinct().order_by(OutboundDelivery.channel)
        )
    )


def retry(actor_id: int, delivery_id: int) -> OutboundDelivery:
    """Make a failed or waiting delivery due now, with a fresh round of attempts; audited."""
    delivery = db.session.get(OutboundDelivery, delivery_id, with_for_update=True)
    if delivery is None:
        raise OutboundError("That delivery is no longer in the outbox.")
    if delivery.status not in RETRYABLE:
        raise OutboundError("That delivery is being handed over or was delivered; nothing changed.")
    previous = delivery.status
    delivery.status = DeliveryStatus.PENDING.value
    delivery.attempts = 0
    delivery.next_attempt_at = utcnow()
    record(
        "outbound.retried",
        "outbound",
        delivery.id,
        actor_id,
        channel=delivery.channel,
        destination=delivery.destination,
        was=previous,
    )
    db.session.commit()
    return delivery
