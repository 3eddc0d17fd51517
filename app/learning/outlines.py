"""The per-worker cache of what is built from a course version, and the outline built on it.

A lesson view needs the course's modules and lessons as the completion rules see them;
they change only with a new version, so each worker builds them once per version and
keeps them, least recently used first out.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar, cast

from flask import current_app
from sqlalchemy import inspect

from app.accounts.models import User
from app.catalog.models import Course
from app.learning.models import Enrollment
from app.learning.progress import CourseOutline, CourseProgress, LessonStep, ModuleOutline
from app.learning.queries import course_with_content, final_quiz_id, learner_record

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
                tuple(lesson.advisories),
            )
            for i, lesson in enumerate(module.active_lessons, start=1)
        )
        quiz = module.quiz
        quiz_id = quiz.id if quiz is not None and quiz.question_count else None
        case = module.active_case
        modules.append(
            ModuleOutline(
                module.id,
                module.slug,
                module.title,
                number,
                lessons,
                quiz_id,
                case.id if case is not None else None,
                case.requirement if case is not None else "none",
            )
        )
    return CourseOutline(tuple(modules), course.modules_unlock_in_order, final_quiz_id(course))


def progress_for(user: User, course: Course, enrollment: Enrollment | None) -> CourseProgress:
    """The user's progress through the course as it is now."""
    return CourseProgress(outline(course), learner_record(user, course, enrollment))
