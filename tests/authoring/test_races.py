"""Two publishes of one draft at once, on PostgreSQL with real connections: one version."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role, User
from app.audit.models import AuditEvent
from app.authoring import services
from app.authoring.services import AuthoringError
from app.catalog.models import Course, CourseStaff
from app.db import db
from tests.authoring.test_authoring import LESSON
from tests.factories import make_course

pytestmark = pytest.mark.postgres


def test_two_publishes_at_once_publish_once(app, client, make_user, sign_in):
    course = make_course()
    owner = make_user(Role.INSTRUCTOR)
    db.session.add(CourseStaff(course_id=course.id, user_id=owner.id, is_owner=True))
    db.session.commit()
    sign_in(user=owner)
    client.post(f"/teaching/{course.slug}/modules/m1/lessons/new", data=LESSON)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def publish() -> None:
        with app.app_context():
            found = db.session.get(Course, course.id)
            me = db.session.get(User, owner.id)
            barrier.wait()
            try:
                services.publish(found, me)
                outcomes.append("published")
            except AuthoringError:
                outcomes.append("refused")

    threads = [threading.Thread(target=publish) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["published", "refused"]
    db.session.expire_all()
    assert db.session.get(Course, course.id).version == 2
    published = (
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "course.published")
    )
    assert db.session.scalar(published) == 1
