"""Time on task per learner, lesson and module: attestation page, transcript, records CSV."""

from __future__ import annotations

import csv
import io

import pytest
from freezegun import freeze_time

from app.accounts.models import Role
from app.catalog.models import CourseStaff
from app.db import db, utcnow
from tests.certificates.helpers import EVALUATION
from tests.factories import make_course
from tests.learning.helpers import lesson_url, pass_quiz

pytestmark = pytest.mark.seat_time


def rows(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def study(client, course, user_id: int, clock) -> None:  # type: ignore[no-untyped-def]
    """Spend 3 minutes on lesson 1 and 1 minute on lesson 2 of each module; pass its quiz."""
    client.post(f"/courses/{course.slug}/enroll")
    for module in course.active_modules:
        for lesson, seconds in zip(module.active_lessons, (180, 60), strict=True):
            url = lesson_url(course, module.slug, lesson.slug)
            client.get(url)
            clock.tick(seconds)
            assert client.post(url + "/complete").status_code == 302
        pass_quiz(client, course, module, user_id)


def test_time_on_task_shows_per_module_on_attestation_and_per_lesson_everywhere(
    client, sign_in, make_user
):
    course = make_course(modules=2)
    learner = sign_in()
    with freeze_time(utcnow()) as clock:
        study(client, course, learner.id, clock)
        claim = client.get(f"/courses/{course.slug}/certificate").get_data(as_text=True)
        assert "Your recorded time on this course's lessons: 8 min" in claim
        assert "1. Module m1</th><td>2</td><td>4 min</td>" in claim
        assert "2. Module m2</th><td>2</td><td>4 min</td>" in claim
        client.post(f"/courses/{course.slug}/evaluation", data=EVALUATION)
        client.post(f"/courses/{course.slug}/attest", data={"attest": "y"})

        transcript = client.get("/transcript").get_data(as_text=True)
        assert "8 min" in transcript and "Module 2. Module m2: 4 min" in transcript
        assert "2.1 Lesson m2 1: 3 min" in transcript
        table = rows(client.get("/transcript.csv"))
        assert table[0][-2:] == ["Time on task (minutes)", "Time on task by module (minutes)"]
        assert table[1][-2:] == ["8", "1. Module m1: 4; 2. Module m2: 4"]
        assert table[-1][-2] == "8"

        client.post("/sign-out")
        teacher = make_user(Role.INSTRUCTOR)
        db.session.add(CourseStaff(course_id=course.id, user_id=teacher.id, is_owner=True))
        db.session.commit()
        sign_in(user=teacher)
        records = rows(client.get(f"/records/{course.slug}/time-on-task.csv"))
    assert records[0][4:] == [
        "Module",
        "Module time on task (seconds)",
        "Lesson",
        "Lesson minimum (seconds)",
        "Lesson time on task (seconds)",
        "Lesson completed",
    ]
    assert [r[4:] for r in records[1:]] == [
        ["1. Module m1", "240", "1.1 Lesson m1 1", "2", "180", "yes"],
        ["1. Module m1", "240", "1.2 Lesson m1 2", "2", "60", "yes"],
        ["2. Module m2", "240", "2.1 Lesson m2 1", "2", "180", "yes"],
        ["2. Module m2", "240", "2.2 Lesson m2 2", "2", "60", "yes"],
    ]
    assert {r[0] for r in records[1:]} == {learner.legal_name}
