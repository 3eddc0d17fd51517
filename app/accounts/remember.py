""" "Keep me signed in": one token per device, kept on the server, used once, expiring.

The cookie holds ``selector.secret``. Each use replaces the token with a new one (so a
copied cookie stops working as soon as either copy is used), and every token expires
``REMEMBER_DAYS`` after the sign-in that typed the password, however often it rotates.
Ending a user's sessions deletes their tokens, and a token issued under an older
session version is refused even if a row survived.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import delete, select

from app.accounts.models import RememberToken, User
from app.db import db, utcnow

_COOKIE = re.compile(r"([A-Za-z0-9_-]{16,32})\.([A-Za-z0-9_-]{32,64})")


@dataclass(frozen=True)
class Issued:
    """A token as the cookie carries it, and when it stops working."""

    cookie: str
    expires_at: dt.datetime


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _new_token(user: User, expires_at: dt.datetime) -> Issued:
    selector, secret = secrets.token_urlsafe(16), secrets.token_urlsafe(32)
    db.session.add(
        RememberToken(
            user_id=user.id,
            selector=selector,
            secret_hash=_digest(secret),
            session_version=user.session_version,
            issued_at=utcnow(),
            expires_at=expires_at,
        )
    )
    return Issued(cookie=f"{selector}.{secret}", expires_at=expires_at)


def remember(user: User) -> Issued:
    """A new token for this device, good for REMEMBER_DAYS; the user's expired ones go."""
    now = utcnow()
    db.session.execute(
        delete(RememberToken).where(
            RememberToken.user_id == user.id, RememberToken.expires_at <= now
        )
    )
    issued = _new_token(user, now + dt.timedelta(days=current_app.config["REMEMBER_DAYS"]))
    db.session.commit()
    return issued


def redeem(cookie: str) -> tuple[User, Issued] | None:
    """The user a remember cookie signs in and the token replacing it, or None if refused.

    A refused token is deleted when it can be found, so it is never tried twice.
    """
    match = _COOKIE.fullmatch(cookie)
    if match is None:
        return None
    selector, secret = match.groups()
    token = db.session.scalar(
        select(RememberToken).where(RememberToken.selector == selector).with_for_update()
    )
    if token is None:
        return None
    user = db.session.get(User, token.user_id)
    usable = (
        hmac.compare_digest(token.secret_hash, _digest(secret))
        and token.expires_at > utcnow()
        and user is not None
        and user.is_active
        and token.session_version == user.session_version
    )
    db.session.delete(token)
    issued = _new_token(user, token.expires_at) if usable and user is not None else None
    db.session.commit()
    return (user, issued) if issued is not None and user is not None else None


def forget_all(user: User) -> None:
    """Delete every remember-me token of the user (the caller commits)."""
    db.session.execute(delete(RememberToken).where(RememberToken.user_id == user.id))
