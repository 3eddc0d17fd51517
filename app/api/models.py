"""API credentials and webhook subscriptions.

A token's secret is kept only as a SHA-256 (a copy of the table lets no one in); a
webhook's secret is kept as it is, because signing each delivery needs it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow


class ApiToken(Base):
    """A bearer token: a personal access token, or one issued to an OAuth client.

    The token reads ``gw_<selector>_<secret>``; the selector finds the row, the secret's
    SHA-256 proves it. It acts as its owner with the owner's current role, limited by
    its scopes; it ends at ``expires_at`` or when revoked.
    """

    __tablename__ = "api_tokens"
    __table_args__ = (
        CheckConstraint("expires_at > created_at", name="expires_after_creation"),
        CheckConstraint("scopes IN ('read', 'read write')", name="scopes_known"),
        CheckConstraint("length(name) > 0", name="named"),
        # A form makes one token: a reload or a second click posts the same key again.
        UniqueConstraint("user_id", "form_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: Set for tokens issued at /api/v1/oauth/token; None for personal access tokens.
    client_id: Mapped[int | None] = mapped_column(
        ForeignKey("oauth_clients.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(80))
    selector: Mapped[str] = mapped_column(String(32), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None]
    last_used_at: Mapped[dt.datetime | None]
    #: The random key of the page's form that made a personal token (None for a client's).
    form_key: Mapped[str | None] = mapped_column(String(32))

    @property
    def can_write(self) -> bool:
        """Whether the token carries the write scope."""
        return "write" in self.scopes.split()


class OAuthClient(Base):
    """A server-to-server integration an administrator registered (client credentials).

    Its tokens act as the administrator who registered it, with that person's current role.
    """

    __tablename__ = "oauth_clients"
    __table_args__ = (
        CheckConstraint("scopes IN ('read', 'read write')", name="scopes_known"),
        CheckConstraint("length(name) > 0", name="named"),
        # A form registers one client: a reload or a second click posts the same key again.
        UniqueConstraint("owner_id", "form_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(40), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(80))
    scopes: Mapped[str] = mapped_column(String(20))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[dt.datetime | None]
    #: The random key of the page's form that registered it (None before migration 0021).
    form_key: Mapped[str | None] = mapped_column(String(32))


class WebhookSubscription(Base):
    """Where to POST the chosen events, signed with HMAC-SHA256 under ``secret``."""

    __tablename__ = "webhook_subscriptions"
    __table_args__ = (CheckConstraint("length(url) > 0", name="url_given"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(500))
    #: Event names from app.api.webhooks.EVENTS.
    events: Mapped[list[str]] = mapped_column(JSON)
    secret: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[dt.datetime | None]
