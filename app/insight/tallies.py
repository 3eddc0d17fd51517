"""Keeping the insight page's running totals: added to as learners work, rebuilt on demand.

The first three run as listeners (insight/listeners.py) of the events that emit them:

- ``count_first_attempt`` runs inside the grading transaction: only each learner's first
  attempt at a quiz counts (see ``app.insight.services``).
- ``count_lesson_completed`` runs inside the lesson-completion transaction: one more
  learner completed the lesson, and it may be the enrollment's new furthest lesson.
- ``recount_furthest`` redoes a course's furthest lessons when its order or its current
  lessons change (on every new version the importer publishes).
- ``recount`` recomputes everything from the records (after a bulk load, or to check).

Concurrent gradings of the same quiz add to the same rows: each statement is one
``INSERT ... ON CONFLICT DO UPDATE SET n = n + excluded.n`` whose rows are in key order,
so two transactions lock the rows in the same order and never deadlock, and neither
loses the other's increment.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Text,
    and_,
    case,
    cast,
    delete,
    func,
    insert,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.dialects import postgresql

from app.catalog.models import Course, Lesson, Module
from app.db import Base, db, rows_matched, upsert_insert
from app.insight.models import ChoiceTally, LessonTally, QuestionTally
from app.learning.models import Enrollment, LessonProgress
from app.learning.progress import CourseOutline
from app.quizzes.grading import Grade
from app.quizzes.models import AttemptAnswer, AttemptState, QuizAttempt

ITEM_SUMS = ("n", "sum_x", "sum_y", "sum_xy", "sum_yy")


def item_rows(result: Grade) -> list[dict[str, int]]:
    """One row of increments per question of a graded attempt, in question order."""
    rows = []
    for question in sorted(result.questions, key=lambda q: q.question_id):
        x = question.points
        y = result.points - x
        rows.append(
            {"question_id": question.question_id, "n": 1, "sum_x": x, "sum_y": y}
            | {"sum_xy": x * y, "sum_yy": y * y}
        )
    return rows


def choice_rows(result: Grade) -> list[dict[str, int]]:
    """One row per choice ticked in a graded attempt, in key order."""
    return [
        {"question_id": question.question_id, "choice_key": key, "picked": 1}
        for question in sorted(result.questions, key=lambda q: q.question_id)
        for key in sorted(question.selected)
    ]


def _add(model: type[Base], keys: Sequence[str], counts: Sequence[str], rows: list[Any]) -> None:
    """Insert ``rows``, or add their counts to the rows already there."""
    if not rows:
        return
    statement = upsert_insert(model).values(rows)
    table = statement.table
    statement = statement.on_conflict_do_update(
        index_elements=list(keys),
        set_={name: table.c[name] + statement.excluded[name] for name in counts},
    )
    db.session.execute(statement)


def count_first_attempt(attempt: QuizAttempt, result: Grade) -> None:
    """Add a just-graded attempt to the tallies, if it is the learner's first at the quiz.

    Attempt n+1 can only start once attempt n is submitted, so number 1 is the first.
    The caller commits (with the grade).
    """
    if attempt.number != 1:
        return
    _add(QuestionTally, ["question_id"], ITEM_SUMS, item_rows(result))
    _add(ChoiceTally, ["question_id", "choice_key"], ["picked"], choice_rows(result))


def count_lesson_completed(enrollment: Enrollment, lesson_id: int, outline: CourseOutline) -> None:
    """Count a lesson just completed, and move the enrollment's furthest lesson up to it.

    ``outline`` is the course's current modules and lessons. The furthest lesson only moves
    forward: the update is conditional, so two tabs completing lessons at once keep the
    further one. The caller commits (with the completion).
    """
    _add(LessonTally, ["lesson_id"], ["completed"], [{"lesson_id": lesson_id, "completed": 1}])
    order = [lesson.id for module in outline.modules for lesson in module.lessons]
    if lesson_id not in order:
        return
    earlier = order[: order.index(lesson_id)]
    behind: ColumnElement[bool] = Enrollment.furthest_lesson_id.is_(None)
    if earlier:
        behind = or_(behind, Enrollment.furthest_lesson_id.in_(earlier))
    db.session.execute(
        update(Enrollment)
        .where(Enrollment.id == enrollment.id, behind)
        .values(furthest_lesson_id=lesson_id)
        .execution_options(synchronize_session=False)
    )


def recount_furthest(course_id: int) -> None:
    """Set every enrollment's furthest lesson in the course from its lesson records.

    Run after the course's lessons are reordered, added or retired: one set-based
    statement that rewrites only the enrollments whose furthest lesson changed (none,
    when an edit kept the order), so a content edit costs one read of the course's
    lesson records.
    """
    ranked = (
        select(
            LessonProgress.user_id,
            Lesson.id.label("lesson_id"),
            func.row_number()
            .over(
                partition_by=LessonProgress.user_id,
                order_by=(Module.position.desc(), Lesson.position.desc(), Lesson.id.desc()),
            )
            .label("rank"),
        )
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .join(Module, Module.id == Lesson.module_id)
        .where(
            Module.course_id == course_id,
            Module.retired_at.is_(None),
            Lesson.retired_at.is_(None),
            LessonProgress.completed_at.is_not(None),
        )
        .cte("ranked")
    )
    fresh = (
        select(Enrollment.id, ranked.c.lesson_id)
        .outerjoin(ranked, and_(ranked.c.user_id == Enrollment.user_id, ranked.c.rank == 1))
        .where(Enrollment.course_id == course_id)
        .subquery("fresh")
    )
    db.session.execute(
        update(Enrollment)
        .where(
            Enrollment.id == fresh.c.id,
            Enrollment.furthest_lesson_id.is_distinct_from(fresh.c.lesson_id),
        )
        .values(furthest_lesson_id=fresh.c.lesson_id)
        .execution_options(synchronize_session=False)
    )


def _json_elements(array_text: Any) -> Any:
    """The elements of a JSON array held as text, as rows with a ``value`` column (lateral)."""
    if db.engine.dialect.name == "postgresql":
        return func.json_array_elements_text(cast(array_text, postgresql.JSON)).table_valued(
            "value"
        )
    return func.json_each(array_text).table_valued("value")


def recount() -> None:
    """Rebuild every running total from the records; the caller commits."""
    recount_answers()
    db.session.execute(delete(LessonTally))
    completions = (
        select(LessonProgress.lesson_id, func.count())
        .where(LessonProgress.completed_at.is_not(None))
        .group_by(LessonProgress.lesson_id)
    )
    db.session.execute(insert(LessonTally).from_select(["lesson_id", "completed"], completions))
    for course_id in db.session.scalars(select(Course.id)):
        recount_furthest(course_id)


def recount_answers() -> tuple[int, int]:
    """Rebuild the question and choice tallies from the submitted first attempts' answers.

    Returns the number of question and choice rows written.
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
        .where(QuizAttempt.number == 1, QuizAttempt.state == AttemptState.SUBMITTED.value)
        .cte("scored")
    )
    items = select(
        scored.c.question_id,
        func.count(),
        func.sum(scored.c.x),
        func.sum(scored.c.y),
        func.sum(scored.c.x * scored.c.y),
        func.sum(scored.c.y * scored.c.y),
    ).group_by(scored.c.question_id)
    # Few distinct selections per question: unpack each once, not every answer's.
    selections = (
        select(scored.c.question_id, scored.c.selection, func.count().label("n"))
        .group_by(scored.c.question_id, scored.c.selection)
        .subquery("selections")
    )
    elements = _json_elements(selections.c.selection)
    key = cast(elements.c.value, Integer)
    picks = (
        select(selections.c.question_id, key, func.sum(selections.c.n))
        .select_from(selections)
        .join(elements, true())
        .group_by(selections.c.question_id, key)
    )
    db.session.execute(delete(ChoiceTally))
    db.session.execute(delete(QuestionTally))
    questions = rows_matched(
        db.session.execute(insert(QuestionTally).from_select(["question_id", *ITEM_SUMS], items))
    )
    choices = rows_matched(
        db.session.execute(
            insert(ChoiceTally).from_select(["question_id", "choice_key", "picked"], picks)
        )
    )
    return questions, choices


def snapshot() -> dict[str, dict[Any, Any]]:
    """Every running total as plain data, to compare kept totals with a recount."""
    return {
        "questions": {
            t.question_id: (t.n, t.sum_x, t.sum_y, t.sum_xy, t.sum_yy)
            for t in db.session.scalars(select(QuestionTally))
        },
        "choices": {
            (t.question_id, t.choice_key): t.picked for t in db.session.scalars(select(ChoiceTally))
        },
        "lessons": {t.lesson_id: t.completed for t in db.session.scalars(select(LessonTally))},
        "furthest": {
            enrollment: lesson
            for enrollment, lesson in db.session.execute(
                select(Enrollment.id, Enrollment.furthest_lesson_id)
            )
        },
    }
