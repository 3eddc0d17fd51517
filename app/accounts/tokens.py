"""Signed, expiring tokens for links mailed to users (email confirmation, password reset).

A token carries a fingerprint of the account state it was issued for: a reset
token stops working once the password changes, so each one works once.
"""

from __future__ import annotations

import hashlib
import hmac
from enum import StrEnum

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from app.accounts.models import User
from app.db import db


class Purpose(StrEnum):
    """What a mailed link is for; each purpose signs with its own salt."""

    CONFIRM_EMAIL = "confirm-email"
    RESET_PASSWORD = "reset-password"  # noqa: S105 (a purpose name, not a secret)  # nosec B105


class TokenError(Exception):
    """A link that cannot be used; the message says why in words a user understands."""


def _serializer(purpose: Purpose) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"groundwork-{purpose}")


def _fingerprint(user: User, purpose: Purpose) -> str:
    state = user.password_hash if purpose is Purpose.RESET_PASSWORD else user.email
    return hashlib.sha256(f"{user.id}:{state}".encode()).hexdigest()[:24]


def issue_token(user: User, purpose: Purpose) -> str:
    """A token for ``user`` that is valid for ``purpose`` until it expires or is used."""
    return _serializer(purpose).dumps({"user": user.id, "state": _fingerprint(user, purpose)})


def redeem_token(token: str, purpose: Purpose, max_age: int) -> User:
    """Return the user a token was issued to, or raise TokenError."""
    try:
        data = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise TokenError("This link has expired. Please ask for a new one.") from exc
    except BadSignature as exc:
        raise TokenError("This link is not valid. Please ask for a new one.") from exc
    user = db.session.get(User, data.get("user")) if isinstance(data, dict) else None
    state = data.get("state", "") if isinstance(data, dict) else ""
    if user is None or not hmac.compare_digest(str(state), _fingerprint(user, purpose)):
        raise TokenError("This link has already been used or is no longer valid.")
    return user
