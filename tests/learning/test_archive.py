"""Archiving a course closes enrollment; enrolled learners can still finish."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role, User
from app.authoring.services import set_archived
from app.catalog.models import Course, CourseStaff
from app.db import db
from app.learning import queries, services
from app.learning.models import Enrollment
from app.learning.services import LearningError
from tests.factories import make_course


@pytest.fixture
def owned(app, make_user):  # type: ignore[no-untyped-def]
    course = make_course()
    owner = make_user(Role.INSTRUCTOR)
    db.session.add(CourseStaff(course_id=course.id, user_id=owner.id, is_owner=True))
    db.session.commit()
    return course, owner


def test_an_archived_course_takes_no_new_learners_but_keeps_its_own(
    app, client, sign_in, owned, make_user
):
    course, owner = owned
    enrolled = make_user()
    services.enroll(enrolled, course)
    set_archived(course, owner, True)
    assert "Course test-course" not in client.get("/").get_data(as_text=True)
    newcomer = sign_in()
    page = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert "closed to new enrollments" in page and "Enroll in this course" not in page
    refused = client.post(f"/courses/{course.slug}/enroll", follow_redirects=True)
    assert "closed to new enrollments" in refused.get_data(as_text=True)
    assert queries.find_enrollment(newcomer, course) is None
    client.post("/sign-out")
    sign_in(user=enrolled)
    assert client.get(f"/courses/{course.slug}/m1/lesson-1").status_code == 200


def test_only_the_owner_archives_through_the_teaching_pages(client, sign_in, owned, make_user):
    course, owner = owned
    colleague = make_user(Role.INSTRUCTOR)
    db.session.add(CourseStaff(course_id=course.id, user_id=colleague.id, is_owner=False))
    db.session.commit()
    sign_in(user=colleague)
    page = client.post(
        f"/teaching/{course.slug}/archive", data={"archived": "1"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Only the course" in page
    client.post("/sign-out")
    sign_in(user=owner)
    client.post(f"/teaching/{course.slug}/archive", data={"archived": "1"})
    db.session.expire_all()
    assert db.session.get(Course, course.id).status == "archived"
    client.post(f"/teaching/{course.slug}/archive", data={"archived": "0"})
    db.session.expire_all()
    assert db.session.get(Course, course.id).status == "published"


@pytest.mark.postgres
def test_enrollments_racing_the_archive_are_each_all_or_nothing(app, owned, make_user):
    course, owner = owned
    learners = [make_user() for _ in range(8)]
    barrier = threading.Barrier(len(learners) + 1)
    outcomes: dict[int, str] = {}

    def enroll(user_id: int) -> None:
        with app.app_context():
            me = db.session.get(User, user_id)
            found = db.session.get(Course, course.id)
            barrier.wait()
            try:
                services.enroll(me, found)
                outcomes[user_id] = "enrolled"
            except LearningError:
                outcomes[user_id] = "refused"

    def archive() -> None:
        with app.app_context():
            found = db.session.get(Course, course.id)
            me = db.session.get(User, owner.id)
            barrier.wait()
            set_archived(found, me, True)

    threads = [threading.Thread(target=enroll, args=(u.id,)) for u in learners]
    threads.append(threading.Thread(target=archive))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    db.session.expire_all()
    assert len(outcomes) == len(learners)
    for user_id, outcome in outcomes.items():
        rows = db.session.scalar(
            select(func.count()).select_from(Enrollment).where(Enrollment.user_id == user_id)
        )
        assert rows == (1 if outcome == "enrolled" else 0), (user_id, outcome)
    assert db.session.get(Course, course.id).status == "archived"
    with app.app_context():
        late = make_user()
        with pytest.raises(LearningError):
            services.enroll(late, db.session.get(Course, course.id))
