"""Instructor A gets 403 on every authoring route and POST for B's course, forged IDs too."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role
from app.authoring.models import CourseDraft
from app.catalog.models import CourseStaff
from app.db import db
from tests.factories import make_course

C = "/teaching/test-course"
ROUTES = [
    ("GET", C),
    ("GET", f"{C}/settings"),
    ("POST", f"{C}/settings"),
    ("GET", f"{C}/blueprint"),
    ("POST", f"{C}/blueprint"),
    ("GET", f"{C}/modules/new"),
    ("POST", f"{C}/modules/new"),
    ("GET", f"{C}/modules/m1"),
    ("POST", f"{C}/modules/m1"),
    ("POST", f"{C}/modules/m1/up"),
    ("POST", f"{C}/modules/m1/down"),
    ("POST", f"{C}/modules/m1/remove"),
    ("GET", f"{C}/modules/m1/lessons/new"),
    ("POST", f"{C}/modules/m1/lessons/new"),
    ("GET", f"{C}/modules/m1/lessons/lesson-1"),
    ("POST", f"{C}/modules/m1/lessons/lesson-1"),
    ("POST", f"{C}/modules/m1/lessons/lesson-1/up"),
    ("POST", f"{C}/modules/m1/lessons/lesson-1/remove"),
    ("GET", f"{C}/modules/m1/questions/new"),
    ("POST", f"{C}/modules/m1/questions/new"),
    ("GET", f"{C}/modules/m1/questions/q-single"),
    ("POST", f"{C}/modules/m1/questions/q-single"),
    ("POST", f"{C}/modules/m1/questions/q-single/down"),
    ("POST", f"{C}/modules/m1/questions/q-single/remove"),
    ("GET", f"{C}/publish"),
    ("POST", f"{C}/publish"),
    ("GET", f"{C}/discard"),
    ("POST", f"{C}/discard"),
    ("GET", f"{C}/team"),
    ("POST", f"{C}/team"),
    ("GET", f"{C}/team/1/remove"),
    ("POST", f"{C}/team/1/remove"),
    ("POST", f"{C}/team/1/owner"),
    ("GET", f"{C}/export.zip"),
    ("GET", f"{C}/preview"),
    ("GET", f"{C}/preview/m1/lesson-1"),
    ("GET", f"{C}/preview/m1/quiz"),
    ("GET", f"{C}/question-import"),
    ("POST", f"{C}/question-import"),
    ("POST", f"{C}/question-import/confirm"),
    ("GET", f"{C}/quizzes/m1/qti.zip"),
    ("GET", f"{C}/modules/m1/case/insight"),
    ("GET", f"{C}/modules/m1/case"),
    ("POST", f"{C}/modules/m1/case"),
    ("POST", f"{C}/modules/m1/case/remove"),
    ("GET", f"{C}/modules/m1/case/preview"),
    ("GET", f"{C}/modules/m1/case/scenes/new"),
    ("POST", f"{C}/modules/m1/case/scenes/new"),
    ("GET", f"{C}/modules/m1/case/scenes/opening"),
    ("POST", f"{C}/modules/m1/case/scenes/opening"),
    ("POST", f"{C}/modules/m1/case/scenes/opening/remove"),
]


@pytest.fixture
def course_of_b(app, make_user):  # type: ignore[no-untyped-def]
    course = make_course()
    b = make_user(Role.INSTRUCTOR)
    db.session.add(CourseStaff(course_id=course.id, user_id=b.id, is_owner=True))
    db.session.commit()
    return course


def _call(client, method: str, path: str):  # type: ignore[no-untyped-def]
    return client.get(path) if method == "GET" else client.post(path, data={"title": "x"})


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_another_instructor_is_refused_and_nothing_changes(
    client, sign_in, course_of_b, method, path
):
    sign_in(Role.INSTRUCTOR)
    assert _call(client, method, path).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(CourseDraft)) == 0


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_learners_are_refused_and_visitors_sent_to_sign_in(
    client, sign_in, course_of_b, method, path
):
    anonymous = _call(client, method, path)
    assert anonymous.status_code == 302 and "/sign-in" in anonymous.location
    sign_in(Role.LEARNER)
    assert _call(client, method, path).status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        "/teaching/no-such-course",
        "/teaching/no-such-course/settings",
        "/teaching/test-course/modules/nope",
        "/teaching/test-course/modules/m1/lessons/nope",
        "/teaching/test-course/modules/m1/questions/nope",
        "/teaching/test-course/preview/m1/nope",
    ],
)
def test_forged_ids_are_not_found_for_the_team(client, sign_in, course_of_b, path):
    owner = db.session.scalar(select(CourseStaff)).user_id
    from app.accounts.models import User

    sign_in(user=db.session.get(User, owner))
    assert client.get(path).status_code == 404


def test_admins_may_edit_every_course(client, sign_in, course_of_b):
    sign_in(Role.ADMIN)
    assert client.get(C).status_code == 200
