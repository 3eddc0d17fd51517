"""Grades back to the platform: a graded linked quiz, an ended case run or a completed course
queues an AGS score."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from app import events
from app.catalog.models import Module, ModuleCase, Quiz
from app.db import db, utcnow
from app.lti import services
from app.outbound.services import register_sender


def score_graded_attempt(payload: events.AttemptGraded) -> None:
    """Queue the attempt's percentage for links to its quiz (when it beats the best sent)."""
    attempt = payload.attempt  # graded by an UPDATE: read the score from the grade itself
    quiz = db.session.get(Quiz, attempt.quiz_id)
    if quiz is None:
        return
    target = services.quiz_target(quiz, payload.course)
    services.queue_score(
        payload.user.id, target, payload.grade.score, utcnow(), f"attempt-{attempt.id}"
    )


def score_ended_case(payload: events.CaseEnded) -> None:
    """A case run that reached an ending scores the ending's score on links to that case."""
    run = payload.run
    module_slug = db.session.scalar(
        select(Module.slug)
        .join(ModuleCase, ModuleCase.module_id == Module.id)
        .where(ModuleCase.id == run.case_id)
    )
    if module_slug is None or run.score is None:
        return
    services.queue_score(
        payload.user.id,
        f"case:{payload.course.slug}/{module_slug}",
        Decimal(run.score),
        utcnow(),
        f"case-run-{run.id}",
    )


def score_completed_course(payload: events.CourseCompleted) -> None:
    """A completed course scores full marks on links to the whole course."""
    services.queue_score(
        payload.user.id,
        f"course:{payload.course.slug}",
        Decimal(100),
        utcnow(),
        f"course-{payload.enrollment.id}",
    )


def connect() -> None:
    """Subscribe to the grading moments and name the outbox channel's sender."""
    events.attempt_graded.connect(score_graded_attempt)
    events.case_ended.connect(score_ended_case)
    events.course_completed.connect(score_completed_course)
    register_sender(services.CHANNEL, services.send_score)
