"""A learner's repeated writes, fired ten at once on PostgreSQL: each holds as one request."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.db import db
from app.insight.models import LessonTally
from app.learning.models import Enrollment, LessonProgress
from tests.concurrency import Shot, as_one_request, browser_of
from tests.factories import make_course
from tests.learning.helpers import lesson_url

pytestmark = pytest.mark.postgres


def test_ten_enrollments_at_once_enroll_once(make_user):
    course = make_course()

    def world() -> Shot:
        learner = make_user()
        return Shot(browser_of(learner, make_user.password), f"/courses/{course.slug}/enroll")

    responses = as_one_request(world)
    assert {r.headers["Location"] for r in responses} == {f"/courses/{course.slug}/continue"}
    assert len(db.session.scalars(select(Enrollment)).all()) == 2  # one per world


def test_a_lesson_opened_in_ten_tabs_at_once_is_recorded_once(make_user):
    course = make_course()
    module = course.active_modules[0]
    url = lesson_url(course, module.slug, module.active_lessons[0].slug)

    def world() -> Shot:
        learner = make_user()
        browser = browser_of(learner, make_user.password)
        browser.post(f"/courses/{course.slug}/enroll")
        return Shot(browser, url, method="GET")

    responses = as_one_request(world)
    assert {r.status_code for r in responses} == {200}


def test_a_lesson_completed_by_ten_clicks_at_once_counts_once(make_user):
    def world() -> Shot:
        learner = make_user()
        course = make_course(slug=f"course-{learner.id}")  # its own running totals
        module = course.active_modules[0]
        url = lesson_url(course, module.slug, module.active_lessons[0].slug)
        browser = browser_of(learner, make_user.password)
        browser.post(f"/courses/{course.slug}/enroll")
        assert browser.get(url).status_code == 200
        return Shot(browser, url + "/complete")

    responses = as_one_request(world)
    assert {r.status_code for r in responses} == {302}
    completed = db.session.scalars(
        select(LessonProgress).where(LessonProgress.completed_at.is_not(None))
    ).all()
    assert len(completed) == 2  # one per world
    # The insight page's running total counts each learner's completion once.
    assert db.session.scalars(select(LessonTally.completed)).all() == [1, 1]


def test_a_lesson_completed_from_a_tab_left_behind_counts_once(make_user):
    """The learner opened the next lesson in another tab, then clicks Complete ten times
    in the first: no visit of that lesson is being timed, so no time update queues them."""

    def world() -> Shot:
        learner = make_user()
        course = make_course(slug=f"course-{learner.id}")
        module = course.active_modules[0]
        first, second = (lesson_url(course, module.slug, x.slug) for x in module.active_lessons)
        browser = browser_of(learner, make_user.password)
        browser.post(f"/courses/{course.slug}/enroll")
        assert browser.get(first).status_code == 200
        assert browser.get(second).status_code == 200
        return Shot(browser, first + "/complete")

    responses = as_one_request(world)
    assert {r.status_code for r in responses} == {302}
    assert db.session.scalars(select(LessonTally.completed)).all() == [1, 1]
