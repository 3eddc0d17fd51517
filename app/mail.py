"""Outgoing mail: SMTP in production; the log and an in-memory outbox otherwise."""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

from flask import Flask, current_app

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Mail:
    """A plain-text message to one recipient."""

    to: str
    subject: str
    body: str


def outbox(app: Flask | None = None) -> list[Mail]:
    """Messages sent while no SMTP server is configured (development and tests)."""
    target = app or current_app
    return target.extensions.setdefault("outbox", [])


def send_mail(to: str, subject: str, body: str) -> None:
    """Send a message, or log it and keep it in the outbox when no SMTP server is set."""
    mail = Mail(to=to, subject=subject, body=body)
    config = current_app.config
    if not config["MAIL_SERVER"]:
        outbox().append(mail)
        log.info("Mail to %s: %s\n%s", to, subject, body)
        return
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)
