"""Setting a learner's accommodations in a course: extra time and extra attempts, audited."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from app.accounts.models import User
from app.audit.services import record
from app.catalog.models import Course
from app.db import db, utcnow
from app.learning.models import Enrollment
from app.quizzes.deadlines import MAX_EXTRA_ATTEMPTS, MAX_TIME_MULTIPLIER
from app.quizzes.models import Accommodation

#: Reasons are for the record, not clinical notes: short by design.
MAX_REASON_LENGTH = 500


class AccommodationError(Exception):
    """A refused change; the message is safe to show."""


def course_accommodations(course: Course) -> list[tuple[Accommodation, User]]:
    """Every accommodation in the course with its learner, by learner name."""
    rows = db.session.execute(
        select(Accommodation, User)
        .join(User, User.id == Accommodation.user_id)
        .where(Accommodation.course_id == course.id)
        .order_by(User.legal_name, User.id)
    )
    return [(accommodation, user) for accommodation, user in rows]


def set_accommodation(
    actor: User,
    course: Course,
    learner: User,
    time_multiplier: Decimal,
    extra_attempts: int,
    reason: str,
) -> Accommodation:
    """Give ``learner`` extra time and attempts in ``course``; the caller checked ``actor``.

    The learner must be enrolled; nobody sets their own. An attempt already running keeps
    the deadline it started with; the next attempt gets the new time.
    """
    if learner.id == actor.id:
        raise AccommodationError("You cannot set an accommodation for yourself.")
    enrolled = db.session.scalar(
        select(Enrollment.id).where(
            Enrollment.user_id == learner.id, Enrollment.course_id == course.id
        )
    )
    if enrolled is None:
        raise AccommodationError("That person is not enrolled in this course.")
    if not Decimal(1) <= time_multiplier <= MAX_TIME_MULTIPLIER:
        raise AccommodationError(f"Extra time must be from 1 to {MAX_TIME_MULTIPLIER} times.")
    if time_multiplier != time_multiplier.quantize(Decimal("0.01")):
        raise AccommodationError("Extra time takes at most two decimal places, e.g. 1.5.")
    if not 0 <= extra_attempts <= MAX_EXTRA_ATTEMPTS:
        raise AccommodationError(f"Extra attempts must be from 0 to {MAX_EXTRA_ATTEMPTS}.")
    reason = reason.strip()
    if not reason or len(reason) > MAX_REASON_LENGTH:
        raise AccommodationError(
            f"Please give the reason (at most {MAX_REASON_LENGTH} characters)."
        )
    found = db.session.scalar(
        select(Accommodation)
        .where(Accommodation.user_id == learner.id, Accommodation.course_id == course.id)
        .with_for_update()
    )
    before = (
        {"time_multiplier": str(found.time_multiplier), "extra_attempts": found.extra_attempts}
        if found
        else None
    )
    if found is None:
        found = Accommodation(user_id=learner.id, course_id=course.id)
        db.session.add(found)
    found.time_multiplier = time_multiplier
    found.extra_attempts = extra_attempts
    found.reason = reason
    found.set_by_id = actor.id
    found.updated_at = utcnow()
    db.session.flush()
    record(
        "course.accommodation_set",
        "course",
        course.id,
        actor_id=actor.id,
        learner=learner.id,
        time_multiplier=str(time_multiplier),
        extra_attempts=extra_attempts,
        reason=reason,
        before=before,
    )
    db.session.commit()
    return found
