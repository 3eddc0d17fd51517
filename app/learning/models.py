"""Enrollments, lesson progress with time on task, and recorded module completions."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Index, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow


class Enrollment(Base):
    """A learner taking a course; completion of the course is recorded here."""

    __tablename__ = "enrollments"
    __table_args__ = (
        UniqueConstraint("user_id", "course_id"),
        CheckConstraint(
            "(completed_at IS NULL) = (completed_version IS NULL)", name="completion_consistent"
        ),
        # The drop-off chart: unfinished enrollments of a course by furthest lesson.
        Index(
            "ix_enrollments_unfinished_furthest",
            "course_id",
            "furthest_lesson_id",
            sqlite_where=text("completed_at IS NULL"),
            postgresql_where=text("completed_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    enrolled_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[dt.datetime | None]
    #: The course version the learner completed.
    completed_version: Mapped[int | None]
    #: The lesson the learner is reading now and since when: time is credited when they move on.
    current_lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lessons.id"))
    visit_started_at: Mapped[dt.datetime | None]
    #: The furthest current lesson (in course order) the learner has completed; kept by
    #: ``app.insight.tallies`` at each completion and recounted when the course changes.
    furthest_lesson_id: Mapped[int | None] = mapped_column(
        ForeignKey("lessons.id", ondelete="SET NULL")
    )
    #: When the learner attested "I completed this activity in full".
    attested_at: Mapped[dt.datetime | None]


class LessonProgress(Base):
    """One learner's record of one lesson: first view, seconds on task, completion."""

    __tablename__ = "lesson_progress"
    __table_args__ = (
        UniqueConstraint("user_id", "lesson_id"),
        CheckConstraint("seconds_on_task >= 0", name="seconds_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id"), index=True)
    first_viewed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    seconds_on_task: Mapped[int] = mapped_column(default=0)
    completed_at: Mapped[dt.datetime | None]


class ModuleCompletion(Base):
    """The moment a learner completed a module; never taken back by later edits."""

    __tablename__ = "module_completions"
    __table_args__ = (UniqueConstraint("user_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"), index=True)
    completed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
