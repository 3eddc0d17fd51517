"""The outbox: messages leave with the caller's commit, workers share them safely, failures
are retried with back-off, given up after the last try, and seen by an administrator."""

from __future__ import annotations

import datetime as dt
import os
import signal
import smtplib
import threading
from collections import Counter

import pytest
from freezegun import freeze_time
from sqlalchemy import select, text

from app.audit.models import AuditEvent
from app.db import db, make_engine, utcnow
from app.mail import AFTER_RESPONSE, WORKER, delivery, delivery_mode, outbox, send_mail
from app.mail.delivery import DeliveryError, claim, deliver_due, purge_sent
from app.mail.models import MailStatus, OutboundMail
from app.mail.retry import MAX_ATTEMPTS


def queue(count: int = 1) -> list[int]:
    """Queue ``count`` messages and commit, as a service would."""
    for n in range(count):
        send_mail(f"person{n}@example.com", f"Message {n}", f"Body {n}\nhttp://x.test/{n}")
    db.session.commit()
    return list(db.session.scalars(select(OutboundMail.id).order_by(OutboundMail.id)))


def status_of(message_id: int) -> OutboundMail:
    """The message as stored now."""
    db.session.expire_all()
    message = db.session.get(OutboundMail, message_id)
    assert message is not None
    return message


class RefusingServer:
    """A transport that fails the way an SMTP server does."""

    def __init__(self, error: DeliveryError) -> None:
        self.error = error
        self.calls = 0

    def __call__(self, message: OutboundMail) -> None:
        self.calls += 1
        raise self.error


def test_a_message_is_only_queued_if_the_callers_transaction_commits(app):
    send_mail("a@example.com", "Kept", "Body")
    db.session.commit()
    send_mail("b@example.com", "Dropped", "Body")
    db.session.rollback()
    assert [m.to for m in outbox()] == ["a@example.com"]
    assert status_of(1).status == MailStatus.PENDING


def test_a_request_never_delivers_mail_in_production_or_tests(app):
    assert delivery_mode({"GROUNDWORK_ENV": "production"}) == WORKER
    assert delivery_mode({"GROUNDWORK_ENV": "development", "TESTING": True}) == WORKER
    assert delivery_mode({"GROUNDWORK_ENV": "development"}) == AFTER_RESPONSE
    assert delivery_mode({"GROUNDWORK_ENV": "production", "MAIL_DELIVERY": AFTER_RESPONSE}) == (
        AFTER_RESPONSE
    )


def test_without_a_mail_server_delivery_prints_the_whole_message(app, capsys):
    [message_id] = queue()
    report = deliver_due()
    assert report.sent == 1
    printed = capsys.readouterr().out
    assert "Mail to: person0@example.com" in printed and "Subject: Message 0" in printed
    assert "\nhttp://x.test/0\n" in printed  # the link on a line of its own
    stored = status_of(message_id)
    assert stored.status == MailStatus.SENT and stored.sent_at is not None
    assert stored.claim_token is None and stored.attempts == 1
    assert deliver_due().handled == 0  # delivered once, never again


def test_smtp_delivery_hands_the_message_to_the_configured_server(app, monkeypatch):
    sent = []

    class FakeSMTP:
        def __init__(self, host: str, port: int, timeout: int) -> None:
            sent.append(("connect", host, port))

        def __enter__(self) -> FakeSMTP:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

        def starttls(self) -> None:
            sent.append(("starttls",))

        def login(self, user: str, password: str) -> None:
            sent.append(("login", user))

        def send_message(self, email) -> None:  # type: ignore[no-untyped-def]
            sent.append(("send", email["To"], email["Subject"], email.get_content().strip()))

    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    app.config.update(MAIL_SERVER="smtp.example.com", MAIL_USERNAME="groundwork")
    queue()
    assert deliver_due().sent == 1
    assert sent == [
        ("connect", "smtp.example.com", 587),
        ("starttls",),
        ("login", "groundwork"),
        ("send", "person0@example.com", "Message 0", "Body 0\nhttp://x.test/0"),
    ]


def test_a_server_that_is_down_is_retried_with_back_off_then_given_up(app, monkeypatch):
    app.config["MAIL_SERVER"] = "127.0.0.1"
    app.config["MAIL_PORT"] = 9  # nothing listens on the discard port: connection refused
    [message_id] = queue()
    start = utcnow()
    with freeze_time(start) as clock:
        for attempt in range(1, MAX_ATTEMPTS):
            report = deliver_due()
            assert report.retrying == 1, attempt
            stored = status_of(message_id)
            assert stored.status == MailStatus.PENDING and stored.attempts == attempt
            assert "ConnectionRefusedError" in (stored.last_error or "")
            wait = stored.next_attempt_at - utcnow()
            assert wait == dt.timedelta(minutes=2 ** (attempt - 1))
            assert deliver_due().handled == 0  # not due before its back-off ends
            clock.tick(wait)
        assert deliver_due().failed == 1
    stored = status_of(message_id)
    assert stored.status == MailStatus.FAILED and stored.attempts == MAX_ATTEMPTS
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "mail.failed"))
    assert event is not None and event.subject_id == str(message_id) and event.actor_id is None
    assert deliver_due().handled == 0  # a failed message waits for an administrator


def test_a_permanent_refusal_fails_at_once(app, monkeypatch):
    server = RefusingServer(DeliveryError("550 no such mailbox", permanent=True))
    monkeypatch.setattr(delivery, "transport", server)
    [message_id] = queue()
    assert deliver_due().failed == 1
    assert status_of(message_id).status == MailStatus.FAILED and server.calls == 1


def test_a_message_held_by_a_worker_that_died_is_taken_again_after_its_lease(app):
    [message_id] = queue()
    with freeze_time(utcnow()) as clock:
        token, claimed = claim(10)  # this worker dies before it delivers
        assert [m.id for m in claimed] == [message_id]
        assert deliver_due().handled == 0  # another worker leaves it alone meanwhile
        clock.tick(dt.timedelta(minutes=11))
        assert deliver_due().sent == 1
    stored = status_of(message_id)
    assert stored.status == MailStatus.SENT and stored.attempts == 2
    # The dead worker's late answer cannot overwrite the outcome.
    assert not delivery._finish(stored, token, status=MailStatus.PENDING.value)


def test_concurrent_workers_deliver_each_message_exactly_once(app, monkeypatch):
    ids = queue(40)
    delivered: list[int] = []
    lock = threading.Lock()

    def record(message: OutboundMail) -> None:
        with lock:
            delivered.append(message.id)

    monkeypatch.setattr(delivery, "transport", record)
    application = app

    def worker() -> None:
        with application.app_context():
            while deliver_due(limit=3).handled:
                pass

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert Counter(delivered) == Counter(ids)
    statuses = set(db.session.scalars(select(OutboundMail.status)))
    assert statuses == {MailStatus.SENT.value}


@pytest.mark.postgres
def test_on_postgresql_a_worker_skips_rows_another_has_locked_without_waiting(app):
    ids = queue(6)
    other = make_engine(app.config["DATABASE_URL"])
    with other.connect() as connection:
        transaction = connection.begin()
        locked = (
            connection.execute(text("SELECT id FROM outbound_mail ORDER BY id LIMIT 3 FOR UPDATE"))
            .scalars()
            .all()
        )
        db.session.execute(text("SET LOCAL lock_timeout = '2s'"))  # waiting would fail the test
        _, claimed = claim(10)
        transaction.rollback()
    other.dispose()
    assert [m.id for m in claimed] == ids[3:]
    assert set(locked) == set(ids[:3])


def test_sent_mail_is_purged_after_seven_days_and_undelivered_mail_is_kept(app):
    ids = queue(3)
    deliver_due(limit=1)  # one sent, two still pending
    assert purge_sent(utcnow() + dt.timedelta(days=6)) == 0
    assert purge_sent(utcnow() + dt.timedelta(days=8)) == 1
    assert sorted(db.session.scalars(select(OutboundMail.id))) == ids[1:]


def test_the_schema_refuses_a_sent_message_without_a_time(app):
    send_mail("a@example.com", "x", "y")
    db.session.commit()
    with pytest.raises(Exception, match=r"(?i)check"):
        db.session.execute(text("UPDATE outbound_mail SET status = 'sent'"))
        db.session.flush()
    db.session.rollback()


def test_send_pending_delivers_everything_due_and_says_what_it_did(app, runner, capsys):
    queue(3)
    result = runner.invoke(args=["mail", "send-pending", "--batch", "2"])
    assert result.exit_code == 0, result.output
    assert "Sent 3, will retry 0, failed 0" in result.output
    assert set(db.session.scalars(select(OutboundMail.status))) == {"sent"}


def test_the_worker_delivers_until_it_is_told_to_stop(app, runner):
    queue(2)
    stopper = threading.Timer(1.0, lambda: os.kill(os.getpid(), signal.SIGTERM))
    previous = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    stopper.start()
    try:
        result = runner.invoke(args=["mail", "work", "--interval", "0.2"])
    finally:
        signal.signal(signal.SIGTERM, previous[0])
        signal.signal(signal.SIGINT, previous[1])
    assert result.exit_code == 0, result.output
    assert "Sent 2" in result.output and "Mail worker stopped." in result.output
    assert set(db.session.scalars(select(OutboundMail.status))) == {"sent"}


def test_production_without_a_mail_server_never_prints_mail(app, capsys):
    app.config["GROUNDWORK_ENV"] = "production"
    [message_id] = queue()
    assert deliver_due().retrying == 1
    assert "Body 0" not in capsys.readouterr().out
    assert "MAIL_SERVER is not set" in (status_of(message_id).last_error or "")


def test_an_unforeseen_error_is_retried_and_the_worker_goes_on(app, monkeypatch):
    def broken(message: OutboundMail) -> None:
        if message.recipient == "person0@example.com":
            raise UnicodeEncodeError("ascii", "é", 0, 1, "cannot encode")

    monkeypatch.setattr(delivery, "transport", broken)
    first, second = queue(2)
    report = deliver_due()
    assert (report.retrying, report.sent) == (1, 1)
    assert "UnicodeEncodeError" in (status_of(first).last_error or "")
    assert status_of(second).status == MailStatus.SENT
