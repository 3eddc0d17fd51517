"""The outbound table: each delivery kept until its channel's sender has handed it over."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow


class DeliveryStatus(StrEnum):
    """Where a delivery is on its way out."""

    PENDING = "pending"
    SENDING = "sending"
    DELIVERED = "delivered"
    FAILED = "failed"


class OutboundDelivery(Base):
    """One message for one channel (``lti-score``, ``xapi``, ``webhook``...), as JSON."""

    __tablename__ = "outbound_deliveries"
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'sending', 'delivered', 'failed')", name="status_is_known"
        ),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        CheckConstraint(
            "(status = 'delivered') = (delivered_at IS NOT NULL)", name="delivered_has_time"
        ),
        CheckConstraint(
            "(status = 'sending') = (claimed_at IS NOT NULL AND claim_token IS NOT NULL)",
            name="sending_is_claimed",
        ),
        CheckConstraint("length(channel) > 0", name="channel_named"),
        # A channel names a delivery that must never go twice (a statement id, a
        # webhook event id) by its key; a second enqueue of the same key is refused.
        UniqueConstraint("channel", "dedupe_key", name="uq_outbound_deliveries_key"),
        # What a worker asks for: due deliveries, oldest first.
        Index("ix_outbound_deliveries_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(40))
    #: Who receives it, for the administrator's view (a platform, an LRS, a subscriber).
    destination: Mapped[str] = mapped_column(String(300), default="")
    dedupe_key: Mapped[str | None] = mapped_column(String(200))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default=DeliveryStatus.PENDING.value)
    #: Attempts started so far, counted when a worker claims the delivery.
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: A pending delivery is not claimed before this time (the retry back-off).
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: Set while a worker holds the delivery; an old claim is a crashed worker's.
    claimed_at: Mapped[dt.datetime | None]
    claim_token: Mapped[str | None] = mapped_column(String(32))
    delivered_at: Mapped[dt.datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(500))
