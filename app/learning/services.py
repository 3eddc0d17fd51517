"""Enrolling, reading lessons, recording time on task and settling completions.

Time on task comes only from server timestamps. The enrollment remembers which
lesson the learner opened last and when; when they open another page of the
course (or mark the lesson complete), the time since is credited to that lesson,
at most ``MAX_CREDITED_VISIT`` at once so an idle tab does not count as study.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable, Collection, Hashable, Mapping
from typing import Any, TypeVar, cast

from flask import current_app
from sqlalchemy import (
    CompoundSelect,
    bindparam,
    insert,
    inspect,
    literal,
    select,
    union_all,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer, joinedload

from app.accounts.models import User
from app.audit.services import record
from app.catalog.models import Course, CourseStatus, Lesson, Module, Quiz
from app.content.seattime import format_duration, required_seconds
from app.db import FOR_CHANGE, db, utcnow
from app.insight.tallies import count_lesson_completed
from app.learning.models import Enrollment, LessonProgress, ModuleCompletion
from app.learning.progress import (
    CourseOutline,
    CourseProgress,
    LearnerRecord,
    LessonStep,
    ModuleOutline,
)
from app.quizzes.models import QuizAttempt

MAX_CREDITED_VISIT = dt.timedelta(minutes=60)


class LearningError(Exception):
    """A refused learning action; the message is safe to show the learner."""


#: What the catalog's course page shows and the learning pages do not. The structure query
#: repeats the course's columns on every module and lesson row, so the learning pages leave
#: these texts and JSON lists unloaded (any later use loads them) rather than decode them per row.
_DESCRIPTION = (
    Course.summary,
    Course.description,
    Course.description_html,
    Course.topics,
    Course.objectives,
    Course.instructors,
    Course.references,
    Course.approval_statement,
)
_MODULE_DESCRIPTION = (Module.summary, Module.objectives)


def _structure_options(described: bool) -> tuple[Any, ...]:
    """Load a course's structure in the same query: modules, lessons (without their bodies),
    each module's quiz with its question count, and the final post-test; the course's and
    modules' descriptions too when ``described``."""
    modules = joinedload(Course.modules)
    options: tuple[Any, ...] = (
        modules.joinedload(Module.lessons).defer(Lesson.body).defer(Lesson.body_html),
        modules.joinedload(Module.quiz).undefer(Quiz.question_count),
        joinedload(Course.final_quiz).undefer(Quiz.question_count),
    )
    if described:
        return options
    return (
        *options,
        *(defer(column) for column in _DESCRIPTION),
        *(modules.defer(column) for column in _MODULE_DESCRIPTION),
    )


#: Built once: these pages run on every lesson view and quiz submission, and building the
#: statement and its loader options each time cost more than running it.
#: Learners reach published courses and, once enrolled, archived ones.
OPEN_COURSE = Course.status.in_((CourseStatus.PUBLISHED.value, CourseStatus.ARCHIVED.value))
#: A course's own row without its long descriptions, for pages that show none of them.
ROW_ONLY = tuple(defer(column) for column in _DESCRIPTION)
_STRUCTURE = {
    (described, key): select(Course)
    .where(OPEN_COURSE, column == bindparam("key"))
    .options(*_structure_options(described))
    for described in (False, True)
    for key, column in (("slug", Course.slug), ("id", Course.id))
}


def course_with_content(
    slug: str | None = None, course_id: int | None = None, *, described: bool = False
) -> Course | None:
    """A published (or archived) course by slug or id, with its structure, in one query;
    ``described`` loads its description and objectives as well (the catalog's course page).

    Archived courses are closed to new enrollments but stay open to enrolled learners.
    """
    if slug:
        statement, key = _STRUCTURE[described, "slug"], slug
    elif course_id is not None:
        statement, key = _STRUCTURE[described, "id"], course_id
    else:
        return None
    return db.session.scalars(statement, {"key": key}).unique().one_or_none()


def courses_with_content(course_ids: Collection[int]) -> list[Course]:
    """Several courses with their structure, in one query, in title order."""
    if not course_ids:
        return []
    statement = (
        select(Course)
        .where(Course.id.in_(course_ids))
        .order_by(Course.title)
        .options(*_structure_options(described=False))
    )
    return list(db.session.scalars(statement).unique())


_PUBLISHED = select(Course).where(OPEN_COURSE, Course.slug == bindparam("key")).options(*ROW_ONLY)


def published_course(slug: str) -> Course | None:
    """A published (or archived) course's own row, without its structure: the lesson
    player reads that from ``outline``, which each worker keeps per course version."""
    return db.session.scalar(_PUBLISHED, {"key": slug})


_BODY = select(Lesson.body_html).where(Lesson.id == bindparam("lesson_id"))


def lesson_body(lesson_id: int) -> str:
    """The lesson's rendered body, which the structure query leaves out."""
    return db.session.scalar(_BODY, {"lesson_id": lesson_id}) or ""


def final_quiz_id(course: Course) -> int | None:
    """The course's final post-test, if it has one with questions."""
    final = course.final_quiz
    return final.id if final is not None and final.question_count else None


#: How many things built from course versions each worker keeps (a few kilobytes each).
VERSIONS_KEPT = 512

_Built = TypeVar("_Built")


class VersionCache:
    """What a worker has built from course versions, least recently used first out."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kept: OrderedDict[Hashable, Any] = OrderedDict()

    def get(self, key: Hashable) -> Any:
        """The thing kept under ``key``, or None."""
        with self._lock:
            found = self._kept.get(key)
            if found is not None:
                self._kept.move_to_end(key)
            return found

    def keep(self, key: Hashable, built: Any) -> None:
        """Keep ``built`` under ``key``, letting the least recently used go past the limit."""
        with self._lock:
            self._kept[key] = built
            self._kept.move_to_end(key)
            while len(self._kept) > VERSIONS_KEPT:
                self._kept.popitem(last=False)


def for_version(course: Course, kind: Hashable, build: Callable[[], _Built]) -> _Built:
    """What ``build`` makes of this version of the course, built once per worker.

    A course's structure changes only when a new version is published (the importer
    bumps the version or, for a first publication, the content fingerprint), and its
    row's ``updated_at`` moves with every change to the course; a key of all four is
    one version's content, so what was built from it stays true.
    """
    cache = current_app.extensions.setdefault("groundwork.versions", VersionCache())
    key = (kind, course.id, course.version, course.content_fingerprint, course.updated_at)
    found = cache.get(key)
    if found is None:
        found = build()
        cache.keep(key, found)
    return cast(_Built, found)


def outline(course: Course) -> CourseOutline:
    """The course's current modules and lessons as the completion rules see them; kept
    per course version, so a page with the course's row needs no query for them."""
    return for_version(course, "outline", lambda: _build_outline(course))


def _build_outline(course: Course) -> CourseOutline:
    if "modules" in inspect(course).unloaded:  # a row without its structure: one query
        course_with_content(course_id=course.id)
    modules = []
    for number, module in enumerate(course.active_modules, start=1):
        lessons = tuple(
            LessonStep(
                lesson.id,
                lesson.slug,
                lesson.title,
                lesson.minutes,
                f"{number}.{i}",
                module.slug,
                lesson.min_seconds,
            )
            for i, lesson in enumerate(module.active_lessons, start=1)
        )
        quiz = module.quiz
        quiz_id = quiz.id if quiz is not None and quiz.question_count else None
        modules.append(
            ModuleOutline(module.id, module.slug, module.title, number, lessons, quiz_id)
        )
    return CourseOutline(tuple(modules), course.modules_unlock_in_order, final_quiz_id(course))


_ENROLLMENT = select(Enrollment).where(
    Enrollment.user_id == bindparam("user_id"), Enrollment.course_id == bindparam("course_id")
)


def find_enrollment(user: User, course: Course) -> Enrollment | None:
    """The user's enrollment in the course, if any."""
    return db.session.scalar(_ENROLLMENT, {"user_id": user.id, "course_id": course.id})


def _learner_records_statement() -> CompoundSelect:
    """Lessons opened and completed, quizzes passed and modules completed by one user in
    some courses, as (kind, course id, item id, done) rows of one query."""
    user_id = bindparam("user_id")
    course_ids = bindparam("course_ids", expanding=True)
    lessons = (
        select(
            literal("lesson"),
            Module.course_id,
            LessonProgress.lesson_id,
            LessonProgress.completed_at.is_not(None),
        )
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .join(Module, Module.id == Lesson.module_id)
        .where(LessonProgress.user_id == user_id, Module.course_id.in_(course_ids))
    )
    quizzes = (
        select(literal("quiz"), Quiz.course_id, QuizAttempt.quiz_id, literal(True))
        .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
        .where(
            QuizAttempt.user_id == user_id,
            QuizAttempt.passed.is_(True),
            Quiz.course_id.in_(course_ids),
        )
    )
    modules = (
        select(literal("module"), Module.course_id, ModuleCompletion.module_id, literal(True))
        .join(Module, Module.id == ModuleCompletion.module_id)
        .where(ModuleCompletion.user_id == user_id, Module.course_id.in_(course_ids))
    )
    return union_all(lessons, quizzes, modules)


_LEARNER_RECORDS = _learner_records_statement()


def learner_records(
    user: User, enrollments: Mapping[int, Enrollment | None]
) -> dict[int, LearnerRecord]:
    """What the user has done in each course (by course id), in one query for them all."""
    course_ids = list(enrollments)
    found: dict[int, dict[str, set[int]]] = {
        course_id: {"visited": set(), "lessons": set(), "quizzes": set(), "modules": set()}
        for course_id in course_ids
    }
    rows = db.session.execute(_LEARNER_RECORDS, {"user_id": user.id, "course_ids": course_ids})
    for kind, course_id, item_id, done in rows:
        bucket = found[course_id]
        if kind == "lesson":
            bucket["visited"].add(item_id)
            if done:
                bucket["lessons"].add(item_id)
        else:
            bucket["quizzes" if kind == "quiz" else "modules"].add(item_id)
    return {
        course_id: LearnerRecord(
            completed_lessons=frozenset(bucket["lessons"]),
            passed_quizzes=frozenset(bucket["quizzes"]),
            completed_modules=frozenset(bucket["modules"]),
            course_completed=bool(enrollments[course_id] and enrollments[course_id].completed_at),
            visited_lessons=frozenset(bucket["visited"]),
        )
        for course_id, bucket in found.items()
    }


def learner_record(user: User, course: Course, enrollment: Enrollment | None) -> LearnerRecord:
    """What the user has completed and passed in this course."""
    return learner_records(user, {course.id: enrollment})[course.id]


def progress_for(user: User, course: Course, enrollment: Enrollment | None) -> CourseProgress:
    """The user's progress through the course as it is now."""
    return CourseProgress(outline(course), learner_record(user, course, enrollment))


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
    db.session.commit()
    enrollment = find_enrollment(user, course)
    assert enrollment is not None
    return enrollment


def set_archived(course: Course, actor: User, archived: bool) -> None:
    """Close a course to new enrollments (or reopen it); enrolled learners may still finish."""
    if course.published_at is None:
        raise LearningError("A course that was never published cannot be archived.")
    wanted = CourseStatus.ARCHIVED.value if archived else CourseStatus.PUBLISHED.value
    db.session.refresh(course, with_for_update=FOR_CHANGE)  # a repeated click then finds it done
    if course.status == wanted:
        return
    db.session.execute(
        update(Course)
        .where(Course.id == course.id)
        .values(status=wanted, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    record(
        "course.archived" if archived else "course.reopened", "course", course.id, actor_id=actor.id
    )
    db.session.commit()
    db.session.refresh(course)


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
        count_lesson_completed(enrollment, lesson_id, progress.outline)
        settle_completion(user, course, enrollment)
    db.session.commit()
    return row


def settle_completion(user: User, course: Course, enrollment: Enrollment) -> None:
    """Record module and course completions that now hold, with their time, and audit them.

    Runs inside the caller's transaction, right after the event that may complete
    something (a lesson marked complete, a quiz passed): no scheduled job.
    """
    progress = progress_for(user, course, enrollment)
    now = utcnow()
    for module in progress.outline.modules:
        if progress.module_complete(module) and module.id not in progress.record.completed_modules:
            db.session.add(ModuleCompletion(user_id=user.id, module_id=module.id, completed_at=now))
            record("module.completed", "module", module.id, actor_id=user.id, user=user.id)
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
    db.session.flush()


def enrollments_of(user: User) -> list[tuple[Enrollment, Course]]:
    """The user's enrollments with their courses, newest first."""
    rows = db.session.execute(
        select(Enrollment, Course)
        .join(Course, Course.id == Enrollment.course_id)
        .where(Enrollment.user_id == user.id)
        .order_by(Enrollment.enrolled_at.desc())
    )
    return [(row[0], row[1]) for row in rows]
