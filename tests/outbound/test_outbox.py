"""Deliveries to other systems leave with the caller's commit, go once, wait out an outage
with back-off, are given up only after many tries, and can be sent again by an administrator."""

from __future__ import annotations

import datetime as dt
import json
import threading
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from app import outboxes
from app.accounts.models import Role
from app.audit.models import AuditEvent
from app.db import db, utcnow
from app.outbound import services
from app.outbound.models import DeliveryStatus, OutboundDelivery
from app.outbound.services import MAX_ATTEMPTS, SendFailed, deliver_due, enqueue
from tests.loopback import Serving


class Receiver:
    """A real HTTP endpoint on loopback that can be taken down and brought back."""

    def __init__(self) -> None:
        self.received: list[dict[str, object]] = []
        self.status = 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if receiver.status == 200:
                    receiver.received.append(json.loads(body))
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/in"
        self.serving = Serving(self.server)

    def send(self, delivery: OutboundDelivery) -> None:
        """The test channel's sender: POST the payload; 4xx is permanent, the rest retried."""
        request = urllib.request.Request(  # noqa: S310 (a loopback http URL the test made)
            self.url,
            data=json.dumps(delivery.payload).encode(),
            headers={"Content-Type": "application/json"},
        )
        try:
            urllib.request.urlopen(request, timeout=5).close()  # noqa: S310
        except urllib.error.HTTPError as error:
            raise SendFailed(f"HTTP {error.code}", permanent=400 <= error.code < 500) from error
        except OSError as error:
            raise SendFailed(f"{type(error).__name__}: {error}") from error

    def close(self) -> None:
        self.serving.stop()


@pytest.fixture
def receiver(app) -> Iterator[Receiver]:  # type: ignore[no-untyped-def]
    endpoint = Receiver()
    services.register_sender("test-channel", endpoint.send)
    yield endpoint
    endpoint.close()


def stored(delivery_id: int) -> OutboundDelivery:
    db.session.expire_all()
    found = db.session.get(OutboundDelivery, delivery_id)
    assert found is not None
    return found


def queued(count: int = 1, **payload: object) -> list[int]:
    for n in range(count):
        enqueue("test-channel", {"n": n, **payload}, destination="receiver")
    db.session.commit()
    return list(db.session.scalars(select(OutboundDelivery.id).order_by(OutboundDelivery.id)))


def test_a_delivery_exists_only_if_the_callers_transaction_commits(app, receiver):
    enqueue("test-channel", {"kept": True})
    db.session.commit()
    enqueue("test-channel", {"kept": False})
    db.session.rollback()
    assert deliver_due().delivered == 1
    assert receiver.received == [{"kept": True}]


def test_the_same_key_is_queued_once_whatever_replays_it(app, receiver):
    assert enqueue("test-channel", {"n": 1}, dedupe_key="statement-1")
    assert not enqueue("test-channel", {"n": 2}, dedupe_key="statement-1")
    assert enqueue("other-channel", {"n": 3}, dedupe_key="statement-1")  # keys are per channel
    db.session.commit()
    assert not enqueue("test-channel", {"n": 4}, dedupe_key="statement-1")  # also after commit
    db.session.commit()
    services.register_sender("other-channel", receiver.send)
    assert deliver_due().delivered == 2
    assert sorted(r["n"] for r in receiver.received) == [1, 3]


def test_an_outage_is_waited_out_with_back_off_and_nothing_is_lost(app, receiver):
    [delivery_id] = queued()
    receiver.status = 503
    start = utcnow()
    with freeze_time(start) as clock:
        for attempt in range(1, 4):
            assert deliver_due().retrying == 1
            row = stored(delivery_id)
            assert row.status == DeliveryStatus.PENDING and row.attempts == attempt
            assert row.last_error == "HTTP 503"
            wait = row.next_attempt_at - utcnow()
            assert wait == dt.timedelta(minutes=2 ** (attempt - 1))
            assert deliver_due().handled == 0  # not before its back-off ends
            clock.tick(wait)
        receiver.status = 200  # the other system is back
        assert deliver_due().delivered == 1
    row = stored(delivery_id)
    assert row.status == DeliveryStatus.DELIVERED and row.delivered_at is not None
    assert row.last_error is None and receiver.received == [{"n": 0}]
    assert deliver_due().handled == 0  # delivered once, never again


def test_a_refusal_that_retrying_cannot_fix_is_given_up_at_once_and_audited(app, receiver):
    [delivery_id] = queued()
    receiver.status = 400
    assert deliver_due().failed == 1
    assert stored(delivery_id).status == DeliveryStatus.FAILED
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "outbound.failed"))
    assert event is not None and event.details["channel"] == "test-channel"


def test_a_system_down_for_good_is_given_up_after_the_last_try(app, receiver):
    [delivery_id] = queued()
    receiver.close()  # nothing listens any more: connection refused
    with freeze_time(utcnow()) as clock:
        for _ in range(MAX_ATTEMPTS - 1):
            assert deliver_due().retrying == 1
            clock.tick(stored(delivery_id).next_attempt_at - utcnow())
        assert deliver_due().failed == 1
    row = stored(delivery_id)
    assert row.status == DeliveryStatus.FAILED and row.attempts == MAX_ATTEMPTS
    assert "Connection" in (row.last_error or "") or "URLError" in (row.last_error or "")
    assert deliver_due().handled == 0


def test_a_channel_with_no_sender_fails_rather_than_vanishing(app):
    enqueue("nobody-sends-this", {"x": 1})
    db.session.commit()
    assert deliver_due().failed == 1
    db.session.expire_all()
    row = db.session.scalar(select(OutboundDelivery))
    assert row is not None and "no sender" in (row.last_error or "")


def test_a_sender_that_crashes_is_retried_not_lost(app):
    def crash(delivery: OutboundDelivery) -> None:
        raise RuntimeError("bug")

    services.register_sender("crashing", crash)
    enqueue("crashing", {"x": 1})
    db.session.commit()
    assert deliver_due().retrying == 1
    db.session.expire_all()
    row = db.session.scalar(select(OutboundDelivery))
    assert row is not None and row.last_error == "RuntimeError: bug"


def test_a_delivery_held_by_a_worker_that_died_is_taken_again_after_its_lease(app, receiver):
    [delivery_id] = queued()
    with freeze_time(utcnow()) as clock:
        token, claimed = outboxes.claim(OutboundDelivery, 10)
        assert [d.id for d in claimed] == [delivery_id]
        assert deliver_due().handled == 0
        clock.tick(outboxes.CLAIM_LEASE + dt.timedelta(minutes=1))
        assert deliver_due().delivered == 1
    # The dead worker's late answer cannot overwrite the outcome.
    assert not outboxes.release(OutboundDelivery, delivery_id, token, status="pending")
    assert stored(delivery_id).status == DeliveryStatus.DELIVERED


def test_concurrent_workers_deliver_each_exactly_once(app, receiver):
    ids = queued(30)
    application = app

    def worker() -> None:
        with application.app_context():
            while deliver_due(limit=3).handled:
                pass

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert Counter(r["n"] for r in receiver.received) == Counter(range(len(ids)))


def test_delivered_rows_are_purged_after_thirty_days(app, receiver):
    [delivery_id] = queued()
    deliver_due()
    assert services.purge_delivered(utcnow() + dt.timedelta(days=29)) == 0
    assert services.purge_delivered(utcnow() + dt.timedelta(days=31)) == 1
    db.session.expire_all()
    assert db.session.get(OutboundDelivery, delivery_id) is None


def test_an_administrator_sees_the_dead_letters_and_sends_one_again(client, sign_in, receiver):
    [delivery_id] = queued()
    receiver.status = 400
    deliver_due()
    admin = sign_in(Role.ADMIN)
    page = client.get("/admin/deliveries").get_data(as_text=True)
    assert "test-channel" in page and "HTTP 400" in page and "Failed" in page
    assert "0 waiting, 0 being delivered, 1 failed" in page
    receiver.status = 200
    response = client.post(f"/admin/deliveries/{delivery_id}/retry", follow_redirects=True)
    assert "will be sent again shortly" in response.get_data(as_text=True)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "outbound.retried"))
    assert event is not None and event.actor_id == admin.id and event.details["was"] == "failed"
    assert deliver_due().delivered == 1
    # Delivered: a second "send again" (a replayed form) changes nothing.
    again = client.post(f"/admin/deliveries/{delivery_id}/retry", follow_redirects=True)
    assert "was delivered; nothing changed" in again.get_data(as_text=True)
    missing = client.post("/admin/deliveries/999/retry", follow_redirects=True)
    assert "no longer in the outbox" in missing.get_data(as_text=True)


def test_the_channel_filter_ignores_what_it_does_not_know(client, sign_in, receiver):
    queued()
    sign_in(Role.ADMIN)
    assert "1 waiting" in client.get("/admin/deliveries?channel=test-channel").get_data(
        as_text=True
    )
    page = client.get("/admin/deliveries?channel=<script>").get_data(as_text=True)
    assert "1 waiting" in page and "<script>" not in page


def test_retry_without_the_forms_token_changes_nothing(client, sign_in, receiver):
    [delivery_id] = queued()
    sign_in(Role.ADMIN)
    response = client.post(f"/admin/deliveries/{delivery_id}/retry", csrf=False)
    assert response.status_code in (302, 400)
    assert (
        db.session.scalar(select(AuditEvent).where(AuditEvent.action == "outbound.retried")) is None
    )


def test_draining_adds_up_every_batch_until_a_short_one(app, receiver):
    queued(7)
    report = services.drain(batch=3)  # passes of 3, 3 and 1
    assert (report.delivered, report.retrying, report.failed) == (7, 0, 0)
    assert len(receiver.received) == 7 and services.drain(batch=3).handled == 0
