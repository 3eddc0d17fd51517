"""The outbox: each message a service sends, kept until a worker has delivered it."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow


class MailStatus(StrEnum):
    """Where a message is on its way out."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class OutboundMail(Base):
    """A plain-text message to one recipient, written in the sender's transaction."""

    __tablename__ = "outbound_mail"
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'sending', 'sent', 'failed')", name="status_is_known"
        ),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        CheckConstraint("(status = 'sent') = (sent_at IS NOT NULL)", name="sent_has_time"),
        CheckConstraint(
            "(status = 'sending') = (claimed_at IS NOT NULL AND claim_token IS NOT NULL)",
            name="sending_is_claimed",
        ),
        # What a worker asks for: due messages, oldest first.
        Index("ix_outbound_mail_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    #: Holds live links (confirmation, reset) until the sent message is purged.
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=MailStatus.PENDING.value)
    #: Delivery attempts started so far, counted when a worker claims the message.
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: A pending message is not claimed before this time (the retry back-off).
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: Set while a worker holds the message; an old claim is a crashed worker's.
    claimed_at: Mapped[dt.datetime | None]
    claim_token: Mapped[str | None] = mapped_column(String(32))
    sent_at: Mapped[dt.datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(500))
