"""The insight page's SQL: three grouped statements whose cost does not grow with the course.

Each statement returns a handful of rows per lesson or per choice, however many learners
there are; no statement runs per lesson, question or learner. The few expressions that
differ between SQLite and PostgreSQL (durations, unpacking a JSON array) are written
once per dialect here.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Float, Integer, Text, and_, case, cast, func, or_, select, true
from sqlalchemy.exc import CompileError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from app.catalog.models import Choice, Course, Lesson, Module, Question, Quiz
from app.db import db
from app.learning.models import Enrollment, LessonProgress
from app.quizzes.models import AttemptAnswer, AttemptState, QuizAttempt


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


def json_elements(array_text: Any) -> Any:
    """The elements of a JSON array held as text, as rows with a ``value`` column (lateral)."""
    if db.engine.dialect.name == "postgresql":
        return func.json_array_elements_text(cast(array_text, JSON)).table_valued("value")
    return func.json_each(array_text).table_valued("value")


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


def lesson_funnel(course: Course) -> list[tuple[str, str, int, int]]:
    """Per current lesson, in order: title, module, learners who completed it, who stop after it."""
    ordered = (
        select(
            Lesson.id.label("lesson_id"),
            Lesson.title,
            Module.title.label("module_title"),
            func.row_number()
            .over(order_by=(Module.position, Lesson.position, Lesson.id))
            .label("ordinal"),
        )
        .join(Module, Module.id == Lesson.module_id)
        .where(
            Module.course_id == course.id, Module.retired_at.is_(None), Lesson.retired_at.is_(None)
        )
        .cte("ordered")
    )
    done = (
        select(
            LessonProgress.user_id,
            ordered.c.lesson_id,
            ordered.c.ordinal,
            Enrollment.completed_at.label("course_completed_at"),
        )
        .join(ordered, ordered.c.lesson_id == LessonProgress.lesson_id)
        .join(
            Enrollment,
            and_(Enrollment.user_id == LessonProgress.user_id, Enrollment.course_id == course.id),
        )
        .where(LessonProgress.completed_at.is_not(None))
        .cte("done")
    )
    completed = (
        select(done.c.lesson_id, func.count().label("learners"))
        .group_by(done.c.lesson_id)
        .subquery("completed")
    )
    furthest = (
        select(done.c.user_id, func.max(done.c.ordinal).label("ordinal"))
        .where(done.c.course_completed_at.is_(None))
        .group_by(done.c.user_id)
        .subquery("furthest")
    )
    stopped = (
        select(furthest.c.ordinal, func.count().label("learners"))
        .group_by(furthest.c.ordinal)
        .subquery("stopped")
    )
    statement = (
        select(
            ordered.c.title,
            ordered.c.module_title,
            func.coalesce(completed.c.learners, 0),
            func.coalesce(stopped.c.learners, 0),
        )
        .select_from(ordered)
        .outerjoin(completed, completed.c.lesson_id == ordered.c.lesson_id)
        .outerjoin(stopped, stopped.c.ordinal == ordered.c.ordinal)
        .order_by(ordered.c.ordinal)
    )
    return [(t, m, int(c), int(s)) for t, m, c, s in db.session.execute(statement)]


def question_rows(course: Course) -> list[Any]:
    """One row per choice of each current question, with its question's answer sums.

    Answers are grouped once by (question, right or wrong, selection); every figure is
    then a sum over those few groups, and only they are unpacked from JSON.
    """
    right = case((AttemptAnswer.is_correct.is_(True), 1), else_=0)
    scored = (
        select(
            AttemptAnswer.question_id,
            cast(AttemptAnswer.selected, Text).label("selection"),
            right.label("x"),
            (func.sum(right).over(partition_by=AttemptAnswer.attempt_id) - right).label("y"),
        )
        .join(QuizAttempt, QuizAttempt.id == AttemptAnswer.attempt_id)
        .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
        # Attempt n+1 can only start once attempt n is submitted, so number 1 is the first.
        .where(
            Quiz.course_id == course.id,
            QuizAttempt.number == 1,
            QuizAttempt.state == AttemptState.SUBMITTED.value,
        )
        .subquery("scored")
    )
    groups = (
        select(
            scored.c.question_id,
            scored.c.x,
            scored.c.selection,
            func.count().label("n"),
            func.sum(scored.c.y).label("sum_y"),
            func.sum(scored.c.y * scored.c.y).label("sum_yy"),
        )
        .group_by(scored.c.question_id, scored.c.x, scored.c.selection)
        .cte("groups")
    )
    items = (
        select(
            groups.c.question_id,
            func.sum(groups.c.n).label("n"),
            func.sum(groups.c.x * groups.c.n).label("sum_x"),
            func.sum(groups.c.sum_y).label("sum_y"),
            func.sum(groups.c.x * groups.c.sum_y).label("sum_xy"),
            func.sum(groups.c.sum_yy).label("sum_yy"),
        )
        .group_by(groups.c.question_id)
        .subquery("items")
    )
    elements = json_elements(groups.c.selection)
    key = cast(elements.c.value, Integer)
    picks = (
        select(groups.c.question_id, key.label("key"), func.sum(groups.c.n).label("picked"))
        .select_from(groups)
        .join(elements, true())
        .group_by(groups.c.question_id, key)
        .subquery("picks")
    )
    statement = (
        select(
            Question.id,
            Question.prompt,
            Quiz.title.label("quiz_title"),
            Choice.text,
            Choice.is_correct,
            items.c.n,
            items.c.sum_x,
            items.c.sum_y,
            items.c.sum_xy,
            items.c.sum_yy,
            picks.c.picked,
        )
        .select_from(Question)
        .join(Quiz, Quiz.id == Question.quiz_id)
        .outerjoin(Module, Module.id == Quiz.module_id)
        .join(Choice, Choice.question_id == Question.id)
        .outerjoin(items, items.c.question_id == Question.id)
        .outerjoin(picks, and_(picks.c.question_id == Question.id, picks.c.key == Choice.position))
        .where(
            Quiz.course_id == course.id,
            Question.retired_at.is_(None),
            or_(Quiz.module_id.is_(None), Module.retired_at.is_(None)),
        )
        .order_by(Quiz.module_id.is_(None), Module.position, Question.position, Choice.position)
    )
    return list(db.session.execute(statement))
