"""An administrator's role changes and deactivations, repeated ten at once on PostgreSQL:
one change, one audit event, and no error."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role, User
from app.audit.models import AuditEvent
from app.db import db
from tests.concurrency import Shot, as_one_request, browser_of

pytestmark = pytest.mark.postgres


def test_ten_role_changes_at_once_change_and_audit_once(make_user):
    admin = make_user(Role.ADMIN)
    browser = browser_of(admin, make_user.password)

    def world() -> Shot:
        learner = make_user()
        return Shot(browser, f"/admin/users/{learner.id}/role", {"role": Role.INSTRUCTOR.value})

    as_one_request(world)
    changed = select(func.count()).where(AuditEvent.action == "user.role_changed")
    assert db.session.scalar(changed) == 2  # one per world
    instructors = select(func.count()).where(User.role == Role.INSTRUCTOR.value)
    assert db.session.scalar(instructors) == 2


def test_ten_deactivations_at_once_sign_out_once(make_user):
    admin = make_user(Role.ADMIN)
    browser = browser_of(admin, make_user.password)

    def world() -> Shot:
        learner = make_user()
        return Shot(browser, f"/admin/users/{learner.id}/active", {"active": "0"})

    as_one_request(world)
    deactivated = select(func.count()).where(AuditEvent.action == "user.deactivated")
    assert db.session.scalar(deactivated) == 2
    # session_version moved once per account: their other sessions end, once.
    versions = db.session.scalars(select(User.session_version).where(User.is_active.is_(False)))
    assert len(set(versions)) == 1
