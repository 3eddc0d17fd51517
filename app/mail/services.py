"""What administrators and the development page do with the outbox."""

from __future__ import annotations

from sqlalchemy import func, select

from app.audit.services import record
from app.db import db, utcnow
from app.mail.models import MailStatus, OutboundMail
from app.pagination import Page, paginate

#: States an administrator can send again: given up, or waiting out a back-off.
RETRYABLE = (MailStatus.FAILED.value, MailStatus.PENDING.value)


class MailError(Exception):
    """A refused outbox operation; the message is safe to show."""


def undelivered(page: int, per_page: int = 50) -> Page[OutboundMail]:
    """Messages not yet delivered, failed first, then oldest first."""
    statement = (
        select(OutboundMail)
        .where(OutboundMail.status != MailStatus.SENT.value)
        .order_by(OutboundMail.status != MailStatus.FAILED.value, OutboundMail.id)
    )
    return paginate(statement, page=page, per_page=per_page)


def counts() -> dict[str, int]:
    """How many messages are in each state."""
    rows = db.session.execute(
        select(OutboundMail.status, func.count()).group_by(OutboundMail.status)
    )
    found = {status: total for status, total in rows}
    return {status.value: found.get(status.value, 0) for status in MailStatus}


def retry(actor_id: int, message_id: int) -> OutboundMail:
    """Make a failed or waiting message due now, with a fresh round of attempts; audited
    under ``actor_id`` (an id, not a user: mail stands below accounts, which sends it)."""
    message = db.session.get(OutboundMail, message_id)
    if message is None:
        raise MailError("That message is no longer in the outbox.")
    if message.status not in RETRYABLE:
        raise MailError(
            "That message is already being delivered or was delivered; nothing changed."
        )
    previous = message.status
    message.status = MailStatus.PENDING.value
    message.attempts = 0
    message.next_attempt_at = utcnow()
    record("mail.retried", "mail", message.id, actor_id, recipient=message.recipient, was=previous)
    db.session.commit()
    return message


def recent(limit: int = 50) -> list[OutboundMail]:
    """The newest messages in any state, for the development mail page."""
    return list(
        db.session.scalars(select(OutboundMail).order_by(OutboundMail.id.desc()).limit(limit))
    )
