"""The administrator's mail page: what is stuck, why, and a way to send it again, audited."""

from __future__ import annotations

from sqlalchemy import select

from app.accounts.models import Role
from app.audit.models import AuditEvent
from app.db import db
from app.mail.delivery import deliver_due
from app.mail.models import MailStatus, OutboundMail


def failed_message(body: str = "Reset: http://groundwork.test/reset-password/SECRET-TOKEN") -> int:
    """A reset mail the worker gave up on."""
    message = OutboundMail(
        recipient="dana@example.com",
        subject="Reset your Groundwork password",
        body=body,
        status=MailStatus.FAILED.value,
        attempts=6,
        last_error="ConnectionRefusedError: [Errno 111] Connection refused",
    )
    db.session.add(message)
    db.session.commit()
    return message.id


def test_an_administrator_sees_failed_mail_with_its_error_but_never_its_text(client, sign_in):
    failed_message()
    sign_in(Role.ADMIN)
    page = client.get("/admin/mail").get_data(as_text=True)
    assert "dana@example.com" in page and "Reset your Groundwork password" in page
    assert "Connection refused" in page and "Failed" in page
    assert "0 waiting, 0 being sent, 1 failed." in page
    # The body holds a live reset link: an administrator could take the account over.
    assert "SECRET-TOKEN" not in page


def test_send_again_makes_a_failed_message_due_and_is_audited(client, sign_in, capsys):
    message_id = failed_message()
    admin = sign_in(Role.ADMIN)
    response = client.post(f"/admin/mail/{message_id}/retry", follow_redirects=True)
    assert "will be sent again shortly" in response.get_data(as_text=True)
    db.session.expire_all()
    message = db.session.get(OutboundMail, message_id)
    assert message.status == MailStatus.PENDING and message.attempts == 0
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "mail.retried"))
    assert event.actor_id == admin.id and event.subject_id == str(message_id)
    assert event.details["was"] == "failed"
    assert deliver_due().sent == 1  # the worker picks it up at once


def test_a_delivered_message_cannot_be_sent_again(client, sign_in):
    message_id = failed_message()
    message = db.session.get(OutboundMail, message_id)
    message.status, message.attempts = MailStatus.PENDING.value, 0
    db.session.commit()
    deliver_due()
    sign_in(Role.ADMIN)
    page = client.post(f"/admin/mail/{message_id}/retry", follow_redirects=True)
    assert "was delivered; nothing changed" in page.get_data(as_text=True)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "mail.retried")) is None


def test_retry_without_the_forms_token_changes_nothing(client, sign_in):
    message_id = failed_message()
    sign_in(Role.ADMIN)
    response = client.post(f"/admin/mail/{message_id}/retry", csrf=False)
    assert response.status_code in (302, 400)
    db.session.expire_all()
    assert db.session.get(OutboundMail, message_id).status == MailStatus.FAILED


def test_a_missing_message_is_explained(client, sign_in):
    sign_in(Role.ADMIN)
    page = client.post("/admin/mail/999/retry", follow_redirects=True).get_data(as_text=True)
    assert "no longer in the outbox" in page


def test_instructors_and_learners_are_refused(client, sign_in):
    message_id = failed_message()
    sign_in(Role.INSTRUCTOR)
    assert client.get("/admin/mail").status_code == 403
    assert client.post(f"/admin/mail/{message_id}/retry").status_code == 403
    db.session.expire_all()
    assert db.session.get(OutboundMail, message_id).status == MailStatus.FAILED
