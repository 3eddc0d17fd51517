"""Courses and their content: modules, lessons, quizzes, questions and choices.

Content rows are never deleted once learners may have used them: an item taken
out of a course is *retired* (``retired_at`` set), so progress and attempts that
point at it keep their meaning.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
    select,
    text,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from app.db import Base, utcnow


class CourseStatus(enum.StrEnum):
    """Where a course is in its life."""

    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class Course(Base):
    """A CE activity: settings, objectives and an ordered list of modules."""

    __tablename__ = "courses"
    __table_args__ = (
        CheckConstraint("ce_hours > 0", name="ce_hours_positive"),
        CheckConstraint("pass_mark BETWEEN 0 AND 100", name="pass_mark_percent"),
        CheckConstraint(
            "attempt_limit IS NULL OR attempt_limit >= 1", name="attempt_limit_positive"
        ),
        CheckConstraint("min_seconds_per_lesson >= 0", name="min_seconds_non_negative"),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint("level IN ('beginning', 'intermediate', 'advanced')", name="level_known"),
        CheckConstraint("status IN ('draft', 'published', 'archived')", name="status_known"),
        CheckConstraint("answer_feedback IN ('always', 'after_passing')", name="feedback_known"),
        CheckConstraint(
            "approval_starts_on IS NULL OR approval_ends_on IS NULL "
            "OR approval_starts_on <= approval_ends_on",
            name="approval_period_ordered",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text)
    #: The description rendered and sanitised once, when the content is saved.
    description_html: Mapped[str] = mapped_column(Text)
    ce_hours: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    level: Mapped[str] = mapped_column(String(20))
    delivery_format: Mapped[str] = mapped_column(String(120))
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: ``[{"id": slug, "text": ...}]``; the evaluation rates each by id.
    objectives: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    #: ``[{"name": ..., "credentials": ..., "bio": ...}]``.
    instructors: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    references: Mapped[list[str]] = mapped_column(JSON, default=list)
    pass_mark: Mapped[int] = mapped_column(default=80)
    #: None means unlimited attempts.
    attempt_limit: Mapped[int | None]
    modules_unlock_in_order: Mapped[bool] = mapped_column(default=True)
    min_seconds_per_lesson: Mapped[int] = mapped_column(default=0)
    answer_feedback: Mapped[str] = mapped_column(String(20), default="after_passing")
    shuffle_questions: Mapped[bool] = mapped_column(default=False)
    shuffle_choices: Mapped[bool] = mapped_column(default=False)
    #: Overrides the site's approval statement on this course's certificates.
    approval_statement: Mapped[str | None] = mapped_column(Text)
    approval_starts_on: Mapped[dt.date | None]
    approval_ends_on: Mapped[dt.date | None]
    #: ``[{"body": code, "hours": "3.25", "statement": ...}]``: the credit types offered
    #: (`app.content.credittypes`); None or empty: the course's hours and approval statement.
    credits: Mapped[list[dict[str, str]] | None] = mapped_column(JSON, default=list)
    #: ``[{"objective": id, "draw": n, "sources": ["module/objective", ...]}]``: how each
    #: final post-test attempt draws its questions (`app.content.blueprint`); None or empty:
    #: the final quiz asks its own questions.
    blueprint: Mapped[list[dict[str, object]] | None] = mapped_column(JSON, default=list)
    #: The grounding exercise the Pause control opens (Markdown); None: the site's default.
    grounding: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=CourseStatus.DRAFT.value, index=True)
    #: Incremented each time changed content is published or imported.
    version: Mapped[int] = mapped_column(default=1)
    #: Fingerprint of the content last applied, so an unchanged re-import is a no-op.
    content_fingerprint: Mapped[str] = mapped_column(String(64), default="")
    #: When content edited in the browser was last published; None once files are applied.
    #: ``flask courses import`` (and so ``make run``) leaves such a course alone.
    edited_in_browser_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    published_at: Mapped[dt.datetime | None]

    modules: Mapped[list[Module]] = relationship(
        back_populates="course", order_by="Module.position", cascade="all, delete-orphan"
    )
    staff: Mapped[list[CourseStaff]] = relationship(
        back_populates="course", cascade="all, delete-orphan"
    )
    #: The optional final post-test (the course's quiz with no module).
    final_quiz: Mapped[Quiz | None] = relationship(
        primaryjoin="and_(Course.id == Quiz.course_id, Quiz.module_id.is_(None))",
        viewonly=True,
        uselist=False,
    )

    @property
    def active_modules(self) -> list[Module]:
        """Modules learners see, in order."""
        return [m for m in self.modules if m.retired_at is None]

    @property
    def is_published(self) -> bool:
        """Whether learners can find and enrol in the course."""
        return self.status == CourseStatus.PUBLISHED.value


class CourseStaff(Base):
    """An instructor who teaches (and may edit) a course; the owner manages the team."""

    __tablename__ = "course_staff"

    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    is_owner: Mapped[bool] = mapped_column(default=False)

    course: Mapped[Course] = relationship(back_populates="staff")


class Module(Base):
    """An ordered part of a course with its own objectives, lessons and quiz."""

    __tablename__ = "modules"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(80))
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(300))
    objectives: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    retired_at: Mapped[dt.datetime | None]

    course: Mapped[Course] = relationship(back_populates="modules")
    lessons: Mapped[list[Lesson]] = relationship(
        back_populates="module", order_by="Lesson.position", cascade="all, delete-orphan"
    )
    quiz: Mapped[Quiz | None] = relationship(
        back_populates="module", cascade="all, delete-orphan", uselist=False
    )
    case: Mapped[ModuleCase | None] = relationship(
        back_populates="module", cascade="all, delete-orphan", uselist=False
    )

    @property
    def active_case(self) -> ModuleCase | None:
        """The module's case simulation, unless it was taken out of the module."""
        case = self.case
        return case if case is not None and case.retired_at is None else None

    @property
    def active_lessons(self) -> list[Lesson]:
        """Lessons learners see, in order."""
        return [lesson for lesson in self.lessons if lesson.retired_at is None]


class ModuleCase(Base):
    """A module's branching case simulation (`case.yml`), kept whole as its spec's plain form.

    Runs keep their own snapshot of the spec they played, so editing the case never
    rewrites a past run; a case taken out of its module is retired, not deleted.
    """

    __tablename__ = "module_cases"
    __table_args__ = (
        UniqueConstraint("module_id"),
        CheckConstraint(
            "requirement IN ('none', 'ending', 'acceptable_ending')", name="requirement_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200))
    #: What module completion asks of it: nothing, any ending, or an ending rated acceptable+.
    requirement: Mapped[str] = mapped_column(String(20), default="none")
    #: ``CaseSpec.to_dict()`` as published.
    spec: Mapped[dict[str, object]] = mapped_column(JSON)
    retired_at: Mapped[dt.datetime | None]

    module: Mapped[Module] = relationship(back_populates="case")


class Lesson(Base):
    """One page of teaching, written in Markdown."""

    __tablename__ = "lessons"
    __table_args__ = (
        UniqueConstraint("module_id", "slug"),
        CheckConstraint("minutes >= 1", name="minutes_positive"),
        CheckConstraint("min_seconds >= 1", name="min_seconds_positive"),
        CheckConstraint(
            "declared_min_seconds IS NULL OR declared_min_seconds = min_seconds",
            name="declared_min_seconds_applies",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(80))
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    minutes: Mapped[int]
    #: The least seat time before the lesson can be marked complete (never zero): the
    #: file's ``min_seconds``, else the body's reading time (``app.content.seattime``).
    min_seconds: Mapped[int]
    #: ``min_seconds`` as the course file declared it; None when derived from the words.
    declared_min_seconds: Mapped[int | None]
    body: Mapped[str] = mapped_column(Text)
    #: The body rendered and sanitised once, when the content is saved.
    body_html: Mapped[str] = mapped_column(Text)
    #: What the lesson depicts: codes of ``app.content.advisories.ADVISORIES``.
    advisories: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    retired_at: Mapped[dt.datetime | None]

    module: Mapped[Module] = relationship(back_populates="lessons")


class Quiz(Base):
    """A module's quiz, or a course's final post-test (no module)."""

    __tablename__ = "quizzes"
    __table_args__ = (
        UniqueConstraint("module_id"),
        Index(
            "uq_quizzes_final_per_course",
            "course_id",
            unique=True,
            sqlite_where=text("module_id IS NULL"),
            postgresql_where=text("module_id IS NULL"),
        ),
        CheckConstraint(
            "time_limit_minutes IS NULL OR time_limit_minutes BETWEEN 1 AND 240",
            name="time_limit_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[int | None] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    #: What the quiz depicts: codes of ``app.content.advisories.ADVISORIES``.
    advisories: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    #: Minutes from an attempt's start to its deadline (times the learner's extra time).
    time_limit_minutes: Mapped[int | None]

    module: Mapped[Module | None] = relationship(back_populates="quiz")
    questions: Mapped[list[Question]] = relationship(
        back_populates="quiz", order_by="Question.position", cascade="all, delete-orphan"
    )
    if TYPE_CHECKING:
        #: Current questions, counted by the column property defined after Question.
        question_count: Mapped[int]

    @property
    def active_questions(self) -> list[Question]:
        """Questions asked in new attempts, in order."""
        return [q for q in self.questions if q.retired_at is None]


class Question(Base):
    """A quiz question; past attempts keep their own snapshot of it (app.quizzes.snapshot)."""

    __tablename__ = "questions"
    __table_args__ = (
        UniqueConstraint("quiz_id", "slug"),
        # The values of app.catalog.kinds.QuestionKind; a new kind needs a migration.
        CheckConstraint("kind IN ('single', 'multiple', 'true_false')", name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(80))
    position: Mapped[int]
    #: A QuestionKind's value.
    kind: Mapped[str] = mapped_column(String(20))
    prompt: Mapped[str] = mapped_column(Text)
    explanation: Mapped[str] = mapped_column(Text)
    #: The id of the module (or course) objective this question assesses.
    objective: Mapped[str] = mapped_column(String(80))
    retired_at: Mapped[dt.datetime | None]

    quiz: Mapped[Quiz] = relationship(back_populates="questions")
    choices: Mapped[list[Choice]] = relationship(
        back_populates="question", order_by="Choice.position", cascade="all, delete-orphan"
    )


class Choice(Base):
    """One answer option of a question."""

    __tablename__ = "choices"
    __table_args__ = (UniqueConstraint("question_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    is_correct: Mapped[bool]
    feedback: Mapped[str | None] = mapped_column(Text)

    question: Mapped[Question] = relationship(back_populates="choices")


#: Current questions of a quiz, counted in the query that loads the quiz.
Quiz.question_count = column_property(
    select(func.count(Question.id))
    .where(Question.quiz_id == Quiz.id, Question.retired_at.is_(None))
    .correlate_except(Question)
    .scalar_subquery(),
    deferred=True,
)
