"""Webhook signatures as the Standard Webhooks specification defines them (pure).

Each delivery carries three headers: ``webhook-id`` (the same on every retry, so a
receiver can drop duplicates), ``webhook-timestamp`` (Unix seconds at this try) and
``webhook-signature: v1,<base64 HMAC-SHA256>``, keyed with the subscription's secret
(``whsec_`` then base64 key bytes) over ``<id>.<timestamp>.<body>``. A receiver
recomputes it, compares in constant time and refuses a timestamp more than
:data:`TOLERANCE_SECONDS` from its clock, so a captured delivery cannot be replayed
later nor its body changed. Any Standard Webhooks library verifies it
(tests/api/test_webhooks.py uses the reference ``standardwebhooks`` package).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets

PREFIX = "whsec_"
TOLERANCE_SECONDS = 300


def new_secret() -> str:
    """A signing secret: ``whsec_`` and 32 random bytes in base64."""
    return PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(PREFIX), validate=True)


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header's value: ``v1,`` and the base64 HMAC-SHA256."""
    content = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three headers that sign one delivery."""
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, message_id, timestamp, body),
    }


def verify(
    secret: str,
    received: dict[str, str],
    body: bytes,
    now: int,
    tolerance: int = TOLERANCE_SECONDS,
) -> bool:
    """Whether ``received`` headers sign ``body`` under ``secret`` within ``tolerance``."""
    message_id = received.get("webhook-id", "")
    stamp = received.get("webhook-timestamp", "")
    if not message_id or not stamp.isdigit() or len(stamp) > 12:
        return False
    timestamp = int(stamp)
    if abs(now - timestamp) > tolerance:
        return False
    try:
        expected = signature(secret, message_id, timestamp, body).encode()
    except (binascii.Error, ValueError):
        return False
    given = received.get("webhook-signature", "").split()
    return any(hmac.compare_digest(expected, candidate.encode()) for candidate in given)
