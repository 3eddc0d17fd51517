"""Delivering the outbox: claim due messages safely among several workers, send, retry."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import sys
from dataclasses import dataclass
from email.message import EmailMessage

from flask import Flask, current_app
from sqlalchemy import delete

from app import outboxes
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


def claim(limit: int, now: dt.datetime | None = None) -> tuple[str, list[OutboundMail]]:
    """Mark up to ``limit`` due messages as this worker's and commit, so no other takes them."""
    return outboxes.claim(OutboundMail, limit, now)


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
    return outboxes.release(OutboundMail, message.id, token, **values)


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
