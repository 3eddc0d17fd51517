"""Queries behind the records exports; each is one SQL statement, whatever the volume."""

from __future__ import annotations

import datetime as dt
from itertools import groupby

from sqlalchemy import and_, select

from app.accounts.models import User
from app.catalog.models import Course
from app.certificates.identifiers import display_id
from app.certificates.models import Certificate
from app.csvcells import to_csv
from app.db import db
from app.learning.models import Enrollment
from app.learning.timeontask import by_module, lesson_times


def _day_bounds(
    start: dt.date | None, end: dt.date | None
) -> tuple[dt.datetime | None, dt.datetime | None]:
    low = dt.datetime.combine(start, dt.time(), dt.UTC) if start else None
    high = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), dt.UTC) if end else None
    return low, high


def participants(
    course: Course, start: dt.date | None, end: dt.date | None
) -> list[tuple[User, Enrollment, Certificate | None]]:
    """Everyone who enrolled in the period, with their completion and certificate if any."""
    low, high = _day_bounds(start, end)
    statement = (
        select(User, Enrollment, Certificate)
        .join(Enrollment, Enrollment.user_id == User.id)
        .outerjoin(
            Certificate,
            and_(Certificate.enrollment_id == Enrollment.id, Certificate.replaced_at.is_(None)),
        )
        .where(Enrollment.course_id == course.id)
        .order_by(Enrollment.enrolled_at, User.id)
    )
    if low:
        statement = statement.where(Enrollment.enrolled_at >= low)
    if high:
        statement = statement.where(Enrollment.enrolled_at < high)
    return [
        (user, enrollment, certificate)
        for user, enrollment, certificate in db.session.execute(statement)
    ]


def completions(course: Course, start: dt.date | None, end: dt.date | None) -> list[Certificate]:
    """Current certificates for the course completed in the period (revoked ones included)."""
    statement = (
        select(Certificate)
        .where(Certificate.course_id == course.id, Certificate.replaced_at.is_(None))
        .order_by(Certificate.completed_on, Certificate.id)
    )
    if start:
        statement = statement.where(Certificate.completed_on >= start)
    if end:
        statement = statement.where(Certificate.completed_on <= end)
    return list(db.session.scalars(statement))


COMPLETION_HEADER = (
    "Name",
    "Email",
    "Profession",
    "License number",
    "License state",
    "Completion date",
    "CE hours",
    "Course version",
    "Certificate ID",
    "Status",
)
PARTICIPANT_HEADER = (
    "Name",
    "Email",
    "Profession",
    "License number",
    "License state",
    "Enrolled",
    "Completed",
    "Certificate ID",
    "Certificate status",
)


def completions_csv(course: Course, start: dt.date | None, end: dt.date | None) -> str:
    """Completions as accreditors ask for them: who, license, when, hours, certificate."""
    emails = dict(
        db.session.execute(
            select(User.id, User.email)
            .join(Certificate, Certificate.user_id == User.id)
            .where(Certificate.course_id == course.id)
        ).all()
    )
    return to_csv(
        COMPLETION_HEADER,
        (
            (
                c.learner_name,
                emails.get(c.user_id, ""),
                c.profession,
                c.license_number,
                c.license_state,
                c.completed_on.isoformat(),
                c.ce_hours,
                c.course_version,
                display_id(c.public_id),
                c.status,
            )
            for c in completions(course, start, end)
        ),
    )


def participants_csv(course: Course, start: dt.date | None, end: dt.date | None) -> str:
    """Everyone who took part in the period."""
    return to_csv(
        PARTICIPANT_HEADER,
        (
            (
                user.legal_name,
                user.email,
                user.profession,
                user.license_number,
                user.license_state,
                enrollment.enrolled_at.date().isoformat(),
                enrollment.completed_at.date().isoformat() if enrollment.completed_at else "",
                display_id(certificate.public_id) if certificate else "",
                certificate.status if certificate else "",
            )
            for user, enrollment, certificate in participants(course, start, end)
        ),
    )


TIME_ON_TASK_HEADER = (
    "Name",
    "Email",
    "License number",
    "License state",
    "Module",
    "Module time on task (seconds)",
    "Lesson",
    "Lesson minimum (seconds)",
    "Lesson time on task (seconds)",
    "Lesson completed",
)


def time_on_task_csv(course: Course, start: dt.date | None, end: dt.date | None) -> str:
    """Seat time for accreditors: each participant's seconds on each lesson they opened,
    beside the lesson's minimum, with their total for its module (server timestamps)."""
    people = {user.id: user for user, _, _ in participants(course, start, end)}
    times = lesson_times([course.id], list(people))
    lines = []
    for user_id, own in groupby(times, key=lambda time: time.user_id):
        user = people[user_id]
        for module in by_module(own):
            for lesson in module.lessons:
                lines.append(
                    (
                        user.legal_name,
                        user.email,
                        user.license_number,
                        user.license_state,
                        f"{module.position}. {module.title}",
                        module.seconds,
                        f"{lesson.number} {lesson.lesson_title}",
                        lesson.min_seconds,
                        lesson.seconds,
                        "yes" if lesson.completed else "no",
                    )
                )
    return to_csv(TIME_ON_TASK_HEADER, lines)
