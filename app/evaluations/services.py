"""Filing an evaluation (once per learner and course) and summarising them in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError

from app import events
from app.accounts.models import User
from app.audit.services import record
from app.catalog.models import Course
from app.db import db
from app.evaluations.models import CourseEvaluation, ObjectiveRating
from app.learning.models import Enrollment


class EvaluationError(Exception):
    """A refused evaluation; the message is safe to show."""


@dataclass(frozen=True)
class EvaluationAnswers:
    """What the learner answered."""

    objective_ratings: dict[str, int]
    relevance: int
    teaching_quality: int
    free_of_bias: str
    comments: str


def find_evaluation(user: User, course: Course) -> CourseEvaluation | None:
    """The user's evaluation of the course, if filed."""
    return db.session.scalar(
        select(CourseEvaluation).where(
            CourseEvaluation.user_id == user.id, CourseEvaluation.course_id == course.id
        )
    )


def file_evaluation(
    user: User, course: Course, enrollment: Enrollment, answers: EvaluationAnswers
) -> CourseEvaluation:
    """File the evaluation and commit; a second one is refused and changes nothing.

    The certificate follows in the same transaction if this was its last missing condition
    (certificates.listeners issues it on ``evaluation_filed``).
    """
    if find_evaluation(user, course) is not None:
        raise EvaluationError("You have already filed the evaluation for this course. Thank you.")
    if set(answers.objective_ratings) != {o["id"] for o in course.objectives}:
        raise EvaluationError("Please rate every learning objective.")
    evaluation = CourseEvaluation(
        user_id=user.id,
        course_id=course.id,
        course_version=course.version,
        ratings=[
            ObjectiveRating(objective_id=key, rating=value)
            for key, value in answers.objective_ratings.items()
        ],
        relevance=answers.relevance,
        teaching_quality=answers.teaching_quality,
        free_of_bias=answers.free_of_bias,
        comments=answers.comments,
    )
    db.session.add(evaluation)
    try:
        db.session.flush()
    except IntegrityError:  # filed from another tab at the same moment
        db.session.rollback()
        raise EvaluationError("You have already filed the evaluation for this course.") from None
    record("evaluation.filed", "course", course.id, actor_id=user.id, user=user.id)
    events.evaluation_filed.emit(events.EvaluationFiled(user, course, enrollment, evaluation))
    db.session.commit()
    return evaluation


@dataclass(frozen=True)
class EvaluationSummary:
    """Averages and counts over a course's evaluations."""

    count: int
    relevance: float | None
    teaching_quality: float | None
    bias: dict[str, int]
    objectives: list[tuple[str, float | None]]
    comments: list[str]


def _answered(value: str) -> Any:
    return func.coalesce(func.sum(case((CourseEvaluation.free_of_bias == value, 1), else_=0)), 0)


def summarise(course: Course, comments_limit: int | None = None) -> EvaluationSummary:
    """Aggregate a course's evaluations in SQL: three queries, whatever the number of learners.

    ``comments_limit`` keeps only the newest comments (the CSV export takes them all).
    """
    where = CourseEvaluation.course_id == course.id
    count, relevance, teaching, yes, no, unsure = db.session.execute(
        select(
            func.count(CourseEvaluation.id),
            func.avg(CourseEvaluation.relevance),
            func.avg(CourseEvaluation.teaching_quality),
            _answered("yes"),
            _answered("no"),
            _answered("unsure"),
        ).where(where)
    ).one()
    bias = {"yes": int(yes), "no": int(no), "unsure": int(unsure)}
    # PostgreSQL averages to Decimal, SQLite to float.
    averages: dict[str, Decimal | float] = dict(
        db.session.execute(
            select(ObjectiveRating.objective_id, func.avg(ObjectiveRating.rating))
            .join(CourseEvaluation)
            .where(where)
            .group_by(ObjectiveRating.objective_id)
        ).all()
    )
    objectives = [
        (o["text"], float(averages[o["id"]]) if o["id"] in averages else None)
        for o in course.objectives
    ]
    newest = (
        select(CourseEvaluation.comments)
        .where(where, CourseEvaluation.comments != "")
        .order_by(CourseEvaluation.submitted_at.desc(), CourseEvaluation.id.desc())
    )
    if comments_limit is not None:
        newest = newest.limit(comments_limit)
    comments = list(db.session.scalars(newest))
    return EvaluationSummary(
        count=count,
        relevance=float(relevance) if relevance is not None else None,
        teaching_quality=float(teaching) if teaching is not None else None,
        bias=bias,
        objectives=objectives,
        comments=comments,
    )
