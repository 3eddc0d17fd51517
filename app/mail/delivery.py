"""Delivering the outbox: claim due messages safely among several workers, send, retry."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import smtplib
import sys
from dataclasses import dataclass
from email.message import EmailMessage

from flask import Flask, current_app
from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.sql.elements import ColumnElement

from app.audit.services import record
from app.db import db, rows_matched, utcnow
from app.mail import retry
from app.mail.models import MailStatus, OutboundMail
from app.mail.text import links_on_their_own_lines

log = logging.getLogger(__name__)


class DeliveryError(Exception):
    """A message could not be handed over; ``permanent`` when retrying cannot help."""

    def __init__(self, message: str, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass
class Report:
    """What one pass over the outbox did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    purged: int = 0

    @property
    def handled(self) -> int:
        """Messages claimed in the pass."""
        return self.sent + self.retrying + self.failed


def _due(now: dt.datetime) -> ColumnElement[bool]:
    """Pending and due, or claimed by a worker so long ago that it must have died."""
    return or_(
        and_(OutboundMail.status == MailStatus.PENDING.value, OutboundMail.next_attempt_at <= now),
        and_(
            OutboundMail.status == MailStatus.SENDING.value,
            OutboundMail.claimed_at < now - retry.CLAIM_LEASE,
        ),
    )


def claim(limit: int, now: dt.datetime | None = None) -> tuple[str, list[OutboundMail]]:
    """Mark up to ``limit`` due messages as this worker's and commit, so no other takes them.

    One UPDATE whose common table expression picks the rows: PostgreSQL locks them with
    FOR UPDATE SKIP LOCKED so concurrent workers take different rows without waiting;
    SQLite runs one writer at a time, so the statement is atomic there as it stands.
    """
    now = now or utcnow()
    token = secrets.token_hex(16)
    # MATERIALIZED: PostgreSQL may otherwise run a plain subquery once per row it updates,
    # locking a new batch each time and claiming more than ``limit`` messages.
    chosen = (
        select(OutboundMail.id)
        .where(_due(now))
        .order_by(OutboundMail.next_attempt_at, OutboundMail.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .cte("chosen")
        .prefix_with("MATERIALIZED")
    )
    db.session.execute(
        update(OutboundMail)
        .add_cte(chosen)
        .where(OutboundMail.id.in_(select(chosen.c.id)), _due(now))
        .values(
            status=MailStatus.SENDING.value,
            claimed_at=now,
            claim_token=token,
            attempts=OutboundMail.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    rows = db.session.scalars(
        select(OutboundMail)
        .where(OutboundMail.claim_token == token)
        .order_by(OutboundMail.id)
        # The UPDATE bypassed the session: reload rows it may already hold from an earlier pass.
        .execution_options(populate_existing=True)
    )
    return token, list(rows)


def deliver_due(limit: int = 50) -> Report:
    """Claim due messages, hand each to the transport, record the outcome; purge old sent mail."""
    report = Report()
    token, messages = claim(limit)
    for message in messages:
        try:
            transport(message)
        except DeliveryError as error:
            _record_failure(message, token, error, report)
        except Exception as error:  # an unforeseen error must not stop the worker or lose mail
            log.exception("Delivering message %s failed unexpectedly", message.id)
            unforeseen = DeliveryError(f"{type(error).__name__}: {error}")
            _record_failure(message, token, unforeseen, report)
        else:
            _finish(message, token, status=MailStatus.SENT.value, sent_at=utcnow())
            report.sent += 1
        db.session.commit()
    report.purged = purge_sent()
    return report


def deliver_due_in(app: Flask) -> None:
    """Deliver what is due from outside any request (after a response has been sent)."""
    with app.app_context():
        while deliver_due().handled:
            pass


def purge_sent(now: dt.datetime | None = None) -> int:
    """Delete sent messages older than the longest-lived link they could carry."""
    cutoff = (now or utcnow()) - retry.KEEP_SENT
    result = db.session.execute(
        delete(OutboundMail).where(
            OutboundMail.status == MailStatus.SENT.value, OutboundMail.sent_at < cutoff
        )
    )
    db.session.commit()
    return rows_matched(result)


def _finish(message: OutboundMail, token: str, **values: object) -> bool:
    """Release this worker's claim with ``values``; False if another worker took it over."""
    result = db.session.execute(
        update(OutboundMail)
        .where(OutboundMail.id == message.id, OutboundMail.claim_token == token)
        .values(claimed_at=None, claim_token=None, **values)
        .execution_options(synchronize_session=False)
    )
    return rows_matched(result) == 1


def _record_failure(
    message: OutboundMail, token: str, error: DeliveryError, report: Report
) -> None:
    outcome = retry.after_failure(message.attempts, utcnow(), permanent=error.permanent)
    reason = str(error)[:500]
    if outcome.give_up:
        if _finish(message, token, status=MailStatus.FAILED.value, last_error=reason):
            record("mail.failed", "mail", message.id, attempts=message.attempts, error=reason)
        report.failed += 1
    else:
        _finish(
            message,
            token,
            status=MailStatus.PENDING.value,
            next_attempt_at=outcome.next_attempt_at,
            last_error=reason,
        )
        report.retrying += 1


def transport(message: OutboundMail) -> None:
    """Hand one message to SMTP, or print it when no server is configured."""
    config = current_app.config
    if not config["MAIL_SERVER"]:
        if config["GROUNDWORK_ENV"] == "production":
            # Printing would put live reset links into production logs.
            raise DeliveryError("MAIL_SERVER is not set; production never prints mail")
        print_to_terminal(message)
        return
    email = EmailMessage()
    email["From"] = config["MAIL_SENDER"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email.set_content(message.body)
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(email)
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _ in error.recipients.values()]
        raise DeliveryError(
            f"recipient refused: {error.recipients}", all(retry.is_permanent(c) for c in codes)
        ) from error
    except smtplib.SMTPResponseException as error:
        raise DeliveryError(
            f"{error.smtp_code} {error.smtp_error!r}", retry.is_permanent(error.smtp_code)
        ) from error
    except (smtplib.SMTPException, OSError) as error:
        raise DeliveryError(f"{type(error).__name__}: {error}") from error


def print_to_terminal(message: OutboundMail) -> None:
    """Show a development message in full where ``make run`` runs, each link on its own line."""
    rule = "-" * 72
    sys.stdout.write(
        f"\n{rule}\nMail to: {message.recipient}\nSubject: {message.subject}\n\n"
        f"{links_on_their_own_lines(message.body)}\n{rule}\n"
        "(development: no MAIL_SERVER is set; every message is also listed at /dev/mail)\n\n"
    )
    sys.stdout.flush()
