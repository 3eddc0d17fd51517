"""Flask-Login wiring: a session names the user and the session version it was made under.

"Keep me signed in" is this site's own server-side token (``app.accounts.remember``),
not Flask-Login's cookie, which carries no issue time and cannot be revoked alone.
"""

from __future__ import annotations

from typing import Final

from flask import Flask, Request, Response, current_app, g, request
from flask_login import current_user, login_user

from app.accounts import remember
from app.accounts.models import User
from app.db import db
from app.extensions import login_manager

#: Marks the response that must delete the remember-me cookie.
FORGET: Final = "forget"


def load_user(session_id: str) -> User | None:
    """Return the active user a session belongs to, or None if it is stale."""
    user_id, _, version = session_id.partition(":")
    if not all(
        part.isascii() and part.isdigit() and len(part) <= 18 for part in (user_id, version)
    ):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active or user.session_version != int(version):
        return None
    return user


def load_remembered_user(incoming: Request) -> User | None:
    """Sign in from a remember-me cookie when the session has no user; the token rotates."""
    cookie = incoming.cookies.get(current_app.config["REMEMBER_TOKEN_COOKIE"])
    if not cookie:
        return None
    redeemed = remember.redeem(cookie)
    if redeemed is None:
        g.remember_cookie = FORGET
        return None
    user, issued = redeemed
    g.remember_cookie = issued
    login_user(user, fresh=False)  # the session carries on; the cookie is needed again only later
    return user


def keep_signed_in(user: User) -> None:
    """Remember this device for the user (the cookie is set on the response)."""
    g.remember_cookie = remember.remember(user)


def forget_this_device() -> None:
    """Delete the remember-me cookie from this browser, if it holds one, with the response."""
    if current_app.config["REMEMBER_TOKEN_COOKIE"] in request.cookies:
        g.remember_cookie = FORGET


def _write_remember_cookie(response: Response) -> Response:
    change = g.pop("remember_cookie", None)
    config = current_app.config
    flags = {
        "path": "/",
        "httponly": config["REMEMBER_COOKIE_HTTPONLY"],
        "samesite": config["REMEMBER_COOKIE_SAMESITE"],
        "secure": config["REMEMBER_COOKIE_SECURE"],
    }
    if change == FORGET:
        response.delete_cookie(config["REMEMBER_TOKEN_COOKIE"], **flags)
    elif isinstance(change, remember.Issued):
        response.set_cookie(
            config["REMEMBER_TOKEN_COOKIE"], change.cookie, expires=change.expires_at, **flags
        )
    return response


def _no_store_when_signed_in(response: Response) -> Response:
    """Nothing shown to a signed-in user is kept by the browser or a shared cache.

    Pages and downloads (credential.json, certificate and transcript PDFs, CSVs) carry
    names and license numbers; on a shared clinic computer the back button or the disk
    cache must not show them to the next person.
    """
    if request.endpoint != "static" and current_user.is_authenticated:
        response.headers["Cache-Control"] = "no-store"
    return response


def init_login(app: Flask) -> None:
    """Bind Flask-Login with the sign-in page and its messages."""
    login_manager.init_app(app)
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)
    login_manager.request_loader(load_remembered_user)
    app.after_request(_write_remember_cookie)
    app.after_request(_no_store_when_signed_in)
