"""The insight page: who may see it, how it renders with and without data, what it costs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from app.accounts.models import Role, User
from app.catalog.models import Course, CourseStaff
from app.db import db
from tests.certificates.helpers import earn_certificate
from tests.factories import course_spec, make_course
from tests.insight.data import attempt, complete_lessons, enroll


def join_team(user: User, course: Course) -> None:
    """Put the user on the course's teaching team."""
    db.session.add(CourseStaff(course_id=course.id, user_id=user.id))
    db.session.commit()


def url(course: Course) -> str:
    """The course's insight page."""
    return f"/teaching/{course.slug}/insight"


@contextmanager
def counting_statements() -> Iterator[list[str]]:
    """Collect every SQL statement sent to the database inside the block."""
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def populate(course: Course, make_user, learners: int) -> None:  # type: ignore[no-untyped-def]
    """Learners who enrolled, read, answered every quiz and (some) completed."""
    for index in range(learners):
        user = make_user(Role.LEARNER)
        enroll(user, course, 5 + index if index % 2 else None)
        for module in course.active_modules:
            complete_lessons(user, module.active_lessons[: 1 + index % 2])
            picks = {q: [1 + (index + q.position) % 2] for q in module.quiz.active_questions}
            attempt(user, module.quiz, picks)


def test_the_course_team_and_admins_see_it(client, sign_in, make_user):
    course = make_course(modules=1)
    instructor = make_user(Role.INSTRUCTOR)
    join_team(instructor, course)
    sign_in(user=instructor)
    assert client.get(url(course)).status_code == 200
    client.post("/sign-out")
    sign_in(Role.ADMIN)
    assert client.get(url(course)).status_code == 200
    assert client.get("/teaching/no-such-course/insight").status_code == 404


@pytest.mark.parametrize("role", [Role.INSTRUCTOR, Role.LEARNER])
def test_other_instructors_and_learners_are_refused(client, sign_in, role):
    course = make_course(modules=1)
    sign_in(role)  # an instructor, but not on this course's team
    assert client.get(url(course)).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    course = make_course(modules=1)
    response = client.get(url(course))
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_a_course_nobody_has_taken_yet_renders_without_figures(client, sign_in):
    course = make_course(modules=1)
    sign_in(Role.ADMIN)
    page = client.get(url(course)).get_data(as_text=True)
    assert "<dt>Enrollments</dt><dd>0</dd>" in page
    assert "<dt>Completion rate</dt><dd>—</dd>" in page
    assert "<dt>Median time to complete</dt><dd>—</dd>" in page
    assert "No learner has enrolled yet." in page
    assert "No quiz attempt has been submitted yet." in page
    assert "No evaluations yet." in page and "<svg" not in page


def test_each_chart_is_a_named_image_followed_by_its_table(client, sign_in, make_user):
    course = make_course(modules=1)
    populate(course, make_user, 3)
    sign_in(Role.ADMIN)
    page = client.get(url(course)).get_data(as_text=True)
    for chart in ("drop-off", "facility"):
        svg = re.search(rf'<svg [^>]*aria-labelledby="{chart}-title {chart}-desc"[^>]*>', page)
        assert svg and 'role="img"' in svg.group(0)
        assert f'<title id="{chart}-title">' in page
        assert page.index("<table", svg.start()) > svg.start()
    assert "Learners who completed each lesson" in page
    assert " style=" not in page and "<script" not in page


def test_a_real_learner_journey_shows_up(client, sign_in, make_user):
    course = make_course(modules=1)
    learner = sign_in()
    earn_certificate(client, course, learner.id)
    client.post("/sign-out")
    sign_in(Role.ADMIN)
    page = client.get(url(course)).get_data(as_text=True)
    assert "<dt>Completions</dt><dd>1</dd>" in page
    assert "<dt>Completion rate</dt><dd>100%</dd>" in page
    assert page.count('<td data-label="Facility" class="num">100%</td>') == 3
    assert "Clear and practical." in page  # the evaluation comment


def page_statements(client, course: Course) -> int:  # type: ignore[no-untyped-def]
    """How many SQL statements one request for the page issues."""
    with counting_statements() as statements:
        response = client.get(url(course))
    assert response.status_code == 200
    return len(statements)


def test_the_page_issues_a_fixed_number_of_statements(client, sign_in, make_user):
    small = make_course(course_spec("small", modules=1))
    large = make_course(course_spec("large", modules=4))
    populate(small, make_user, 2)
    populate(large, make_user, 6)
    instructor = make_user(Role.INSTRUCTOR)
    join_team(instructor, small)
    join_team(instructor, large)
    sign_in(user=instructor)
    client.get("/account")  # the footer's crisis lines are read once, then kept

    # The user, the course, the team check, three insight queries, four for evaluations.
    assert page_statements(client, small) == page_statements(client, large) == 8
