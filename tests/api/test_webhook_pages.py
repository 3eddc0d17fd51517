"""The administrators' webhook page: list, add (secret shown once), delete after a
confirmation page; refusals change nothing and say why."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role
from app.api import services
from app.api.models import WebhookSubscription
from app.audit.models import AuditEvent
from app.db import db
from app.outbound.models import OutboundDelivery
from app.outbound.services import enqueue

PAGE = "/admin/webhooks"
GOOD = {"url": "https://hooks.example.org/in", "events": ["certificate.issued"]}


def _count(model: type) -> int:
    return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


def _audits(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _text(response) -> str:  # type: ignore[no-untyped-def]
    return response.get_data(as_text=True)


def test_an_administrator_adds_a_webhook_and_sees_its_secret_once(client, sign_in):
    admin = sign_in(Role.ADMIN)
    page = client.get(PAGE)
    assert page.status_code == 200
    body = _text(page)
    assert "<h1>Webhooks</h1>" in body
    assert 'href="/admin/webhooks" aria-current="page">Webhooks</a>' in body
    assert "No webhooks yet." in body
    created = client.post(
        PAGE, data={"url": GOOD["url"], "events": ["certificate.issued", "course.completed"]}
    )
    # Post, then redirect: reloading the page shown cannot post the form a second time.
    assert created.status_code == 303 and created.location.endswith(PAGE)
    shown = _text(client.get(PAGE))
    secret = re.search(r'id="webhook-secret"[^>]*value="(whsec_[^"]+)"', shown)
    assert secret, shown
    subscription = db.session.scalars(select(WebhookSubscription)).one()
    assert subscription.secret == secret.group(1)
    assert subscription.events == ["certificate.issued", "course.completed"]
    assert subscription.owner_id == admin.id
    [audit] = _audits("api.webhook_created")
    assert audit.actor_id == admin.id
    again = _text(client.get(PAGE))
    assert secret.group(1) not in again  # once only
    assert GOOD["url"] in again and "None yet" in again


@pytest.mark.parametrize(
    "events",
    [
        ["certificate.deleted"],
        ["Certificate.Issued"],
        [" certificate.issued"],
        ["certificate.issued\u200b"],
        ["certificate.issued", "user.created"],
        [],
    ],
)
def test_tampered_event_names_are_refused_and_make_nothing(client, sign_in, events):
    sign_in(Role.ADMIN)
    response = client.post(PAGE, data={"url": GOOD["url"], "events": events})
    assert response.status_code == 400
    assert "Choose" in _text(response) and "event" in _text(response)
    assert _count(WebhookSubscription) == 0 and _audits("api.webhook_created") == []


def test_the_service_refuses_unknown_events_too(make_user):
    admin = make_user(Role.ADMIN)
    with pytest.raises(services.ApiError, match="Choose events"):
        services.create_webhook(admin, GOOD["url"], ["course.Completed"], allow_http=False)
    assert _count(WebhookSubscription) == 0


@pytest.mark.parametrize(
    "url",
    [
        "HTTPS://LOCALHOST./in",
        "http://[::1]/",
        "https://[::1]/",
        "https://0x7f.1/",
        "https://2130706433/",
        "https://127.0.0.1./in",
        "https://[::ffff:127.0.0.1]/in",
        "https://169.254.169.254/latest/meta-data",
        "https://\uff4c\uff4f\uff43\uff41\uff4c\uff48\uff4f\uff53\uff54/in",  # full-width
        "https://\uff11\uff12\uff17.0.0.1/in",
        "https://metadata/computeMetadata",
        "https://db.internal/in",
        "https://user:pass@hooks.example.org/in",
        "http://hooks.example.org/in",
    ],
)
def test_production_refuses_internal_urls_in_any_spelling(client, sign_in, app, monkeypatch, url):
    monkeypatch.setitem(app.config, "GROUNDWORK_ENV", "production")
    sign_in(Role.ADMIN)
    response = client.post(PAGE, data={"url": url, "events": GOOD["events"]})
    assert response.status_code == 400
    assert 'id="url-error"' in _text(response)
    assert _count(WebhookSubscription) == 0 and _audits("api.webhook_created") == []


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.example.org:25/in",  # mail
        "https://hooks.example.org:0025/in",  # the same port, spelled with zeros
        "https://hooks.example.org:6667/in",  # IRC
        "https://hooks.example.org:10080/in",  # the list's highest
        "https://93.184.215.14:587/in",  # a public address, on mail submission
        "https://hooks.example.org:0/in",
    ],
)
def test_ports_of_other_protocols_are_refused_in_any_spelling(client, sign_in, url):
    sign_in(Role.ADMIN)
    response = client.post(PAGE, data={"url": url, "events": GOOD["events"]})
    assert response.status_code == 400
    assert "Choose another port" in _text(response)
    assert _count(WebhookSubscription) == 0 and _audits("api.webhook_created") == []


@pytest.mark.parametrize("port", ["443", "8443", "8080", "9000"])
def test_ordinary_web_ports_are_accepted(client, sign_in, port):
    sign_in(Role.ADMIN)
    url = f"https://hooks.example.org:{port}/in"
    response = client.post(PAGE, data={"url": url, "events": GOOD["events"]})
    assert response.status_code == 303
    assert _count(WebhookSubscription) == 1


@pytest.mark.parametrize("role", [Role.LEARNER, Role.INSTRUCTOR])
def test_only_administrators_reach_the_page_or_change_anything(client, sign_in, make_user, role):
    other = make_user(Role.ADMIN)
    subscription, _ = services.create_webhook(other, GOOD["url"], GOOD["events"], False)
    sign_in(role)
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, data=GOOD).status_code == 403
    deleting = client.post(f"{PAGE}/{subscription.id}/delete", data={"confirm": "yes"})
    assert deleting.status_code == 403
    db.session.expire_all()
    assert _count(WebhookSubscription) == 1 and subscription.revoked_at is None


def test_deleting_asks_first_then_stops_deliveries_and_a_replay_changes_nothing(
    client, sign_in, make_user
):
    owner = make_user(Role.ADMIN)
    subscription, _ = services.create_webhook(owner, GOOD["url"], GOOD["events"], False)
    # Subscriptions are the provider's, not one administrator's (as in the API): another
    # administrator sees this one and may delete it; the audit log says who did.
    other = sign_in(Role.ADMIN)
    assert GOOD["url"] in _text(client.get(PAGE))
    path = f"{PAGE}/{subscription.id}/delete"
    asked = client.post(path)
    assert asked.status_code == 200
    assert "Delete this webhook?" in _text(asked)
    assert "Deliveries already waiting in the outbox for it are not sent." in _text(asked)
    db.session.expire_all()
    assert db.session.get(WebhookSubscription, subscription.id).revoked_at is None
    done = client.post(path, data={"confirm": "yes"}, follow_redirects=True)
    assert f"Deliveries to {GOOD['url']} have stopped." in _text(done)
    assert "No webhooks yet." in _text(done)
    db.session.expire_all()
    assert db.session.get(WebhookSubscription, subscription.id).revoked_at is not None
    [audit] = _audits("api.webhook_deleted")
    assert audit.actor_id == other.id
    replay = client.post(path, data={"confirm": "yes"}, follow_redirects=True)
    assert "No such webhook subscription" in _text(replay)
    assert "Nothing was changed." in _text(replay)
    assert len(_audits("api.webhook_deleted")) == 1
    unknown = client.post(f"{PAGE}/999999/delete", data={"confirm": "yes"}, follow_redirects=True)
    assert "No such webhook subscription" in _text(unknown)


def test_a_delete_without_the_csrf_token_changes_nothing(client, sign_in, make_user):
    subscription, _ = services.create_webhook(
        make_user(Role.ADMIN), GOOD["url"], GOOD["events"], False
    )
    sign_in(Role.ADMIN)
    response = client.post(f"{PAGE}/{subscription.id}/delete", data={"confirm": "yes"}, csrf=False)
    assert response.status_code in (302, 400)
    db.session.expire_all()
    assert db.session.get(WebhookSubscription, subscription.id).revoked_at is None
    assert _audits("api.webhook_deleted") == []


def test_the_last_delivery_and_its_reason_are_shown(client, sign_in, make_user):
    admin = make_user(Role.ADMIN)
    first, _ = services.create_webhook(admin, GOOD["url"], GOOD["events"], False)
    second, _ = services.create_webhook(admin, "https://crm.example.org/h", GOOD["events"], False)
    for key, status, error in (("a", "delivered", None), ("b", "failed", "refused: why")):
        enqueue("webhook", {"subscription_id": first.id}, dedupe_key=f"{first.id}:x:{key}")
        delivery = db.session.scalars(
            select(OutboundDelivery).order_by(OutboundDelivery.id.desc())
        ).first()
        assert delivery is not None
        delivery.status, delivery.last_error, delivery.attempts = status, error, 1
        if status == "delivered":
            delivery.delivered_at = delivery.created_at
    db.session.commit()
    sign_in(user=admin)
    body = _text(client.get(PAGE))
    assert "Failed</span> after 1 try: refused: why" in body
    assert body.count("None yet") == 1  # the second has had none; the first's latest failed
    assert services.last_deliveries([second]) == {}


def test_the_secret_is_shown_only_to_the_browser_that_added_it_and_not_after_a_delete(
    app, client, sign_in, make_user
):
    sign_in(Role.ADMIN)
    other = app.test_client()
    colleague = make_user(Role.ADMIN)
    other.post("/sign-in", data={"email": colleague.email, "password": make_user.password})
    assert client.post(PAGE, data=GOOD).status_code == 303
    assert 'id="webhook-secret"' not in _text(other.get(PAGE))  # another administrator

    subscription = db.session.scalars(select(WebhookSubscription)).one()
    services.delete_webhook(colleague, subscription.id)  # deleted before the page loads
    page = client.get(PAGE)
    assert page.status_code == 200 and 'id="webhook-secret"' not in _text(page)


def test_a_replayed_session_cookie_does_not_show_the_secret_again(app, client, sign_in):
    admin = sign_in(Role.ADMIN)
    name, domain = app.config["SESSION_COOKIE_NAME"], app.config["SERVER_NAME"]
    assert client.post(PAGE, data=GOOD).status_code == 303
    replayed = client.get_cookie(name, domain=domain).value  # still asks for the secret
    assert 'id="webhook-secret"' in _text(client.get(PAGE))

    client.set_cookie(name, replayed, domain=domain)
    page = client.get(PAGE)
    assert page.status_code == 200 and 'id="webhook-secret"' not in _text(page)
    [shown] = _audits("api.webhook_secret_shown")
    assert shown.actor_id == admin.id
