"""A lesson cannot be completed faster than its minimum time, counted by the server."""

from __future__ import annotations

import dataclasses

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from app.catalog.models import Lesson
from app.content.seattime import reading_seconds
from app.db import db, utcnow
from app.learning.models import LessonProgress
from tests.factories import course_spec, make_course, module_spec
from tests.learning.helpers import lesson_url

pytestmark = pytest.mark.seat_time

#: 603 words: 2 min 33 s at 238 words a minute.
LONG_BODY = "## Reading\n\n" + "Grounding invites attention back to the room. " * 86


def long_course(declared: int | None = None):  # type: ignore[no-untyped-def]
    """A course whose first lesson has a long body (and optionally a declared minimum)."""
    module = module_spec("m1")
    first = dataclasses.replace(module.lessons[0], body=LONG_BODY, min_seconds=declared)
    module = dataclasses.replace(module, lessons=(first, *module.lessons[1:]))
    return make_course(dataclasses.replace(course_spec(modules=1), modules=(module,)))


def test_every_lesson_gets_a_minimum_from_its_words_or_its_file(app):
    course = long_course()
    lessons = {le.slug: le for le in course.active_modules[0].active_lessons}
    assert lessons["lesson-1"].min_seconds == reading_seconds(LONG_BODY) == 153
    assert lessons["lesson-1"].declared_min_seconds is None
    assert all(le.min_seconds >= 1 for le in lessons.values())
    declared = long_course(declared=600)
    assert declared.active_modules[0].active_lessons[0].min_seconds == 600


def test_the_page_says_how_long_is_left_from_server_time(client, sign_in):
    course = long_course()
    sign_in()
    url = lesson_url(course, "m1", "lesson-1")
    with freeze_time(utcnow()) as clock:
        client.post(f"/courses/{course.slug}/enroll")
        page = client.get(url).get_data(as_text=True)
        assert "asks for at least 2 min 33 s of study" in page
        assert "About 2 min 33 s left" in page
        clock.tick(60)
        page = client.get(url).get_data(as_text=True)  # a reload counts the minute
        assert "About 1 min 33 s left" in page


def test_completing_too_fast_is_refused_clearly_and_keeps_the_time_spent(client, sign_in):
    course = long_course()
    user = sign_in()
    url = lesson_url(course, "m1", "lesson-1")
    with freeze_time(utcnow()) as clock:
        client.post(f"/courses/{course.slug}/enroll")
        client.get(url)
        clock.tick(100)
        refused = client.post(url + "/complete", follow_redirects=True).get_data(as_text=True)
        assert "you have spent 1 min 40 s" in refused and "About 53 s to go" in refused
        row = db.session.scalar(select(LessonProgress).where(LessonProgress.user_id == user.id))
        assert row.completed_at is None and row.seconds_on_task == 100
        clock.tick(53)
        done = client.post(url + "/complete", follow_redirects=True).get_data(as_text=True)
        assert "Lesson complete" in done
    db.session.expire_all()
    row = db.session.scalar(select(LessonProgress).where(LessonProgress.user_id == user.id))
    assert row.completed_at is not None and row.seconds_on_task == 153


def test_an_idle_tab_or_a_forged_clock_does_not_buy_seat_time(client, sign_in):
    """The attacker's moves: open many tabs of other lessons, or post completion at once."""
    course = long_course(declared=3 * 3600)
    sign_in()
    url = lesson_url(course, "m1", "lesson-1")
    with freeze_time(utcnow()) as clock:
        client.post(f"/courses/{course.slug}/enroll")
        client.get(url)
        clock.tick(5 * 3600)  # one visit counts at most an hour
        refused = client.post(
            url + "/complete", data={"seconds_on_task": "99999"}, follow_redirects=True
        )
        assert "About 2 h 00 min to go" in refused.get_data(as_text=True)
    assert db.session.scalar(select(LessonProgress.completed_at)) is None


def test_a_declared_minimum_must_be_a_positive_whole_number(tmp_path):
    from app.content.reader import read_course
    from app.content.writer import write_course

    spec = course_spec(modules=1)
    root = write_course(spec, tmp_path / spec.slug)
    lesson = root / "m1" / "lesson-1.md"
    lesson.write_text(lesson.read_text().replace("minutes: 30", "minutes: 30\nmin_seconds: 0"))
    _, problems = read_course(root)
    assert any("min_seconds must be a whole number from 1 to 36000" in str(p) for p in problems)


def test_a_lesson_row_cannot_hold_zero_seat_time(app):
    from sqlalchemy.exc import IntegrityError

    course = long_course()
    lesson = course.active_modules[0].active_lessons[0]
    lesson.min_seconds = 0
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert db.session.get(Lesson, lesson.id).min_seconds == 153


def test_an_author_sets_a_lessons_minimum_in_the_browser_and_bad_values_change_nothing(
    client, make_user, sign_in
):
    from app.accounts.models import Role
    from app.authoring import services as authoring
    from app.catalog.models import CourseStaff

    course = long_course()
    owner = make_user(Role.INSTRUCTOR)
    db.session.add(CourseStaff(course_id=course.id, user_id=owner.id, is_owner=True))
    db.session.commit()
    sign_in(user=owner)
    url = f"/teaching/{course.slug}/modules/m1/lessons/lesson-1"
    form = {"title": "Reading", "minutes": "30", "body": LONG_BODY, "action": "save"}
    bad = client.post(url, data={**form, "min_seconds": "0"})
    assert "Use 1 to 36000 seconds, or leave empty." in bad.get_data(as_text=True)
    assert authoring.find_draft(course) is None
    client.post(url, data={**form, "min_seconds": "420"})
    draft = authoring.working_spec(course)
    assert draft.modules[0].lessons[0].min_seconds == 420
    client.post(f"/teaching/{course.slug}/publish")
    db.session.expire_all()
    assert db.session.get(Lesson, course.active_modules[0].active_lessons[0].id).min_seconds == 420
