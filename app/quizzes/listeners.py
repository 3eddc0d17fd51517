"""What the quizzes domain hands to others when the app starts.

Quizzes stand above learning (their pages need enrollments and outlines), so learning
never imports quiz models; instead quizzes supply the "quiz" part of learning's one-query
learner record: the quizzes a learner passed.
"""

from __future__ import annotations

from sqlalchemy import Select, literal, select

from app.catalog.models import Quiz
from app.learning.queries import COURSE_IDS, USER_ID, supply_records
from app.quizzes.models import QuizAttempt


def passed_quizzes() -> Select[str, int, int, bool]:
    """(kind, course id, quiz id, done) rows: each quiz the learner passed in the courses."""
    return (
        select(literal("quiz"), Quiz.course_id, QuizAttempt.quiz_id, literal(True))
        .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
        .where(
            QuizAttempt.user_id == USER_ID,
            QuizAttempt.passed.is_(True),
            Quiz.course_id.in_(COURSE_IDS),
        )
    )


def connect() -> None:
    """Hand learning the quiz part of its learner-record query (once per process suffices)."""
    supply_records("quiz", passed_quizzes())
