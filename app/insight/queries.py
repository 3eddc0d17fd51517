"""The insight page's SQL: three statements, none run per lesson, question or learner.

The drop-off chart and the item statistics read running totals kept as learners work
(``app.insight.tallies``), a few rows per lesson or choice however many learners there
are. Completion figures group the course's enrollments. The one expression that differs
between SQLite and PostgreSQL (durations) is written once per dialect here.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Float, and_, case, func, or_, select
from sqlalchemy.exc import CompileError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.expression import FunctionElement

from app.catalog.models import Choice, Course, Lesson, Module, Question, Quiz
from app.db import db
from app.insight.models import ChoiceTally, LessonTally, QuestionTally
from app.learning.models import Enrollment
from app.quizzes.models import QuizAttempt


class seconds_between(FunctionElement[float]):
    """Seconds from one timestamp column to another, in the database's own dialect."""

    type = Float()
    name = "seconds_between"
    inherit_cache = True


@compiles(seconds_between)
def _seconds_unknown(element: Any, compiler: Any, **kw: Any) -> str:
    raise CompileError(f"seconds_between is not written for {compiler.dialect.name}")


@compiles(seconds_between, "sqlite")
def _seconds_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"((julianday({end}) - julianday({start})) * 86400.0)"


@compiles(seconds_between, "postgresql")
def _seconds_postgresql(element: Any, compiler: Any, **kw: Any) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"EXTRACT(EPOCH FROM ({end} - {start}))"


def completion_figures(course: Course) -> tuple[int, int, float | None]:
    """Enrollments, completions and the median seconds to complete, in one statement."""
    durations = (
        select(seconds_between(Enrollment.enrolled_at, Enrollment.completed_at).label("seconds"))
        .where(Enrollment.course_id == course.id, Enrollment.completed_at.is_not(None))
        .subquery("durations")
    )
    ranked = select(
        durations.c.seconds,
        func.row_number().over(order_by=durations.c.seconds).label("rank"),
        func.count().over().label("total"),
    ).subquery("ranked")
    # The middle row (odd count) or the two middle rows (even count): 2*rank in [n, n+2].
    median = (
        select(func.avg(ranked.c.seconds))
        .where((ranked.c.rank * 2).between(ranked.c.total, ranked.c.total + 2))
        .scalar_subquery()
    )
    enrollments, completions, middle = db.session.execute(
        select(func.count(Enrollment.id), func.count(Enrollment.completed_at), median).where(
            Enrollment.course_id == course.id
        )
    ).one()
    return enrollments, completions, float(middle) if middle is not None else None


def lesson_funnel(course: Course) -> list[tuple[str, str, int, bool, int, int, int]]:
    """Per current lesson, in order: title, module title and id, whether the module has a quiz
    with current questions, learners who completed the lesson, who stop after it, and how
    many of those have not passed their module's quiz.

    The first two counts are running totals: each lesson's completions (``LessonTally``)
    and the unfinished enrollments whose furthest lesson it is (``Enrollment.furthest_lesson_id``,
    read through a partial index). The last is one index probe per such enrollment into its
    learner's attempts, so the cost follows the course's size and its unfinished learners.
    """
    has_quiz = (
        select(Question.id)
        .join(Quiz, Quiz.id == Question.quiz_id)
        .where(Quiz.module_id == Module.id, Question.retired_at.is_(None))
        .exists()
    )
    ordered = (
        select(
            Lesson.id.label("lesson_id"),
            Lesson.title,
            Module.id.label("module_id"),
            Module.title.label("module_title"),
            Module.position.label("module_position"),
            Lesson.position,
            has_quiz.label("has_quiz"),
        )
        .join(Module, Module.id == Lesson.module_id)
        .where(
            Module.course_id == course.id, Module.retired_at.is_(None), Lesson.retired_at.is_(None)
        )
        .subquery("ordered")
    )
    furthest = aliased(Lesson)
    passed = (
        select(QuizAttempt.id)
        .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
        .where(
            Quiz.module_id == furthest.module_id,
            QuizAttempt.user_id == Enrollment.user_id,
            QuizAttempt.passed.is_(True),
        )
        .exists()
    )
    stopped = (
        select(
            Enrollment.furthest_lesson_id.label("lesson_id"),
            func.count().label("learners"),
            func.sum(case((passed, 0), else_=1)).label("before_quiz"),
        )
        .join(furthest, furthest.id == Enrollment.furthest_lesson_id)
        .where(
            Enrollment.course_id == course.id,
            Enrollment.completed_at.is_(None),
            Enrollment.furthest_lesson_id.is_not(None),
        )
        .group_by(Enrollment.furthest_lesson_id)
        .subquery("stopped")
    )
    statement = (
        select(
            ordered.c.title,
            ordered.c.module_title,
            ordered.c.module_id,
            ordered.c.has_quiz,
            func.coalesce(LessonTally.completed, 0),
            func.coalesce(stopped.c.learners, 0),
            func.coalesce(stopped.c.before_quiz, 0),
        )
        .select_from(ordered)
        .outerjoin(LessonTally, LessonTally.lesson_id == ordered.c.lesson_id)
        .outerjoin(stopped, stopped.c.lesson_id == ordered.c.lesson_id)
        .order_by(ordered.c.module_position, ordered.c.position, ordered.c.lesson_id)
    )
    return [
        (t, m, int(mid), bool(q), int(c), int(s), int(b))
        for t, m, mid, q, c, s, b in db.session.execute(statement)
    ]


def question_rows(course: Course) -> list[Any]:
    """One row per choice of each current question, with its question's running sums.

    The sums and pick counts are the tallies kept at grading (``app.insight.tallies``),
    so this reads a few rows per question, however many answers there are.
    """
    statement = (
        select(
            Question.id,
            Question.prompt,
            Quiz.id.label("quiz_id"),
            Quiz.module_id.label("module_id"),
            Quiz.title.label("quiz_title"),
            Choice.text,
            Choice.is_correct,
            QuestionTally.n,
            QuestionTally.sum_x,
            QuestionTally.sum_y,
            QuestionTally.sum_xy,
            QuestionTally.sum_yy,
            ChoiceTally.picked,
        )
        .select_from(Question)
        .join(Quiz, Quiz.id == Question.quiz_id)
        .outerjoin(Module, Module.id == Quiz.module_id)
        .join(Choice, Choice.question_id == Question.id)
        .outerjoin(QuestionTally, QuestionTally.question_id == Question.id)
        .outerjoin(
            ChoiceTally,
            and_(ChoiceTally.question_id == Question.id, ChoiceTally.choice_key == Choice.position),
        )
        .where(
            Quiz.course_id == course.id,
            Question.retired_at.is_(None),
            or_(Quiz.module_id.is_(None), Module.retired_at.is_(None)),
        )
        .order_by(Quiz.module_id.is_(None), Module.position, Question.position, Choice.position)
    )
    return list(db.session.execute(statement))
