"""Races on PostgreSQL with real connections: one completion gives one certificate."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.certificates import services
from app.certificates.models import Certificate
from app.db import db
from app.learning import services as learning
from tests.certificates.helpers import EVALUATION, complete_course
from tests.factories import make_course

pytestmark = pytest.mark.postgres


def test_two_attestations_at_once_issue_one_certificate(app, client, sign_in):
    course = make_course(modules=1)
    user = sign_in()
    complete_course(client, course, user.id)
    client.post(f"/courses/{course.slug}/evaluation", data=EVALUATION)
    barrier = threading.Barrier(2)
    issued: list[str] = []
    errors: list[BaseException] = []

    def attest() -> None:
        with app.app_context():  # its own session and connection, like another worker
            me = db.session.get(User, user.id)
            full = learning.course_with_content(course_id=course.id)
            enrollment = learning.find_enrollment(me, full)
            barrier.wait()
            try:
                certificate = services.attest(me, full, enrollment)
                issued.append(certificate.public_id)
            except BaseException as error:
                errors.append(error)

    threads = [threading.Thread(target=attest) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    assert len(issued) == 2 and issued[0] == issued[1]
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 1
    for action in ("course.attested", "certificate.issued"):
        events = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
        assert db.session.scalar(events) == 1, action
