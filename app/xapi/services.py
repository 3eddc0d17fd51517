"""Queue xAPI statements for the site's moments and hand them to the configured LRS.

Statements are queued on the shared outbox (channel ``xapi``) inside the moment's own
transaction, keyed by their statement id, so a moment that rolls back sends nothing and
one that is replayed (or backfilled) is queued once. The outbox's worker POSTs each to
the LRS (``send``); while the LRS is down they wait and are retried with back-off.

Nothing is queued while ``XAPI_LRS_ENDPOINT`` is empty: the integration is off.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, cast

import httpx
from flask import current_app
from sqlalchemy import or_, select

from app.accounts.models import User
from app.cases.models import CaseRun
from app.catalog.models import Course, Lesson, Module, ModuleCase, Quiz
from app.certificates.models import Certificate
from app.db import db, utcnow
from app.learning.models import Enrollment, LessonProgress, ModuleCompletion
from app.outbound import services as outbound
from app.outbound.models import OutboundDelivery
from app.quizzes.models import QuizAttempt
from app.xapi import statements as xs
from app.xapi.statements import Statement

log = logging.getLogger(__name__)

CHANNEL = "xapi"
#: Seconds to wait for the LRS: connecting, then the whole answer.
CONNECT_TIMEOUT = 5.0
ANSWER_TIMEOUT = 15.0


def enabled() -> bool:
    """Whether an LRS is configured: without one, no statement is queued."""
    return bool(current_app.config.get("XAPI_LRS_ENDPOINT"))


def site() -> xs.Site:
    """The site as statements name it, from the configuration."""
    config = current_app.config
    secret = str(config.get("XAPI_ID_SECRET") or "")
    if secret:
        key = secret.encode()
    else:  # development: derived from SECRET_KEY (production refuses this: app/config.py)
        key = hmac.new(str(config["SECRET_KEY"]).encode(), b"xapi-ids", hashlib.sha256).digest()
    mode: xs.ActorMode = "mbox_sha1sum" if config.get("XAPI_ACTOR") == "mbox_sha1sum" else "account"
    return xs.Site(url=str(config["SITE_URL"]), secret=key, actor_mode=mode)


def statements_url(endpoint: str) -> str:
    """The LRS's Statements resource under its endpoint (``/xAPI/`` -> ``/xAPI/statements``)."""
    return endpoint.rstrip("/") + "/statements"


def queue(statement: Statement) -> bool:
    """Queue one statement in the caller's transaction; False when its id was queued before."""
    endpoint = str(current_app.config.get("XAPI_LRS_ENDPOINT") or "")
    return outbound.enqueue(
        CHANNEL, statement, destination=statements_url(endpoint), dedupe_key=statement["id"]
    )


def send(delivery: OutboundDelivery) -> None:
    """POST a queued statement to the LRS (the outbox's sender for the ``xapi`` channel).

    2xx is delivered. 409 Conflict means the LRS already holds a statement with this id,
    that is, this moment (sent before with, say, an older course title): delivered too,
    logged. Other 4xx (but 408 and 429) cannot succeed by retrying; 5xx, timeouts and
    refused connections are retried with the outbox's back-off.
    """
    config = current_app.config
    endpoint = str(config.get("XAPI_LRS_ENDPOINT") or "")
    if not endpoint:
        raise outbound.SendFailed("XAPI_LRS_ENDPOINT is not set; the statement waits for it")
    username = str(config.get("XAPI_LRS_USERNAME") or "")
    auth = (username, str(config.get("XAPI_LRS_PASSWORD") or "")) if username else None
    try:
        response = httpx.post(
            statements_url(endpoint),
            json=delivery.payload,
            auth=auth,
            headers={"X-Experience-API-Version": xs.XAPI_VERSION},
            timeout=httpx.Timeout(ANSWER_TIMEOUT, connect=CONNECT_TIMEOUT),
            follow_redirects=False,
        )
    except httpx.HTTPError as error:
        raise outbound.SendFailed(f"LRS unreachable: {type(error).__name__}: {error}") from error
    code = response.status_code
    if 200 <= code < 300:
        return
    if code == 409:
        log.warning("LRS already holds a different statement %s", delivery.payload.get("id"))
        return
    permanent = 400 <= code < 500 and code not in (408, 429)
    raise outbound.SendFailed(f"LRS answered HTTP {code}: {response.text[:200]}", permanent)


# -- From the site's records to statements (the listeners and the backfill share these) --


def _moment(user: User, course: Course, enrollment_id: int, version: int) -> xs.Moment:
    return xs.Moment(
        site=site(),
        learner=xs.Learner(user_id=user.id, email=user.email),
        course=xs.CourseRef(slug=course.slug, title=course.title, version=version),
        enrollment_id=enrollment_id,
    )


def _part(module: Module) -> xs.PartRef:
    return xs.PartRef(slug=module.slug, title=module.title)


def for_enrollment(user: User, course: Course, enrollment: Enrollment) -> list[Statement]:
    """The learner registered for the course."""
    return [
        xs.registered(_moment(user, course, enrollment.id, course.version), enrollment.enrolled_at)
    ]


def for_lesson(
    user: User, course: Course, enrollment: Enrollment, lesson: Lesson, at: dt.datetime
) -> list[Statement]:
    """The learner completed ``lesson`` at ``at``."""
    moment = _moment(user, course, enrollment.id, course.version)
    part = xs.PartRef(slug=lesson.slug, title=lesson.title)
    return [xs.lesson_completed(moment, _part(lesson.module), part, lesson.id, at)]


def for_attempt(
    user: User, course: Course, enrollment: Enrollment, attempt: QuizAttempt
) -> list[Statement]:
    """An attempt was graded: attempted (when it began) and passed or failed (when submitted)."""
    quiz = db.session.get_one(Quiz, attempt.quiz_id)
    total = len(attempt.snapshot)
    score = attempt.score or 0
    outcome = xs.QuizOutcome(
        attempt_pk=attempt.id,
        number=attempt.number,
        title=quiz.title,
        # The stored percent, back to points: exact, as it was rounded to 0.01 of 100.
        points=round(score * total / 100),
        total=total,
        passed=bool(attempt.passed),
        started_at=attempt.started_at,
        submitted_at=attempt.submitted_at or utcnow(),
    )
    moment = _moment(user, course, enrollment.id, course.version)
    module = _part(quiz.module) if quiz.module is not None else None
    return [xs.quiz_attempted(moment, module, outcome), xs.quiz_graded(moment, module, outcome)]


def for_case_run(
    user: User, course: Course, enrollment: Enrollment, run: CaseRun
) -> list[Statement]:
    """A run of a module's case reached an ending (nothing for a run still open)."""
    if run.ended_at is None or run.ending_rating is None:
        return []
    case = db.session.get_one(ModuleCase, run.case_id)
    outcome = xs.CaseOutcome(
        run_pk=run.id,
        number=run.number,
        title=str(run.snapshot.get("title") or case.title),
        rating=run.ending_rating,
        score=run.score or 0,
        ended_at=run.ended_at,
    )
    moment = _moment(user, course, enrollment.id, run.course_version)
    return [xs.case_completed(moment, _part(case.module), outcome)]


def for_module(
    user: User, course: Course, enrollment: Enrollment, module: Module, at: dt.datetime
) -> list[Statement]:
    """The learner completed ``module`` at ``at``."""
    moment = _moment(user, course, enrollment.id, course.version)
    return [xs.module_completed(moment, _part(module), module.id, at)]


def for_course(user: User, course: Course, enrollment: Enrollment) -> list[Statement]:
    """The learner completed the course (the version they completed)."""
    if enrollment.completed_at is None:
        return []
    version = enrollment.completed_version or course.version
    return [
        xs.course_completed(_moment(user, course, enrollment.id, version), enrollment.completed_at)
    ]


def for_certificate(certificate: Certificate) -> list[Statement]:
    """A certificate was earned; a revoked one is voided as well."""
    user = db.session.get_one(User, certificate.user_id)
    course = db.session.get_one(Course, certificate.course_id)
    moment = _moment(user, course, certificate.enrollment_id, certificate.course_version)
    found = [xs.certificate_earned(moment, certificate.issued_at)]
    if certificate.revoked_at is not None:
        found.append(
            xs.certificate_voided(moment.site, certificate.enrollment_id, certificate.revoked_at)
        )
    return found


def queue_all(found: Iterable[Statement]) -> int:
    """Queue statements when an LRS is configured; how many were new."""
    if not enabled():
        return 0
    return sum(1 for statement in found if queue(statement))


def lesson_completed_at(user_id: int, lesson_id: int) -> dt.datetime | None:
    """When the learner completed the lesson (the moment's own time)."""
    return db.session.scalar(
        select(LessonProgress.completed_at).where(
            LessonProgress.user_id == user_id, LessonProgress.lesson_id == lesson_id
        )
    )


def module_completed_at(user_id: int, module_id: int) -> dt.datetime | None:
    """When the learner completed the module."""
    return db.session.scalar(
        select(ModuleCompletion.completed_at).where(
            ModuleCompletion.user_id == user_id, ModuleCompletion.module_id == module_id
        )
    )


# -- The backfill --


@dataclass
class Backfill:
    """What a backfill found and queued, by kind of moment."""

    found: dict[str, int] = field(default_factory=dict)
    queued: int = 0

    def add(self, kind: str, statements: list[Statement]) -> None:
        """Count ``statements`` under ``kind`` and queue them."""
        self.found[kind] = self.found.get(kind, 0) + len(statements)
        self.queued += sum(1 for statement in statements if queue(statement))


def _enrollments() -> Iterable[tuple[Enrollment, User, Course]]:
    rows = db.session.execute(
        select(Enrollment, User, Course)
        .join(User, User.id == Enrollment.user_id)
        .join(Course, Course.id == Enrollment.course_id)
        .order_by(Enrollment.id)
    )
    return cast("Iterable[tuple[Enrollment, User, Course]]", rows)


def backfill(since: dt.datetime) -> Backfill:
    """Queue statements for every moment since ``since``: enrollments, completions,
    graded attempts and certificates. Idempotent: each statement's id is its moment's, so
    what is still in the outbox is not queued again and the LRS keeps one of each.
    """
    report = Backfill()
    if not enabled():
        return report
    enrollment_of: dict[tuple[int, int], Enrollment] = {}
    for enrollment, user, course in _enrollments():
        enrollment_of[(user.id, course.id)] = enrollment
        if _aware(enrollment.enrolled_at) >= since:
            report.add("registered", for_enrollment(user, course, enrollment))
        if enrollment.completed_at and _aware(enrollment.completed_at) >= since:
            report.add("course completed", for_course(user, course, enrollment))
    _backfill_lessons(since, enrollment_of, report)
    _backfill_modules(since, enrollment_of, report)
    _backfill_attempts(since, enrollment_of, report)
    _backfill_cases(since, enrollment_of, report)
    # Oldest first: a corrected re-issue names the same "earned" statement as the original.
    for certificate in db.session.scalars(
        select(Certificate)
        .where(or_(Certificate.issued_at >= since, Certificate.revoked_at >= since))
        .order_by(Certificate.id)
    ):
        report.add("certificate", for_certificate(certificate))
    db.session.commit()
    return report


def _aware(at: dt.datetime) -> dt.datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)


def _each(
    rows: Iterable[Any],
    enrollment_of: dict[tuple[int, int], Enrollment],
    build: Callable[..., list[Statement]],
) -> Iterable[list[Statement]]:
    for user, course, *rest in rows:
        enrollment = enrollment_of.get((user.id, course.id))
        if enrollment is not None:
            yield build(user, course, enrollment, *rest)


def _backfill_lessons(
    since: dt.datetime, enrollment_of: dict[tuple[int, int], Enrollment], report: Backfill
) -> None:
    rows = db.session.execute(
        select(User, Course, Lesson, LessonProgress.completed_at)
        .select_from(LessonProgress)
        .join(User, User.id == LessonProgress.user_id)
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .join(Module, Module.id == Lesson.module_id)
        .join(Course, Course.id == Module.course_id)
        .where(LessonProgress.completed_at >= since)
        .order_by(LessonProgress.id)
    )
    for found in _each(rows, enrollment_of, for_lesson):
        report.add("lesson completed", found)


def _backfill_modules(
    since: dt.datetime, enrollment_of: dict[tuple[int, int], Enrollment], report: Backfill
) -> None:
    rows = db.session.execute(
        select(User, Course, Module, ModuleCompletion.completed_at)
        .select_from(ModuleCompletion)
        .join(User, User.id == ModuleCompletion.user_id)
        .join(Module, Module.id == ModuleCompletion.module_id)
        .join(Course, Course.id == Module.course_id)
        .where(ModuleCompletion.completed_at >= since)
        .order_by(ModuleCompletion.id)
    )
    for found in _each(rows, enrollment_of, for_module):
        report.add("module completed", found)


def _backfill_attempts(
    since: dt.datetime, enrollment_of: dict[tuple[int, int], Enrollment], report: Backfill
) -> None:
    rows = db.session.execute(
        select(User, Course, QuizAttempt)
        .select_from(QuizAttempt)
        .join(User, User.id == QuizAttempt.user_id)
        .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
        .join(Course, Course.id == Quiz.course_id)
        .where(QuizAttempt.submitted_at >= since)
        .order_by(QuizAttempt.id)
    )
    for found in _each(rows, enrollment_of, for_attempt):
        report.add("quiz graded", found)


def _backfill_cases(
    since: dt.datetime, enrollment_of: dict[tuple[int, int], Enrollment], report: Backfill
) -> None:
    rows = db.session.execute(
        select(User, Course, CaseRun)
        .select_from(CaseRun)
        .join(User, User.id == CaseRun.user_id)
        .join(ModuleCase, ModuleCase.id == CaseRun.case_id)
        .join(Module, Module.id == ModuleCase.module_id)
        .join(Course, Course.id == Module.course_id)
        .where(CaseRun.ended_at >= since)
        .order_by(CaseRun.id)
    )
    for found in _each(rows, enrollment_of, for_case_run):
        report.add("case ended", found)


def enrollment_of(user_id: int, course_id: int) -> Enrollment | None:
    """The learner's enrollment in the course."""
    return db.session.scalar(
        select(Enrollment).where(Enrollment.user_id == user_id, Enrollment.course_id == course_id)
    )
