"""Rows for insight tests, written with the ORM so every count and time is known exactly.

They bypass the services, as a bulk load does, so each helper ends as the benchmark seed
does: by recounting the insight page's running totals from the rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal

from app.accounts.models import User
from app.catalog.models import Course, Lesson, Question, Quiz
from app.db import db
from app.insight.tallies import recount
from app.learning.models import Enrollment, LessonProgress
from app.quizzes.models import AttemptAnswer, AttemptState, QuizAttempt
from app.quizzes.snapshot import snapshot_of

START = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)


def enroll(user: User, course: Course, hours_to_complete: float | None = None) -> Enrollment:
    """Enroll on START; complete the course ``hours_to_complete`` later if given."""
    enrollment = Enrollment(user_id=user.id, course_id=course.id, enrolled_at=START)
    if hours_to_complete is not None:
        enrollment.completed_at = START + dt.timedelta(hours=hours_to_complete)
        enrollment.completed_version = course.version
    db.session.add(enrollment)
    db.session.commit()
    return enrollment


def complete_lessons(user: User, lessons: Sequence[Lesson]) -> None:
    """Mark lessons completed by the user."""
    for lesson in lessons:
        db.session.add(LessonProgress(user_id=user.id, lesson_id=lesson.id, completed_at=START))
    db.session.flush()
    recount()
    db.session.commit()


def attempt(
    user: User,
    quiz: Quiz,
    picks: Mapping[Question, Sequence[int]],
    number: int = 1,
    submitted: bool = True,
) -> QuizAttempt:
    """An attempt answering each question with the choice keys (positions) in ``picks``."""
    right = {
        q.id: sorted(c.position for c in q.choices if c.is_correct) for q in quiz.active_questions
    }
    correct = {q.id: sorted(keys) == right[q.id] for q, keys in picks.items()}
    points = sum(correct.values())
    row = QuizAttempt(
        user_id=user.id,
        quiz_id=quiz.id,
        number=number,
        state=AttemptState.SUBMITTED.value if submitted else AttemptState.IN_PROGRESS.value,
        submitted_at=START if submitted else None,
        pass_mark=80,
        score=Decimal(100 * points / len(picks)).quantize(Decimal("0.01")) if submitted else None,
        passed=points == len(picks) if submitted else None,
        snapshot=[snapshot_of(q) for q in quiz.active_questions],
        answers=[
            AttemptAnswer(
                question_id=q.id,
                selected=sorted(keys),
                is_correct=correct[q.id] if submitted else None,
            )
            for q, keys in picks.items()
        ],
    )
    db.session.add(row)
    db.session.flush()
    recount()
    db.session.commit()
    return row
