"""What the API reads: each list is keyset-paged by id, so a page costs one query however
deep the cursor, and rows written meanwhile neither repeat nor vanish between pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Select, and_, select

from app.accounts.models import User
from app.catalog.models import Course, CourseStatus
from app.certificates.models import Certificate
from app.db import db
from app.learning.models import Enrollment
from app.quizzes.models import AttemptState, QuizAttempt

#: A select of any columns.
Rows = Select[*tuple[Any, ...]]


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), dt.UTC)


def _page(statement: Rows, id_column: Any, after: int, limit: int) -> list[Any]:
    """One more row than asked for, so the caller knows whether a next page exists."""
    rows = db.session.execute(
        statement.where(id_column > after).order_by(id_column).limit(limit + 1)
    )
    return list(rows)


def published_courses(after: int, limit: int) -> list[Any]:
    """Published courses after id ``after``."""
    statement = select(Course).where(Course.status == CourseStatus.PUBLISHED.value)
    return _page(statement, Course.id, after, limit)


def published_course(slug: str) -> Course | None:
    """A published course by slug."""
    return db.session.scalar(
        select(Course).where(Course.slug == slug, Course.status == CourseStatus.PUBLISHED.value)
    )


def course_id_of(slug: str) -> int | None:
    """The id of the course with this slug, whatever its status."""
    return db.session.scalar(select(Course.id).where(Course.slug == slug))


def enrollments_of(user: User, after: int, limit: int) -> list[Any]:
    """The user's enrollments with their courses."""
    statement = (
        select(Enrollment, Course)
        .join(Course, Course.id == Enrollment.course_id)
        .where(Enrollment.user_id == user.id)
    )
    return _page(statement, Enrollment.id, after, limit)


def attempts_of(user: User, after: int, limit: int) -> list[Any]:
    """The user's graded attempts with their quizzes' titles and courses' slugs."""
    from app.catalog.models import Quiz

    statement = (
        select(QuizAttempt, Quiz.title, Course.slug)
        .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
        .join(Course, Course.id == Quiz.course_id)
        .where(
            QuizAttempt.user_id == user.id,
            QuizAttempt.state == AttemptState.SUBMITTED.value,
        )
    )
    return _page(statement, QuizAttempt.id, after, limit)


def _certificates() -> Rows:
    return select(Certificate, Course.slug).join(Course, Course.id == Certificate.course_id)


def certificates_of(user: User, after: int, limit: int) -> list[Any]:
    """The user's certificates (replaced ones too, marked so), with their courses' slugs."""
    return _page(
        _certificates().where(Certificate.user_id == user.id), Certificate.id, after, limit
    )


def transcript_of(user: User, start: dt.date | None, end: dt.date | None) -> list[Any]:
    """The user's current certificates completed in the range, oldest first."""
    statement = _certificates().where(
        Certificate.user_id == user.id, Certificate.replaced_at.is_(None)
    )
    if start:
        statement = statement.where(Certificate.completed_on >= start)
    if end:
        statement = statement.where(Certificate.completed_on <= end)
    return list(db.session.execute(statement.order_by(Certificate.completed_on, Certificate.id)))


def users(after: int, limit: int) -> list[Any]:
    """Every account."""
    return _page(select(User), User.id, after, limit)


def enrollments(
    course_id: int | None,
    start: dt.date | None,
    end: dt.date | None,
    after: int,
    limit: int,
    *,
    completed: bool,
) -> list[Any]:
    """Enrollments, by the day they began, or (``completed``) by the day the course was
    completed, with each learner's email and the course's slug."""
    when = Enrollment.completed_at if completed else Enrollment.enrolled_at
    statement = (
        select(Enrollment, User.email, Course.slug)
        .join(User, User.id == Enrollment.user_id)
        .join(Course, Course.id == Enrollment.course_id)
    )
    if completed:
        statement = statement.where(Enrollment.completed_at.is_not(None))
    if course_id is not None:
        statement = statement.where(Enrollment.course_id == course_id)
    if start:
        statement = statement.where(when >= _day_start(start))
    if end:
        statement = statement.where(when < _day_start(end + dt.timedelta(days=1)))
    return _page(statement, Enrollment.id, after, limit)


def ce_records(
    course_id: int | None, start: dt.date | None, end: dt.date | None, after: int, limit: int
) -> list[Any]:
    """Current certificates completed in the range (revoked ones included, marked so): the
    rows of the accreditor's completions CSV (``app.records.services.completions``)."""
    statement = (
        select(Certificate, User.email, Course.slug)
        .join(Course, Course.id == Certificate.course_id)
        .outerjoin(User, and_(User.id == Certificate.user_id))
        .where(Certificate.replaced_at.is_(None))
    )
    if course_id is not None:
        statement = statement.where(Certificate.course_id == course_id)
    if start:
        statement = statement.where(Certificate.completed_on >= start)
    if end:
        statement = statement.where(Certificate.completed_on <= end)
    return _page(statement, Certificate.id, after, limit)
