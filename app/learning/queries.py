"""Reading courses and what learners did in them: every query the learner pages run.

The course statements are built once at import: these pages run on every lesson view and
quiz submission, and building a statement and its loader options each time cost more than
running it. Writes live in ``services``; the per-worker outline cache in ``outlines``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from sqlalchemy import BindParameter, CompoundSelect, Select, bindparam, literal, select, union_all
from sqlalchemy.orm import defer, joinedload

from app.accounts.models import User
from app.catalog.models import Course, CourseStatus, Lesson, Module, ModuleCase, Quiz
from app.db import db
from app.learning.models import Enrollment, LessonProgress, ModuleCompletion
from app.learning.progress import LearnerRecord

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
        modules.joinedload(Module.case).defer(ModuleCase.spec),
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
    key: str | int
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
    """The course's final post-test, if it has one with questions or a blueprint."""
    final = course.final_quiz
    return final.id if final is not None and (final.question_count or course.blueprint) else None


_ENROLLMENT = select(Enrollment).where(
    Enrollment.user_id == bindparam("user_id"), Enrollment.course_id == bindparam("course_id")
)


def find_enrollment(user: User, course: Course) -> Enrollment | None:
    """The user's enrollment in the course, if any."""
    return db.session.scalar(_ENROLLMENT, {"user_id": user.id, "course_id": course.id})


#: The learner-records query's parameters; every part of its union, supplied ones too, uses them.
USER_ID: BindParameter[int] = bindparam("user_id")
COURSE_IDS: BindParameter[list[int]] = bindparam("course_ids", expanding=True)

#: Parts of the learner-records union that other domains supply by kind: a select of
#: (kind, course id, item id, done) rows for ``USER_ID`` in ``COURSE_IDS``. Quiz attempts
#: belong to the quizzes domain, which stands above learning (its pages need enrollments
#: and outlines), so it hands in its "quiz" part when the app starts (quizzes.listeners)
#: rather than learning importing its models.
_SUPPLIED: dict[str, Select[str, int, int, bool]] = {}


def supply_records(kind: str, statement: Select[str, int, int, bool]) -> None:
    """Add (or replace) the part of the learner-records query that lists ``kind`` rows."""
    global _LEARNER_RECORDS
    _SUPPLIED[kind] = statement
    _LEARNER_RECORDS = _learner_records_statement()


def _learner_records_statement() -> CompoundSelect:
    """Lessons opened and completed, modules completed and (as supplied) quizzes passed by
    one user in some courses, as (kind, course id, item id, done) rows of one query."""
    lessons = (
        select(
            literal("lesson"),
            Module.course_id,
            LessonProgress.lesson_id,
            LessonProgress.completed_at.is_not(None),
        )
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .join(Module, Module.id == Lesson.module_id)
        .where(LessonProgress.user_id == USER_ID, Module.course_id.in_(COURSE_IDS))
    )
    modules = (
        select(literal("module"), Module.course_id, ModuleCompletion.module_id, literal(True))
        .join(Module, Module.id == ModuleCompletion.module_id)
        .where(ModuleCompletion.user_id == USER_ID, Module.course_id.in_(COURSE_IDS))
    )
    return union_all(lessons, *_SUPPLIED.values(), modules)


#: Built once, and again only when a domain supplies a part (at start-up).
_LEARNER_RECORDS = _learner_records_statement()


def _completed(enrollment: Enrollment | None) -> bool:
    return enrollment is not None and enrollment.completed_at is not None


def learner_records(
    user: User, enrollments: Mapping[int, Enrollment | None]
) -> dict[int, LearnerRecord]:
    """What the user has done in each course (by course id), in one query for them all."""
    course_ids = list(enrollments)
    found: dict[int, dict[str, set[int]]] = {
        course_id: {
            "visited": set(),
            "lessons": set(),
            "quizzes": set(),
            "modules": set(),
            "cases": set(),
            "cases_well": set(),
        }
        for course_id in course_ids
    }
    rows = db.session.execute(_LEARNER_RECORDS, {"user_id": user.id, "course_ids": course_ids})
    for kind, course_id, item_id, done in rows:
        bucket = found[course_id]
        if kind == "lesson":
            bucket["visited"].add(item_id)
            if done:
                bucket["lessons"].add(item_id)
        elif kind == "case":  # a run that reached an ending; done: rated acceptable or best
            bucket["cases"].add(item_id)
            if done:
                bucket["cases_well"].add(item_id)
        else:
            bucket["quizzes" if kind == "quiz" else "modules"].add(item_id)
    return {
        course_id: LearnerRecord(
            completed_lessons=frozenset(bucket["lessons"]),
            passed_quizzes=frozenset(bucket["quizzes"]),
            completed_modules=frozenset(bucket["modules"]),
            course_completed=_completed(enrollments[course_id]),
            visited_lessons=frozenset(bucket["visited"]),
            cases_ended=frozenset(bucket["cases"]),
            cases_ended_well=frozenset(bucket["cases_well"]),
        )
        for course_id, bucket in found.items()
    }


def learner_record(user: User, course: Course, enrollment: Enrollment | None) -> LearnerRecord:
    """What the user has completed and passed in this course."""
    return learner_records(user, {course.id: enrollment})[course.id]


def enrollments_of(user: User) -> list[tuple[Enrollment, Course]]:
    """The user's enrollments with their courses, newest first."""
    rows = db.session.execute(
        select(Enrollment, Course)
        .join(Course, Course.id == Enrollment.course_id)
        .where(Enrollment.user_id == user.id)
        .order_by(Enrollment.enrolled_at.desc())
    )
    return [(row[0], row[1]) for row in rows]
