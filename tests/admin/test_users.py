"""The administrator's user list: search, role changes, deactivation, and their refusals."""

from __future__ import annotations

from sqlalchemy import select

from app.accounts.models import Role
from app.audit.models import AuditEvent
from app.db import db


def test_search_by_name_email_and_role(client, make_user, sign_in):
    make_user(legal_name="Priya Natarajan", email="priya@example.com")
    make_user(Role.INSTRUCTOR, legal_name="Tomas Lind")
    sign_in(Role.ADMIN)
    page = client.get("/admin/users?q=natara").get_data(as_text=True)
    assert "Priya Natarajan" in page and "Tomas Lind" not in page
    page = client.get("/admin/users?q=PRIYA@").get_data(as_text=True)
    assert "Priya Natarajan" in page
    page = client.get("/admin/users?role=instructor").get_data(as_text=True)
    assert "Tomas Lind" in page and "Priya Natarajan" not in page
    # Wildcards are searched for literally.
    assert "No users match." in client.get("/admin/users?q=%25").get_data(as_text=True)


def test_change_role_is_saved_and_audited(client, make_user, sign_in):
    target = make_user()
    admin = sign_in(Role.ADMIN)
    response = client.post(
        f"/admin/users/{target.id}/role", data={"role": "instructor"}, follow_redirects=True
    )
    assert f"{target.legal_name} is now instructor." in response.get_data(as_text=True)
    db.session.refresh(target)
    assert target.role == "instructor"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.role_changed"))
    assert event.actor_id == admin.id
    assert event.details == {"old": "learner", "new": "instructor"}


def test_tampered_role_and_unknown_user_change_nothing(client, make_user, sign_in):
    target = make_user()
    sign_in(Role.ADMIN)
    response = client.post(
        f"/admin/users/{target.id}/role", data={"role": "superuser"}, follow_redirects=True
    )
    assert "Choose one of the listed roles." in response.get_data(as_text=True)
    assert client.post("/admin/users/99999/role", data={"role": "admin"}).status_code == 404
    response = client.post(
        f"/admin/users/{target.id}/active", data={"active": "maybe"}, follow_redirects=True
    )
    assert "nothing was changed" in response.get_data(as_text=True)
    db.session.refresh(target)
    assert target.role == "learner" and target.is_active


def test_admin_cannot_lock_themself_out(client, sign_in):
    admin = sign_in(Role.ADMIN)
    page = client.post(
        f"/admin/users/{admin.id}/role", data={"role": "learner"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "You cannot remove your own administrator role." in page
    page = client.post(
        f"/admin/users/{admin.id}/active", data={"active": "0"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "You cannot deactivate your own account." in page


def test_deactivate_keeps_the_record_and_reactivate_restores(client, make_user, sign_in):
    target = make_user()
    sign_in(Role.ADMIN)
    page = client.post(
        f"/admin/users/{target.id}/active", data={"active": "0"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "account is deactivated" in page and "Deactivated" in page
    client.post(f"/admin/users/{target.id}/active", data={"active": "1"})
    db.session.refresh(target)
    assert target.is_active
