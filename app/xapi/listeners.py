"""Statements for the moments other domains announce, queued in their transaction."""

from __future__ import annotations

import logging
from collections.abc import Callable

from app import events
from app.catalog.models import Lesson, Module
from app.db import db
from app.outbound import services as outbound
from app.xapi import services
from app.xapi.statements import Statement

log = logging.getLogger(__name__)


def _queue(build: Callable[[], list[Statement]]) -> None:
    """Queue what ``build`` makes, if an LRS is configured.

    A statement is a report about the moment, not part of it: if building or queueing
    fails, the learner's action still lands (the savepoint undoes only the queueing) and
    the error is logged; ``flask xapi backfill`` can send it later.
    """
    if not services.enabled():
        return
    try:
        with db.session.begin_nested():
            services.queue_all(build())
    except Exception:
        log.exception("Could not queue an xAPI statement; the moment itself is kept")


def on_enrolled(moment: events.Enrolled) -> None:
    """Registered."""
    _queue(lambda: services.for_enrollment(moment.user, moment.course, moment.enrollment))


def on_lesson_completed(moment: events.LessonCompleted) -> None:
    """Lesson completed, at the time its progress records."""

    def build() -> list[Statement]:
        lesson = db.session.get_one(Lesson, moment.lesson_id)
        at = services.lesson_completed_at(moment.user.id, moment.lesson_id)
        if at is None:
            return []
        return services.for_lesson(moment.user, moment.course, moment.enrollment, lesson, at)

    _queue(build)


def on_attempt_graded(moment: events.AttemptGraded) -> None:
    """Quiz attempted, then passed or failed with its score."""

    def build() -> list[Statement]:
        # The grading UPDATE does not touch the loaded attempt: read what it stored.
        db.session.refresh(moment.attempt)
        return services.for_attempt(moment.user, moment.course, moment.enrollment, moment.attempt)

    _queue(build)


def on_case_ended(moment: events.CaseEnded) -> None:
    """Case completed, with the ending's score and rating."""
    _queue(lambda: services.for_case_run(moment.user, moment.course, moment.enrollment, moment.run))


def on_module_completed(moment: events.ModuleCompleted) -> None:
    """Module completed, at the time its completion records."""

    def build() -> list[Statement]:
        module = db.session.get_one(Module, moment.module_id)
        at = services.module_completed_at(moment.user.id, moment.module_id)
        enrollment = services.enrollment_of(moment.user.id, moment.course.id)
        if at is None or enrollment is None:
            return []
        return services.for_module(moment.user, moment.course, enrollment, module, at)

    _queue(build)


def on_course_completed(moment: events.CourseCompleted) -> None:
    """Course completed."""
    _queue(lambda: services.for_course(moment.user, moment.course, moment.enrollment))


def on_certificate_issued(moment: events.CertificateIssued) -> None:
    """Certificate earned."""
    _queue(lambda: services.for_certificate(moment.certificate))


def on_certificate_revoked(moment: events.CertificateRevoked) -> None:
    """Certificate revoked: its earned statement is voided (and sent, if it never was)."""
    _queue(lambda: services.for_certificate(moment.certificate))


def connect() -> None:
    """Subscribe xAPI's listeners and register the outbox's sender for its channel."""
    events.enrolled.connect(on_enrolled)
    events.lesson_completed.connect(on_lesson_completed)
    events.attempt_graded.connect(on_attempt_graded)
    events.case_ended.connect(on_case_ended)
    events.module_completed.connect(on_module_completed)
    events.course_completed.connect(on_course_completed)
    events.certificate_issued.connect(on_certificate_issued)
    events.certificate_revoked.connect(on_certificate_revoked)
    outbound.register_sender(services.CHANNEL, services.send)
