"""An administrator's role changes, deactivations, revocations and anonymisations, repeated
ten at once on PostgreSQL: one change, one audit event, and no error."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role, User
from app.audit.models import AuditEvent
from app.db import db
from tests.certificates.helpers import earn_certificate
from tests.concurrency import Shot, as_one_request, browser_of, fire_together
from tests.factories import make_course

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


def test_ten_revocations_at_once_revoke_once_with_one_reason(make_user):
    admin = make_user(Role.ADMIN)
    browser = browser_of(admin, make_user.password)

    def world() -> Shot:
        learner = make_user()
        course = make_course(slug=f"course-{learner.id}", modules=1)
        certificate = earn_certificate(browser_of(learner, make_user.password), course, learner.id)
        path = f"/admin/certificates/{certificate.public_id}/revoke"
        return Shot(browser, path, {"reason": "Issued in error.", "confirm": "yes"})

    as_one_request(world)
    revoked = select(func.count()).where(AuditEvent.action == "certificate.revoked")
    assert db.session.scalar(revoked) == 2


def test_ten_anonymisations_at_once_anonymise_once(make_user):
    admin = make_user(Role.ADMIN)
    browser = browser_of(admin, make_user.password)

    def world() -> Shot:
        learner = make_user()
        return Shot(browser, f"/admin/users/{learner.id}/anonymise", {"email": learner.email})

    as_one_request(world)
    anonymised = select(func.count()).where(AuditEvent.action == "user.anonymised")
    assert db.session.scalar(anonymised) == 2


@pytest.mark.parametrize(
    ("action", "form"),
    [("role", {"role": Role.LEARNER.value}), ("active", {"active": "0"})],
    ids=["demote", "deactivate"],
)
def test_two_administrators_removing_each_other_at_once_leave_one(make_user, action, form):
    first, second = make_user(Role.ADMIN), make_user(Role.ADMIN)
    shots = [
        Shot(browser_of(first, make_user.password), f"/admin/users/{second.id}/{action}", form),
        Shot(browser_of(second, make_user.password), f"/admin/users/{first.id}/{action}", form),
    ]
    for _ in range(3):  # both released together; whichever goes second is refused
        fire_together(shots)
        db.session.expire_all()
        admins = db.session.scalars(
            select(User).where(User.role == Role.ADMIN.value, User.is_active.is_(True))
        ).all()
        assert len(admins) == 1, [a.email for a in admins]
        # Put the removed one back for the next round.
        for user in db.session.scalars(select(User).where(User.id.in_([first.id, second.id]))):
            user.role, user.is_active = Role.ADMIN.value, True
        db.session.commit()


def test_two_administrators_anonymising_each_other_at_once_leave_one(make_user):
    active = User.role == Role.ADMIN.value, User.is_active.is_(True)
    for _ in range(3):  # a new pair each round, the only administrators: one must remain
        for earlier in db.session.scalars(select(User).where(*active)):
            earlier.role = Role.LEARNER.value
        db.session.commit()
        first, second = make_user(Role.ADMIN), make_user(Role.ADMIN)
        fire_together(
            [
                Shot(
                    browser_of(first, make_user.password),
                    f"/admin/users/{second.id}/anonymise",
                    {"email": second.email},
                ),
                Shot(
                    browser_of(second, make_user.password),
                    f"/admin/users/{first.id}/anonymise",
                    {"email": first.email},
                ),
            ]
        )
        db.session.expire_all()
        assert db.session.scalar(select(func.count()).where(*active)) == 1
