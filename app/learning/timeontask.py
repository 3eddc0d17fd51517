"""Time on task as accreditors read it: per learner, lesson and module, from server records.

One query gives every (learner, lesson) row of some courses; grouping into modules is pure.
Lessons and modules retired since keep the time spent on them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from sqlalchemy import select

from app.catalog.models import Lesson, Module
from app.db import db
from app.learning.models import LessonProgress


@dataclass(frozen=True)
class LessonTime:
    """One learner's time on one lesson, beside the lesson's minimum."""

    user_id: int
    course_id: int
    module_position: int
    module_title: str
    lesson_position: int
    lesson_title: str
    min_seconds: int
    seconds: int
    completed: bool

    @property
    def number(self) -> str:
        """The lesson's place in the course, as the outline numbers it ("2.3")."""
        return f"{self.module_position}.{self.lesson_position}"


@dataclass(frozen=True)
class ModuleTime:
    """One learner's time on a module: its lessons' times added up."""

    position: int
    title: str
    seconds: int
    lessons: tuple[LessonTime, ...]


def lesson_times(
    course_ids: Collection[int], user_ids: Collection[int] | None = None
) -> list[LessonTime]:
    """Every lesson a learner opened in these courses (of these users), in course order."""
    if not course_ids:
        return []
    statement = (
        select(
            LessonProgress.user_id,
            Module.course_id,
            Module.position,
            Module.title,
            Lesson.position,
            Lesson.title,
            Lesson.min_seconds,
            LessonProgress.seconds_on_task,
            LessonProgress.completed_at.is_not(None),
        )
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .join(Module, Module.id == Lesson.module_id)
        .where(Module.course_id.in_(list(course_ids)))
        .order_by(LessonProgress.user_id, Module.course_id, Module.position, Lesson.position)
    )
    if user_ids is not None:
        statement = statement.where(LessonProgress.user_id.in_(list(user_ids)))
    return [LessonTime(*row) for row in db.session.execute(statement)]


def by_module(times: Iterable[LessonTime]) -> tuple[ModuleTime, ...]:
    """One learner's lesson times in one course grouped into modules, in course order."""
    modules: dict[int, list[LessonTime]] = {}
    for time in times:
        modules.setdefault(time.module_position, []).append(time)
    return tuple(
        ModuleTime(
            position=position,
            title=lessons[0].module_title,
            seconds=sum(le.seconds for le in lessons),
            lessons=tuple(lessons),
        )
        for position, lessons in sorted(modules.items())
    )


def modules_of(user_id: int, course_id: int) -> tuple[ModuleTime, ...]:
    """One learner's time on each module of a course."""
    return by_module(lesson_times([course_id], [user_id]))
