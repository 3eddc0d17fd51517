"""Audit events carry the request id nginx made, so an event leads to its log lines."""

from __future__ import annotations

from sqlalchemy import select

from app.accounts.models import Role
from app.audit.models import AuditEvent
from app.audit.services import record
from app.db import db

NGINX_ID = "95864c3ecb8da99e8cafa444114add57"  # the shape of nginx's $request_id


def _role_change(client, make_user, sign_in, request_id: str) -> AuditEvent:
    target = make_user()
    sign_in(Role.ADMIN)
    client.post(
        f"/admin/users/{target.id}/role",
        data={"role": "instructor"},
        headers={"X-Request-Id": request_id},
    )
    return db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.role_changed"))


def test_audit_event_stores_the_request_id(client, make_user, sign_in) -> None:
    """The id nginx sent with the request is on the event it caused."""
    event = _role_change(client, make_user, sign_in, NGINX_ID)
    assert event.request_id == NGINX_ID


def test_malformed_request_id_is_not_stored(client, make_user, sign_in) -> None:
    """An attacker's header (markup, or too long to be an id) is dropped, the change still made."""
    event = _role_change(client, make_user, sign_in, "<script>x</script>" + "a" * 80)
    assert event is not None
    assert event.request_id is None


def test_events_outside_a_request_have_no_request_id(app) -> None:
    """A CLI command or an import has no request: None, not an error."""
    event = record("course.imported", "course", 1)
    db.session.commit()
    assert event.request_id is None
