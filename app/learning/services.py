"""Learning's writes: enrolling, opening and completing lessons, time on task, completions.

What the pages read is in ``queries``, the per-worker outline cache in ``outlines``.

Time on task comes only from server timestamps. The enrollment remembers which
lesson the learner opened last and when; when they open another page of the
course (or mark the lesson complete), the time since is credited to that lesson,
at most ``MAX_CREDITED_VISIT`` at once so an idle tab does not count as study.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import bindparam, insert, literal, select, update
from sqlalchemy.exc import IntegrityError

from app import events
from app.accounts.models import User
from app.audit.services import record
from app.catalog.models import Course, CourseStatus
from app.content.seattime import format_duration, required_seconds
from app.db import FOR_CHANGE, db, utcnow
from app.learning.models import Enrollment, LessonProgress, ModuleCompletion
from app.learning.outlines import progress_for
from app.learning.progress import CourseProgress, LearnerRecord, LessonStep
from app.learning.queries import find_enrollment

MAX_CREDITED_VISIT = dt.timedelta(minutes=60)


class LearningError(Exception):
    """A refused learning action; the message is safe to show the learner."""


def enroll(user: User, course: Course) -> Enrollment:
    """Enroll the user once, only while the course is published.

    The status check is part of the INSERT itself (INSERT ... SELECT ... WHERE status =
    'published'), so an enrollment racing the course's archiving either lands before
    the archive commits or is refused: never after.
    """
    existing = find_enrollment(user, course)
    if existing is not None:
        return existing
    closed = LearningError("This course is closed to new enrollments.")
    if not course.is_published:
        raise closed
    now = utcnow()
    columns = ("user_id", "course_id", "enrolled_at")
    chosen = select(literal(user.id), Course.id, literal(now, type_=Enrollment.enrolled_at.type))
    statement = insert(Enrollment).from_select(
        columns, chosen.where(Course.id == course.id, Course.status == CourseStatus.PUBLISHED.value)
    )
    try:
        added = db.session.execute(statement.returning(Enrollment.id)).first()
    except IntegrityError:  # a second tab enrolled at the same moment
        db.session.rollback()
        existing = find_enrollment(user, course)
        if existing is None:
            raise
        return existing
    if added is None:  # the course was archived a moment ago
        db.session.rollback()
        raise closed
    record("enrollment.created", "course", course.id, actor_id=user.id, user=user.id)
    enrollment = find_enrollment(user, course)
    assert enrollment is not None
    events.enrolled.emit(events.Enrolled(user, course, enrollment))
    db.session.commit()
    return enrollment


def _progress_row(user: User, lesson_id: int) -> LessonProgress:
    row = db.session.scalar(
        select(LessonProgress).where(
            LessonProgress.user_id == user.id, LessonProgress.lesson_id == lesson_id
        )
    )
    if row is None:
        row = LessonProgress(user_id=user.id, lesson_id=lesson_id, seconds_on_task=0)
        db.session.add(row)
        db.session.flush()
    return row


def _credit_visit(user: User, enrollment: Enrollment, now: dt.datetime) -> None:
    """Credit the time since the learner opened their current lesson to that lesson."""
    if enrollment.current_lesson_id is None or enrollment.visit_started_at is None:
        return
    elapsed = min(max(now - enrollment.visit_started_at, dt.timedelta(0)), MAX_CREDITED_VISIT)
    db.session.execute(
        update(LessonProgress)
        .where(
            LessonProgress.user_id == user.id,
            LessonProgress.lesson_id == enrollment.current_lesson_id,
        )
        .values(seconds_on_task=LessonProgress.seconds_on_task + int(elapsed.total_seconds()))
        .execution_options(synchronize_session=False)
    )


def _record_first_view(user: User, lesson_id: int) -> None:
    """Create the learner's progress row for a lesson, unless a parallel request just did."""
    try:
        with db.session.begin_nested():
            db.session.add(LessonProgress(user_id=user.id, lesson_id=lesson_id, seconds_on_task=0))
    except IntegrityError:
        pass


def open_lesson(user: User, enrollment: Enrollment, lesson_id: int, record: LearnerRecord) -> None:
    """Record that the learner opened a lesson; credit the previous one's time."""
    now = utcnow()
    _credit_visit(user, enrollment, now)
    if lesson_id not in record.visited_lessons:
        _record_first_view(user, lesson_id)
    enrollment.current_lesson_id = lesson_id
    enrollment.visit_started_at = now
    db.session.commit()


def leave_lessons(user: User, enrollment: Enrollment) -> None:
    """Credit the current lesson's time when the learner moves on to a quiz."""
    if enrollment.current_lesson_id is None:
        return
    _credit_visit(user, enrollment, utcnow())
    enrollment.current_lesson_id = None
    enrollment.visit_started_at = None
    db.session.commit()


# Seat time lives with the writes: ``complete_lesson`` enforces it (and tests patch it here).
def seat_time_needed(course: Course, lesson: LessonStep) -> int:
    """Seconds a learner must spend on the lesson before marking it complete (never zero)."""
    return required_seconds(lesson.min_seconds, course.min_seconds_per_lesson)


_SECONDS = select(LessonProgress.seconds_on_task).where(
    LessonProgress.user_id == bindparam("user_id"),
    LessonProgress.lesson_id == bindparam("lesson_id"),
)


def seconds_left(user: User, course: Course, lesson: LessonStep) -> int:
    """Seat time still to spend on the lesson, from the server's record of time on task."""
    spent = db.session.scalar(_SECONDS, {"user_id": user.id, "lesson_id": lesson.id}) or 0
    return max(0, seat_time_needed(course, lesson) - spent)


def complete_lesson(
    user: User, enrollment: Enrollment, course: Course, lesson_id: int, progress: CourseProgress
) -> LessonProgress:
    """Mark a lesson complete once the course's seat time is met; settle completions."""
    # Lock the learner's enrollment first: completions of one learner's course take turns
    # on PostgreSQL, so a double click or a second tab finds the lesson already complete
    # instead of counting it again (insight tallies, module completions, audit events).
    db.session.refresh(enrollment, with_for_update=FOR_CHANGE)
    now = utcnow()
    if enrollment.current_lesson_id == lesson_id:
        _credit_visit(user, enrollment, now)
        enrollment.visit_started_at = now
        db.session.flush()
    row = _progress_row(user, lesson_id)
    db.session.refresh(row)
    if row.completed_at is None:
        step = progress.find_lesson(lesson_id)
        needed = seat_time_needed(course, step) if step else course.min_seconds_per_lesson
        if row.seconds_on_task < needed:
            db.session.commit()  # keep the credited time
            raise LearningError(
                f"This lesson asks for at least {format_duration(needed)} of study before it "
                f"can be marked complete; you have spent {format_duration(row.seconds_on_task)}. "
                f"About {format_duration(needed - row.seconds_on_task)} to go: your place and "
                "your time so far are kept."
            )
        row.completed_at = now
        db.session.flush()
        # Insight counts it and learning.listeners settles module and course completions,
        # all before the commit below.
        events.lesson_completed.emit(
            events.LessonCompleted(user, course, enrollment, lesson_id, progress.outline)
        )
    db.session.commit()
    return row


def settle_completion(user: User, course: Course, enrollment: Enrollment) -> None:
    """Record module and course completions that now hold, with their time, and audit them.

    Runs inside the caller's transaction, right after the event that may complete
    something (a lesson marked complete, a quiz passed; learning.listeners connects it to
    both): no scheduled job.
    """
    progress = progress_for(user, course, enrollment)
    now = utcnow()
    for module in progress.outline.modules:
        if progress.module_complete(module) and module.id not in progress.record.completed_modules:
            db.session.add(ModuleCompletion(user_id=user.id, module_id=module.id, completed_at=now))
            record("module.completed", "module", module.id, actor_id=user.id, user=user.id)
            events.module_completed.emit(events.ModuleCompleted(user, course, module.id))
    if progress.course_complete and enrollment.completed_at is None:
        enrollment.completed_at = now
        enrollment.completed_version = course.version
        record(
            "course.completed",
            "course",
            course.id,
            actor_id=user.id,
            user=user.id,
            version=course.version,
        )
        events.course_completed.emit(events.CourseCompleted(user, course, enrollment))
    db.session.flush()
