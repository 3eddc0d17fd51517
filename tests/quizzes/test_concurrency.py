"""Races on PostgreSQL with real concurrent connections: one attempt is graded exactly once."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.catalog.models import Course
from app.db import db
from app.learning import services as learning
from app.quizzes import services
from app.quizzes.grading import parse_answers
from app.quizzes.models import QuizAttempt
from app.quizzes.services import QuizError
from tests.factories import make_course
from tests.learning.helpers import answers_for, open_attempt

pytestmark = pytest.mark.postgres


def test_two_workers_submitting_one_attempt_grade_it_once(app, client, sign_in):
    course = make_course()
    user = sign_in()
    _, opened = open_attempt(client, course, user.id)
    attempt_id = opened.id
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def submit(right: bool) -> None:
        with app.app_context():  # its own session and connection, like another worker
            attempt = db.session.get(QuizAttempt, attempt_id)
            me = db.session.get(User, user.id)
            full = learning.course_with_content(course_id=course.id)
            enrollment = learning.find_enrollment(me, full)
            answers = parse_answers(attempt.snapshot, answers_for(attempt, right))
            barrier.wait()
            try:
                services.submit_attempt(me, attempt, answers, full, enrollment)
                outcomes.append("graded")
            except QuizError:
                outcomes.append("refused")

    threads = [threading.Thread(target=submit, args=(flag,)) for flag in (True, False)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["graded", "refused"]
    db.session.expire_all()
    graded = db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "quiz.graded")
    )
    assert graded == 1
    attempt = db.session.get(QuizAttempt, attempt_id)
    assert attempt.state == "submitted" and attempt.score in (0, 100)
    assert len(attempt.answers) == len(attempt.snapshot)
    assert db.session.scalar(select(func.count()).select_from(Course)) == 1
