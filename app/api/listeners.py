"""Webhooks: the moments providers subscribe to, queued on the shared outbox's ``webhook``
channel in the moment's own transaction, and the sender that signs and POSTs them."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import httpcore
import httpx
from flask import current_app

from app import events
from app.api import addresses, services, signing
from app.api.models import WebhookSubscription
from app.api.pinning import PinnedTransport
from app.certificates.identifiers import display_id
from app.certificates.models import Certificate
from app.certificates.standing import state_of
from app.db import db, utcnow
from app.outbound.models import OutboundDelivery
from app.outbound.services import SendFailed, enqueue, register_sender

CHANNEL = services.WEBHOOK_CHANNEL
#: Seconds to connect, and to wait for the subscriber's answer.
TIMEOUT = httpx.Timeout(10.0, connect=5.0)


def _queue(event: str, key: str, data: dict[str, Any]) -> None:
    """One delivery per active subscription that asked for ``event``; ``key`` names the
    moment, so replaying it queues nothing twice."""
    for subscription in services.subscriptions_for(event):
        enqueue(
            CHANNEL,
            {
                "subscription_id": subscription.id,
                "event": {
                    "id": f"msg_{uuid.uuid4().hex}",
                    "type": event,
                    "timestamp": utcnow().isoformat(),
                    "data": data,
                },
            },
            destination=subscription.url,
            dedupe_key=f"{subscription.id}:{event}:{key}"[:200],
        )


def _certificate_data(certificate: Certificate) -> dict[str, Any]:
    return {
        "certificate_id": display_id(certificate.public_id),
        "user_id": certificate.user_id,
        "course_id": certificate.course_id,
        "course_title": certificate.course_title,
        "course_version": certificate.course_version,
        "completed_on": certificate.completed_on.isoformat(),
        "ce_hours": float(certificate.ce_hours),
        "status": state_of(certificate).value,
    }


def on_course_completed(moment: events.CourseCompleted) -> None:
    """Queue ``course.completed``."""
    enrollment = moment.enrollment
    _queue(
        "course.completed",
        str(enrollment.id),
        {
            "user_id": moment.user.id,
            "course": moment.course.slug,
            "enrollment_id": enrollment.id,
            "completed_at": (enrollment.completed_at or utcnow()).isoformat(),
        },
    )


def on_certificate_issued(moment: events.CertificateIssued) -> None:
    """Queue ``certificate.issued``."""
    certificate = moment.certificate
    _queue("certificate.issued", certificate.public_id, _certificate_data(certificate))


def on_certificate_replaced(moment: events.CertificateReplaced) -> None:
    """A correction issues a new certificate: queue ``certificate.issued`` naming the old."""
    new, old = moment.replacement, moment.replaced
    data = {**_certificate_data(new), "replaces": display_id(old.public_id)}
    _queue("certificate.issued", new.public_id, data)


def on_certificate_revoked(moment: events.CertificateRevoked) -> None:
    """Queue ``certificate.revoked`` with the reason."""
    certificate = moment.certificate
    data = {**_certificate_data(certificate), "status": "revoked", "reason": moment.reason}
    _queue("certificate.revoked", certificate.public_id, data)


def send(delivery: OutboundDelivery) -> None:
    """Sign and POST one delivery; 2xx delivers, 4xx (but 408 and 429) gives up, the rest
    retries. The timestamp is signed at each try, so a retry is never refused as stale.

    The subscriber's host is resolved and vetted at every try (``deliver``); the app
    config's ``WEBHOOK_RESOLVER`` (a callable) replaces the system resolver in tests."""
    subscription = db.session.get(WebhookSubscription, delivery.payload["subscription_id"])
    if subscription is None or subscription.revoked_at is not None:
        raise SendFailed("the subscription was deleted", permanent=True)
    event = delivery.payload["event"]
    body = json.dumps(event, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": f"Groundwork-Webhooks ({current_app.config['SITE_URL']})",
        **signing.headers(subscription.secret, event["id"], int(time.time()), body),
    }
    resolver = current_app.config.get("WEBHOOK_RESOLVER") or addresses.system_resolver
    deliver(
        subscription.url,
        body,
        headers,
        resolver=resolver,
        allow_internal=services.internal_hosts_allowed(),
    )


def deliver(
    url: str,
    body: bytes,
    headers: dict[str, str],
    *,
    resolver: addresses.Resolver,
    allow_internal: bool,
    inner: httpcore.NetworkBackend | None = None,
) -> None:
    """POST ``body`` to ``url`` over a connection to an address vetted just before.

    The host is resolved once; if any address is not public (and ``allow_internal`` is
    off) the delivery is refused for good, with the reason, and nothing is sent. The
    connection goes to the vetted address while the Host header, TLS server name and
    certificate check keep the host name (app/api/pinning.py); redirects are not followed.
    ``inner`` replaces the socket-level connector (tests).
    """
    try:
        target = httpx.URL(url)
    except httpx.InvalidURL as error:
        raise SendFailed(f"refused: the URL is not valid ({error})", permanent=True) from error
    if target.scheme != "https" and not (allow_internal and target.scheme == "http"):
        raise SendFailed("refused: deliveries go only to https:// URLs", permanent=True)
    port_problem = addresses.port_refusal(target.port)
    if port_problem:  # a subscription made before the port check, or edited in the database
        raise SendFailed(f"refused: {port_problem}", permanent=True)
    host = target.raw_host.decode("ascii")
    try:
        vetted = addresses.vet(host, resolver, allow_internal=allow_internal)
    except addresses.Refused as refusal:
        raise SendFailed(f"refused: {refusal}", permanent=True) from refusal
    except addresses.Unresolved as failure:
        raise SendFailed(str(failure)) from failure
    transport = PinnedTransport(host, vetted, inner=inner)
    try:
        with httpx.Client(transport=transport, timeout=TIMEOUT, trust_env=False) as client:
            response = client.post(target, content=body, headers=headers, follow_redirects=False)
    except httpx.HTTPError as error:
        raise SendFailed(f"{type(error).__name__}: {error}") from error
    if 200 <= response.status_code < 300:
        return
    permanent = 400 <= response.status_code < 500 and response.status_code not in (408, 429)
    raise SendFailed(f"the subscriber answered {response.status_code}", permanent=permanent)


def connect() -> None:
    """Subscribe to the moments webhooks report and register the channel's sender."""
    events.course_completed.connect(on_course_completed)
    events.certificate_issued.connect(on_certificate_issued)
    events.certificate_replaced.connect(on_certificate_replaced)
    events.certificate_revoked.connect(on_certificate_revoked)
    register_sender(CHANNEL, send)
