"""Reading the catalog and managing who teaches a course."""

from __future__ import annotations

from sqlalchemy import and_, select
from sqlalchemy.orm import selectinload

from app.accounts.models import User
from app.catalog.models import Course, CourseStaff, CourseStatus, Lesson, Module
from app.db import db


def published_courses() -> list[Course]:
    """Published courses for the catalog, with their modules, in title order."""
    statement = (
        select(Course)
        .where(Course.status == CourseStatus.PUBLISHED.value)
        .options(selectinload(Course.modules))
        .order_by(Course.title)
    )
    return list(db.session.scalars(statement))


def published_course(slug: str) -> Course | None:
    """A published course with its modules and lessons loaded, or None."""
    statement = (
        select(Course)
        .where(Course.slug == slug, Course.status == CourseStatus.PUBLISHED.value)
        .options(selectinload(Course.modules).selectinload(Module.lessons))
    )
    return db.session.scalar(statement)


def lesson_count(course: Course) -> int:
    """How many lessons a learner meets in the course."""
    return sum(len(m.active_lessons) for m in course.active_modules)


def course_minutes(course: Course) -> int:
    """The estimated reading time of every active lesson."""
    lessons: list[Lesson] = [le for m in course.active_modules for le in m.active_lessons]
    return sum(lesson.minutes for lesson in lessons)


def taught_courses(user: User) -> list[Course]:
    """Courses on the user's teaching team; an administrator sees every course."""
    statement = select(Course).order_by(Course.title)
    if not user.is_admin:
        statement = statement.join(CourseStaff).where(CourseStaff.user_id == user.id)
    return list(db.session.scalars(statement))


def teaches(user: User, course: Course) -> bool:
    """Whether the user may edit and see records of the course (its team, or an admin)."""
    if user.is_admin:
        return True
    return (
        db.session.scalar(
            select(CourseStaff.user_id).where(
                CourseStaff.course_id == course.id, CourseStaff.user_id == user.id
            )
        )
        is not None
    )


def course_for_team(slug: str, user: User) -> tuple[Course | None, bool]:
    """A course by slug (any status) and whether ``user`` may edit it, in one query."""
    row = db.session.execute(
        select(Course, CourseStaff.user_id)
        .outerjoin(
            CourseStaff, and_(CourseStaff.course_id == Course.id, CourseStaff.user_id == user.id)
        )
        .where(Course.slug == slug)
    ).first()
    if row is None:
        return None, False
    return row[0], user.is_admin or row[1] is not None


def course_by_slug(slug: str) -> Course | None:
    """Any course (draft, published or archived) by its slug."""
    return db.session.scalar(select(Course).where(Course.slug == slug))


def assign_to_all_courses(user_id: int) -> int:
    """Make a user an owner of every course they do not teach yet (demo set-up)."""
    taught = set(
        db.session.scalars(select(CourseStaff.course_id).where(CourseStaff.user_id == user_id))
    )
    added = 0
    for course_id in db.session.scalars(select(Course.id)):
        if course_id not in taught:
            db.session.add(CourseStaff(course_id=course_id, user_id=user_id, is_owner=True))
            added += 1
    db.session.commit()
    return added
