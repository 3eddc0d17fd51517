"""Outgoing mail through an outbox: a service records a message in its own transaction and
a worker delivers it later, so no request waits for (or is timed by) an SMTP server.

In development the site delivers by itself just after each response that queued mail, so
``make run`` needs no worker; without ``MAIL_SERVER`` delivery prints the message to the
terminal and ``/dev/mail`` lists it.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask, after_this_request, current_app, g, has_request_context, request
from sqlalchemy import select
from werkzeug.wrappers import Response

from app.db import db
from app.mail.models import OutboundMail

#: Values of ``MAIL_DELIVERY``: a worker command delivers, or the site after each response.
WORKER = "worker"
AFTER_RESPONSE = "after-response"


@dataclass(frozen=True)
class Mail:
    """A plain-text message to one recipient."""

    to: str
    subject: str
    body: str


def delivery_mode(config: Mapping[str, Any]) -> str:
    """``MAIL_DELIVERY`` if set; otherwise a worker in production and tests, the site itself
    after each response in development."""
    chosen = config.get("MAIL_DELIVERY") or ""
    if chosen in (WORKER, AFTER_RESPONSE):
        return chosen
    if config.get("GROUNDWORK_ENV") == "production" or config.get("TESTING"):
        return WORKER
    return AFTER_RESPONSE


def send_mail(to: str, subject: str, body: str) -> None:
    """Queue a message in the caller's transaction: it leaves only if the caller commits."""
    db.session.add(OutboundMail(recipient=to, subject=subject, body=body))
    if has_request_context() and delivery_mode(current_app.config) == AFTER_RESPONSE:
        # The app itself, not the proxy, outlives the request; Flask types current_app as
        # the Flask app, hiding the proxy's _get_current_object.
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        _deliver_after_this_response(app)


def _deliver_after_this_response(app: Flask) -> None:
    """Drain the outbox once the response has gone, so the visitor never waits for it."""
    if g.get("mail_delivery_planned"):
        return
    g.mail_delivery_planned = True

    def plan(response: Response) -> Response:
        from app.mail.delivery import deliver_due_in

        response.call_on_close(lambda: deliver_due_in(app))
        return response

    after_this_request(plan)


def outbox(app: Flask | None = None) -> list[Mail]:
    """Every message in the outbox, oldest first, whatever its state (tests read this)."""
    target = app or current_app
    with target.extensions["db_sessionmaker"]() as session:
        rows = session.scalars(select(OutboundMail).order_by(OutboundMail.id))
        return [Mail(to=row.recipient, subject=row.subject, body=row.body) for row in rows]


def development_mailbox_open() -> bool:
    """Whether ``/dev/mail`` shows this visitor the site's mail: outside production, with no
    mail server (the messages are then no real person's), and to a visitor on this machine."""
    config = current_app.config
    if config["GROUNDWORK_ENV"] == "production" or config["MAIL_SERVER"]:
        return False
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False
