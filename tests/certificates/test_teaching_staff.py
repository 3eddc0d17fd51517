"""An instructor cannot earn a certificate for a course they teach (the probe's self-credit)."""

from __future__ import annotations

from sqlalchemy import func, select

from app.accounts.models import Role
from app.catalog.models import CourseStaff
from app.certificates.models import Certificate
from app.db import db
from tests.certificates.helpers import earn_certificate
from tests.factories import make_course


def test_an_instructor_who_completes_their_own_course_gets_no_certificate(
    client, make_user, sign_in
):
    course = make_course()
    teacher = make_user(Role.INSTRUCTOR)
    db.session.add(CourseStaff(course_id=course.id, user_id=teacher.id, is_owner=True))
    db.session.commit()
    sign_in(user=teacher)
    assert earn_certificate(client, course, teacher.id) is None
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 0
    page = client.get(f"/courses/{course.slug}/certificate").get_data(as_text=True)
    assert "You teach this course, so it cannot give you CE credit" in page


def test_an_instructor_of_another_course_still_earns_this_one(client, make_user, sign_in):
    course, other = make_course(), make_course(slug="other-course")
    teacher = make_user(Role.INSTRUCTOR)
    db.session.add(CourseStaff(course_id=other.id, user_id=teacher.id, is_owner=True))
    db.session.commit()
    sign_in(user=teacher)
    assert earn_certificate(client, course, teacher.id) is not None
