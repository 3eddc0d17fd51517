"""Webhooks: queued in the moment's transaction on the shared outbox, POSTed to a real
HTTP endpoint, signed as Standard Webhooks and checked by that standard's reference
verifier (the ``standardwebhooks`` package), replays and altered bodies refused."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from freezegun import freeze_time
from sqlalchemy import select
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from app.accounts.models import Role
from app.api import signing
from app.certificates.services import revoke
from app.db import db
from app.outbound.models import DeliveryStatus, OutboundDelivery
from app.outbound.services import drain
from tests.api.conftest import bearer
from tests.certificates.helpers import earn_certificate
from tests.factories import make_course
from tests.loopback import Serving

ALL_EVENTS = ["course.completed", "certificate.issued", "certificate.revoked"]


class Subscriber:
    """A provider's endpoint on loopback: keeps each POST's headers and body."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.status = 204
        subscriber = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if subscriber.status < 300:
                    subscriber.received.append((dict(self.headers.items()), body))
                self.send_response(subscriber.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        self.serving = Serving(self.server)

    def close(self) -> None:
        self.serving.stop()


@pytest.fixture
def subscriber() -> Iterator[Subscriber]:
    endpoint = Subscriber()
    yield endpoint
    endpoint.close()


def _subscribe(client, admin_token: str, url: str, events=ALL_EVENTS) -> dict:  # type: ignore[no-untyped-def]
    response = client.post(
        "/api/v1/webhooks",
        json={"url": url, "events": events},
        headers=bearer(admin_token),
        csrf=False,
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def _lowercase(headers: dict[str, str]) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items()}


def test_deliveries_are_signed_so_the_reference_verifier_accepts_them(
    client, make_user, sign_in, token_for, subscriber
):
    admin = make_user(Role.ADMIN)
    created = _subscribe(client, token_for(admin, "read write"), subscriber.url)
    course = make_course(modules=1)
    learner = sign_in()
    certificate = earn_certificate(client, course, learner.id)
    revoke(admin, certificate, "Issued in error")
    drain()
    assert len(subscriber.received) == 3
    verifier = Webhook(created["secret"])
    events = []
    for headers, body in subscriber.received:
        payload = verifier.verify(body, _lowercase(headers))
        events.append(payload["type"])
        assert payload == json.loads(body)
    assert sorted(events) == sorted(ALL_EVENTS)
    by_type = {json.loads(body)["type"]: json.loads(body) for _, body in subscriber.received}
    assert by_type["course.completed"]["data"]["course"] == course.slug
    assert by_type["certificate.revoked"]["data"]["reason"] == "Issued in error"
    # Another secret, a changed body or a replay later than five minutes: all refused.
    headers, body = subscriber.received[0]
    with pytest.raises(WebhookVerificationError):
        Webhook(signing.new_secret()).verify(body, _lowercase(headers))
    with pytest.raises(WebhookVerificationError):
        verifier.verify(body.replace(b"}", b',"x":1}', 1), _lowercase(headers))
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=6)
    with freeze_time(later), pytest.raises(WebhookVerificationError):
        verifier.verify(body, _lowercase(headers))


def test_our_own_verifier_agrees_with_the_reference(subscriber):
    secret = signing.new_secret()
    body = b'{"type":"certificate.issued"}'
    now = int(dt.datetime.now(dt.UTC).timestamp())
    headers = signing.headers(secret, "msg_1", now, body)
    assert Webhook(secret).verify(body, headers) == json.loads(body)
    assert signing.verify(secret, headers, body, now)
    assert not signing.verify(secret, headers, body, now + signing.TOLERANCE_SECONDS + 1)
    assert not signing.verify(secret, headers, body + b" ", now)
    assert not signing.verify(secret, {**headers, "webhook-id": "msg_2"}, body, now)


def test_only_chosen_events_are_queued_and_a_deleted_subscription_gets_nothing(
    client, make_user, sign_in, token_for, subscriber
):
    admin = make_user(Role.ADMIN)
    admin_token = token_for(admin, "read write")
    only_issued = _subscribe(client, admin_token, subscriber.url, ["certificate.issued"])
    deleted = _subscribe(client, admin_token, subscriber.url + "/gone")
    client.delete(f"/api/v1/webhooks/{deleted['id']}", headers=bearer(admin_token))
    course = make_course(modules=1)
    learner = sign_in()
    earn_certificate(client, course, learner.id)
    queued = db.session.scalars(select(OutboundDelivery)).all()
    assert [d.payload["event"]["type"] for d in queued] == ["certificate.issued"]
    assert {d.payload["subscription_id"] for d in queued} == {only_issued["id"]}


def test_a_subscription_stops_with_its_owners_administrator_role(
    client, make_user, sign_in, token_for, subscriber
):
    admin = make_user(Role.ADMIN)
    _subscribe(client, token_for(admin, "read write"), subscriber.url)
    admin.role = Role.INSTRUCTOR.value
    db.session.commit()
    learner = sign_in()
    earn_certificate(client, make_course(modules=1), learner.id)
    assert db.session.scalars(select(OutboundDelivery)).all() == []


@pytest.mark.parametrize(
    ("status", "outcome"), [(503, "pending"), (410, "failed"), (429, "pending")]
)
def test_a_refusing_subscriber_is_retried_or_given_up(
    client, make_user, sign_in, token_for, subscriber, status, outcome
):
    admin = make_user(Role.ADMIN)
    _subscribe(client, token_for(admin, "read write"), subscriber.url, ["certificate.issued"])
    subscriber.status = status
    learner = sign_in()
    earn_certificate(client, make_course(modules=1), learner.id)
    drain()
    db.session.expire_all()
    delivery = db.session.scalars(select(OutboundDelivery)).one()
    assert delivery.status == outcome
    assert str(status) in (delivery.last_error or "")
    if outcome == "pending":  # the next try, once the subscriber is back, delivers
        subscriber.status = 200
        with freeze_time(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=2)):
            drain()
        db.session.expire_all()
        assert db.session.get(OutboundDelivery, delivery.id).status == DeliveryStatus.DELIVERED
        assert len(subscriber.received) == 1
