"""The API's writes (tokens, OAuth clients, webhook subscriptions) and its credential checks.

Secrets are made here, returned once to the caller and kept only as a SHA-256, except a
webhook's, which signing needs. Every write is audited and committed here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import ColumnElement, select
from sqlalchemy.exc import IntegrityError

from app.accounts.models import Role, User
from app.api import addresses
from app.api.models import ApiToken, OAuthClient, WebhookSubscription
from app.api.schemas import WEBHOOK_EVENTS
from app.api.signing import new_secret
from app.audit.models import AuditEvent
from app.audit.services import record
from app.db import db, utcnow
from app.outbound.models import OutboundDelivery

#: A personal access token reads ``gw_<selector>_<secret>``; one issued to a client ``gwo_``.
PERSONAL_PREFIX = "gw"
CLIENT_PREFIX = "gwo"
SCOPES = ("read", "read write")
#: How long a personal access token may live, in days (the owner picks up to this).
MAX_TOKEN_DAYS = 366
#: The outbox channel webhook deliveries travel on (app/api/listeners.py).
WEBHOOK_CHANNEL = "webhook"
#: How long a token issued to an OAuth client lives.
CLIENT_TOKEN_LIFETIME = dt.timedelta(hours=1)


class ApiError(Exception):
    """A refused request; the message is safe to show."""


class AlreadyMade(ApiError):
    """The form was posted before and made the credential named; nothing new was made."""

    def __init__(self, name: str) -> None:
        """``name``: the credential the earlier post of the same form made."""
        super().__init__(name)
        self.name = name


@dataclass(frozen=True)
class Issued:
    """A new credential and its secret, which is never shown again."""

    token: ApiToken
    secret: str


@dataclass(frozen=True)
class Principal:
    """Who a valid bearer token acts for, and what it may do."""

    user: User
    token: ApiToken

    @property
    def can_write(self) -> bool:
        """Whether the token carries the write scope."""
        return self.token.can_write


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _new_token(
    user: User, name: str, scopes: str, expires_at: dt.datetime, client: OAuthClient | None
) -> Issued:
    selector, secret = secrets.token_hex(8), secrets.token_urlsafe(32)
    prefix = CLIENT_PREFIX if client else PERSONAL_PREFIX
    token = ApiToken(
        user_id=user.id,
        client_id=client.id if client else None,
        name=name,
        selector=selector,
        secret_hash=_digest(secret),
        scopes=scopes,
        created_at=utcnow(),
        expires_at=expires_at,
    )
    db.session.add(token)
    return Issued(token, f"{prefix}_{selector}_{secret}")


def _flush_once_per_form(
    model: type[ApiToken] | type[OAuthClient], mine: ColumnElement[bool], form_key: str | None
) -> None:
    """Flush the new row. When this owner's form ``form_key`` already made one (a reload of
    the page that showed the secret, or a second click at the same moment), the unique
    constraint refuses it: undo this one and raise AlreadyMade naming the first."""
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        made = (
            db.session.scalar(select(model.name).where(mine, model.form_key == form_key))
            if form_key is not None
            else None
        )
        if made is None:
            raise
        raise AlreadyMade(made) from None


def create_personal_token(
    user: User, name: str, scopes: str, days: int, form_key: str | None = None
) -> Issued:
    """A personal access token for ``user``; its text is returned once, never stored.

    ``form_key`` is the random key of the page's form: a second post of the same form (a
    reload of the page that showed the token) raises AlreadyMade and makes nothing.
    """
    name = name.strip()
    if not name or len(name) > 80:
        raise ApiError("Give the token a name of up to 80 characters.")
    if scopes not in SCOPES:
        raise ApiError("Choose read, or read and write.")
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise ApiError(f"A token lives from 1 to {MAX_TOKEN_DAYS} days.")
    mine = ApiToken.user_id == user.id
    issued = _new_token(user, name, scopes, utcnow() + dt.timedelta(days=days), None)
    issued.token.form_key = form_key
    _flush_once_per_form(ApiToken, mine, form_key)
    record("api.token_created", "user", user.id, actor_id=user.id, token=name, scopes=scopes)
    db.session.commit()
    return issued


def personal_tokens(user: User) -> list[ApiToken]:
    """The user's personal access tokens, newest first (revoked and expired included)."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.client_id.is_(None))
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def revoke_personal_token(user: User, token_id: int) -> ApiToken:
    """End one of the user's own tokens now; another user's token is not found."""
    token = db.session.scalar(
        select(ApiToken).where(
            ApiToken.id == token_id, ApiToken.user_id == user.id, ApiToken.client_id.is_(None)
        )
    )
    if token is None:
        raise ApiError("No such token.")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        record("api.token_revoked", "user", user.id, actor_id=user.id, token=token.name)
        db.session.commit()
    return token


def register_client(
    admin: User, name: str, scopes: str, form_key: str | None = None
) -> tuple[OAuthClient, str]:
    """An OAuth client for a provider's system; its secret is returned once.

    A second post of the same form (``form_key``) raises AlreadyMade and makes nothing.
    """
    name = name.strip()
    if not name or len(name) > 80:
        raise ApiError("Give the client a name of up to 80 characters.")
    if scopes not in SCOPES:
        raise ApiError("Choose read, or read and write.")
    mine = OAuthClient.owner_id == admin.id
    secret = secrets.token_urlsafe(32)
    client = OAuthClient(
        client_id=f"gwc_{secrets.token_hex(12)}",
        secret_hash=_digest(secret),
        name=name,
        scopes=scopes,
        owner_id=admin.id,
        created_at=utcnow(),
        form_key=form_key,
    )
    db.session.add(client)
    _flush_once_per_form(OAuthClient, mine, form_key)
    record("api.client_registered", "oauth_client", client.id, actor_id=admin.id, name=name)
    db.session.commit()
    return client, secret


def clients() -> list[OAuthClient]:
    """Every registered OAuth client, newest first."""
    return list(
        db.session.scalars(
            select(OAuthClient).order_by(OAuthClient.created_at.desc(), OAuthClient.id.desc())
        )
    )


def revoke_client(admin: User, client_id: int) -> None:
    """Stop a client: no new tokens, and the ones it holds stop working."""
    client = db.session.get(OAuthClient, client_id)
    if client is None:
        raise ApiError("No such client.")
    if client.revoked_at is None:
        now = utcnow()
        client.revoked_at = now
        for token in db.session.scalars(
            select(ApiToken).where(ApiToken.client_id == client.id, ApiToken.revoked_at.is_(None))
        ):
            token.revoked_at = now
        record("api.client_revoked", "oauth_client", client.id, actor_id=admin.id)
        db.session.commit()


def _split(text: str) -> tuple[str, str, str] | None:
    parts = text.split("_")
    if len(parts) < 3 or parts[0] not in (PERSONAL_PREFIX, CLIENT_PREFIX):
        return None
    prefix, selector, secret = parts[0], parts[1], "_".join(parts[2:])
    if len(selector) != 16 or not secret or len(secret) > 100:
        return None
    return prefix, selector, secret


def selector_of(text: str) -> str | None:
    """The selector a bearer token's text names (unchecked), for per-token rate limits."""
    parts = _split(text)
    return parts[1] if parts else None


def authenticate(text: str) -> Principal | None:
    """The owner a bearer token acts for, or None: unknown, wrong secret, expired, revoked,
    an inactive owner, or a client that was revoked."""
    parts = _split(text)
    if parts is None:
        return None
    prefix, selector, secret = parts
    token = db.session.scalar(select(ApiToken).where(ApiToken.selector == selector))
    if token is None or not hmac.compare_digest(token.secret_hash, _digest(secret)):
        return None
    if (prefix == CLIENT_PREFIX) != (token.client_id is not None):
        return None
    now = utcnow()
    if token.revoked_at is not None or token.expires_at <= now:
        return None
    user = db.session.get(User, token.user_id)
    if user is None or not user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=5):
        token.last_used_at = now  # at most one write per token every five minutes
        db.session.commit()
    return Principal(user, token)


def issue_client_token(client_id: str, client_secret: str, scope: str | None) -> Issued:
    """A short-lived token for a client that proved its secret (client credentials grant)."""
    client = db.session.scalar(select(OAuthClient).where(OAuthClient.client_id == client_id))
    if client is None or not hmac.compare_digest(client.secret_hash, _digest(client_secret)):
        _digest(client_secret)  # an unknown client costs what a known one does
        raise ApiError("invalid_client")
    owner = db.session.get(User, client.owner_id)
    if client.revoked_at is not None or owner is None or not owner.is_active:
        raise ApiError("invalid_client")
    granted = scope or client.scopes
    if granted not in SCOPES or (granted == "read write" and client.scopes == "read"):
        raise ApiError("invalid_scope")
    issued = _new_token(owner, client.name, granted, utcnow() + CLIENT_TOKEN_LIFETIME, client)
    db.session.commit()
    return issued


def internal_hosts_allowed() -> bool:
    """Whether webhooks may use http and reach this network's own addresses: everywhere
    but production (so development and the tests can deliver to a local receiver)."""
    return bool(current_app.config.get("GROUNDWORK_ENV") != "production")


def check_webhook_url(url: str, allow_http: bool) -> str:
    """The URL if deliveries may go there, or ApiError saying why not: https and a host
    (http, loopback and private addresses only in development), no credentials in it, and
    no port of another protocol (addresses.BAD_PORTS).

    A host written as an address is judged here in any spelling (``[::1]``, ``0x7f.1``,
    ``2130706433``, a trailing dot, full-width digits) by the same predicate deliveries use
    (app/api/addresses.py); a name is judged at every delivery, by what it resolves to.
    """
    if len(url) > 500 or any(ord(c) < 33 or ord(c) == 127 for c in url):
        raise ApiError("The URL must be at most 500 characters, without spaces.")
    try:
        parts = urlsplit(url)
        hostname, port = parts.hostname, parts.port  # a port that is not a number raises
    except ValueError:
        raise ApiError("The URL is not valid: check the host and port.") from None
    schemes = ("https", "http") if allow_http else ("https",)
    if parts.scheme not in schemes or not hostname:
        raise ApiError("The URL must start with https:// and name a host.")
    if parts.username is not None or parts.password is not None:
        raise ApiError("Put no user name or password in the URL; deliveries are signed.")
    if parts.fragment:
        raise ApiError("The URL must not have a #fragment.")
    port_problem = addresses.port_refusal(port)
    if port_problem:
        raise ApiError(f"Choose another port: {port_problem}. Leave it out to use the usual one.")
    if not allow_http:
        refusal = addresses.host_refusal(hostname)
        if refusal:
            raise ApiError(f"The URL must name a public host: {refusal}")
    return url


def check_webhook_events(events: list[str]) -> list[str]:
    """The events, sorted and without repeats, or ApiError: each must be one of
    WEBHOOK_EVENTS exactly as written there (no other case or spacing)."""
    if not events:
        raise ApiError("Choose at least one event.")
    unknown = [event for event in events if event not in WEBHOOK_EVENTS]
    if unknown:
        raise ApiError("Choose events from the list: " + ", ".join(WEBHOOK_EVENTS) + ".")
    return sorted(set(events))


def create_webhook(
    admin: User, url: str, events: list[str], allow_http: bool
) -> tuple[WebhookSubscription, str]:
    """A subscription for ``events``; the signing secret is returned once."""
    check_webhook_url(url, allow_http)
    chosen = check_webhook_events(events)
    secret = new_secret()
    subscription = WebhookSubscription(
        owner_id=admin.id, url=url, events=chosen, secret=secret, created_at=utcnow()
    )
    db.session.add(subscription)
    db.session.flush()
    record("api.webhook_created", "webhook", subscription.id, actor_id=admin.id, url=url)
    db.session.commit()
    return subscription, secret


def reveal_webhook_secret(admin: User, subscription_id: int) -> WebhookSubscription | None:
    """The subscription ``admin`` just added, for its secret's one showing (audited); None
    when it is someone else's, deleted, or its secret was shown already: the page asks from
    the session cookie, and a replayed cookie must not show it again."""
    subscription = db.session.get(WebhookSubscription, subscription_id)
    if subscription is None or subscription.revoked_at is not None:
        return None
    if subscription.owner_id != admin.id:
        return None
    shown = db.session.scalar(
        select(AuditEvent.id)
        .where(
            AuditEvent.action == "api.webhook_secret_shown",
            AuditEvent.subject_type == "webhook",
            AuditEvent.subject_id == str(subscription_id),
        )
        .limit(1)
    )
    if shown is not None:
        return None
    record("api.webhook_secret_shown", "webhook", subscription_id, actor_id=admin.id)
    db.session.commit()
    return subscription


def webhooks_after(after: int, limit: int) -> list[WebhookSubscription]:
    """Active subscriptions after id ``after``, oldest first."""
    return list(
        db.session.scalars(
            select(WebhookSubscription)
            .where(WebhookSubscription.revoked_at.is_(None), WebhookSubscription.id > after)
            .order_by(WebhookSubscription.id)
            .limit(limit)
        )
    )


def webhooks() -> list[WebhookSubscription]:
    """Active subscriptions, newest first, for the administrator's page."""
    return list(
        db.session.scalars(
            select(WebhookSubscription)
            .where(WebhookSubscription.revoked_at.is_(None))
            .order_by(WebhookSubscription.created_at.desc(), WebhookSubscription.id.desc())
        )
    )


def active_webhook(subscription_id: int) -> WebhookSubscription:
    """One active subscription, or ApiError (unknown, or already deleted)."""
    subscription = db.session.get(WebhookSubscription, subscription_id)
    if subscription is None or subscription.revoked_at is not None:
        raise ApiError("No such webhook subscription: it may have been deleted already.")
    return subscription


def last_deliveries(subscriptions: list[WebhookSubscription]) -> dict[int, OutboundDelivery]:
    """Each subscription's most recent delivery still in the outbox (delivered ones are kept
    for 30 days), found by the dedupe key the webhook channel gives it: ``<id>:<event>:...``.
    """
    found: dict[int, OutboundDelivery] = {}
    for subscription in subscriptions:
        delivery = db.session.scalar(
            select(OutboundDelivery)
            .where(
                OutboundDelivery.channel == WEBHOOK_CHANNEL,
                OutboundDelivery.dedupe_key.startswith(f"{subscription.id}:", autoescape=True),
            )
            .order_by(OutboundDelivery.id.desc())
            .limit(1)
        )
        if delivery is not None:
            found[subscription.id] = delivery
    return found


def delete_webhook(admin: User, subscription_id: int) -> None:
    """Stop deliveries to a subscription (kept, revoked, for the audit log)."""
    subscription = db.session.get(
        WebhookSubscription, subscription_id, with_for_update=True, populate_existing=True
    )
    if subscription is None or subscription.revoked_at is not None:
        raise ApiError("No such webhook subscription: it may have been deleted already.")
    subscription.revoked_at = utcnow()
    record(
        "api.webhook_deleted", "webhook", subscription.id, actor_id=admin.id, url=subscription.url
    )
    db.session.commit()


def subscriptions_for(event: str) -> list[WebhookSubscription]:
    """Active subscriptions that asked for ``event``."""
    rows = db.session.execute(
        select(WebhookSubscription, User)
        .join(User, User.id == WebhookSubscription.owner_id)
        .where(WebhookSubscription.revoked_at.is_(None))
        .order_by(WebhookSubscription.id)
    )
    # A subscription stops with its owner's administrator role or account.
    return [
        subscription
        for subscription, owner in rows
        if event in subscription.events and owner.is_active and is_provider(owner)
    ]


def is_provider(user: User) -> bool:
    """Whether the user may read the provider's records (administrators)."""
    return user.has_role(Role.ADMIN)
