"""Flask-Login wiring: a session names the user and the session version it was made under."""

from __future__ import annotations

from flask import Flask

from app.accounts.models import User
from app.db import db
from app.extensions import login_manager


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


def init_login(app: Flask) -> None:
    """Bind Flask-Login with the sign-in page and its messages."""
    login_manager.init_app(app)
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)
