"""xAPI 1.0.3 statements for Groundwork's moments, built from plain values (no app needed).

Every statement is a plain ``dict`` ready to be sent as JSON. What makes them useful to a
Learning Record Store (LRS) and safe to replay:

- **Activity ids** are IRIs under ``{SITE_URL}/xapi/activities/`` built from slugs, which
  stay the same across course versions (a new version keeps its modules' and lessons'
  slugs), so a report in the LRS follows a lesson through every edit.
- **Statement ids** are UUIDv5 of the moment ("lesson 12 completed by learner 7"), so a
  replay, a second worker or the backfill produce the same id and the LRS keeps one.
- **Registration** is one UUID per enrollment, derived (UUIDv5) from a per-site secret,
  so it is stable without a column and reveals nothing about the enrollment's number.
- **Actor** is an ``account`` on the site (homePage = SITE_URL) with an opaque name, an
  HMAC of the user id, by default; ``mbox_sha1sum`` (a SHA-1 of ``mailto:email``) only if
  the provider chooses it. A learner's name and email never leave in clear.
- **Timestamps** come from the moment's own record, never from the time of sending.

Verbs are ADL's (``http://adlnet.gov/expapi/verbs/``) except "earned", which ADL lacks
(the xAPI registry's ``http://id.tincanapi.com/verb/earned``). Activity types are ADL's
(course, module, lesson, assessment) and the registry's certificate.

A new moment (a case simulation ended, say) is one more function below: pick its verb and
activity type, name its moment key, and call ``_statement`` with its result.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import uuid
from dataclasses import dataclass
from typing import Any, Literal

from app.content.casegraph import rated_well

Statement = dict[str, Any]

XAPI_VERSION = "1.0.3"
ADL_VERBS = "http://adlnet.gov/expapi/verbs/"
ADL_ACTIVITIES = "http://adlnet.gov/expapi/activities/"

VERBS: dict[str, str] = {
    "registered": ADL_VERBS + "registered",
    "completed": ADL_VERBS + "completed",
    "attempted": ADL_VERBS + "attempted",
    "passed": ADL_VERBS + "passed",
    "failed": ADL_VERBS + "failed",
    "voided": ADL_VERBS + "voided",
    "earned": "http://id.tincanapi.com/verb/earned",
}

ACTIVITY_TYPES: dict[str, str] = {
    "course": ADL_ACTIVITIES + "course",
    "module": ADL_ACTIVITIES + "module",
    "lesson": ADL_ACTIVITIES + "lesson",
    "quiz": ADL_ACTIVITIES + "assessment",
    "certificate": "http://id.tincanapi.com/activitytype/certificate",
    "case": ADL_ACTIVITIES + "simulation",
}

ActorMode = Literal["account", "mbox_sha1sum"]
ACTOR_MODES: tuple[str, ...] = ("account", "mbox_sha1sum")


@dataclass(frozen=True)
class Site:
    """Who is speaking: the site's address, its identity secret and the actor form chosen."""

    url: str
    #: Never changes for the life of the site: learner ids and registrations derive from it.
    secret: bytes
    actor_mode: ActorMode = "account"
    platform: str = "Groundwork"

    @property
    def base(self) -> str:
        """The site's address without a trailing slash."""
        return self.url.rstrip("/")

    def iri(self, path: str) -> str:
        """An IRI under the site's ``/xapi/`` space."""
        return f"{self.base}/xapi/{path}"


@dataclass(frozen=True)
class Learner:
    """The learner as far as statements need: an id to make opaque, an email to hash if chosen."""

    user_id: int
    email: str


@dataclass(frozen=True)
class CourseRef:
    """A course at the version the moment happened in."""

    slug: str
    title: str
    version: int


@dataclass(frozen=True)
class PartRef:
    """A module or lesson, by its slug (stable across versions) and its title."""

    slug: str
    title: str


@dataclass(frozen=True)
class Moment:
    """What every statement about one learner in one course shares."""

    site: Site
    learner: Learner
    course: CourseRef
    enrollment_id: int


def _keyed(site: Site, purpose: str, message: str) -> bytes:
    return hmac.new(site.secret, f"{purpose}:{message}".encode(), hashlib.sha256).digest()


def opaque_learner_id(site: Site, user_id: int) -> str:
    """The account name an LRS sees: an HMAC of the user id, the same every time."""
    return _keyed(site, "xapi-actor", str(user_id)).hex()[:32]


def registration(site: Site, enrollment_id: int) -> str:
    """The UUID of one enrollment: UUIDv5 in a namespace only the site's secret makes."""
    namespace = uuid.UUID(bytes=_keyed(site, "xapi-registration", "namespace")[:16])
    return str(uuid.uuid5(namespace, f"enrollment:{enrollment_id}"))


def statement_id(site: Site, moment_key: str) -> str:
    """The UUIDv5 of a moment ("completed:lesson:7:12"): a replay gets the same id.

    The namespace is the site's own (its address and its secret), so a staging copy with
    another secret never collides with production's statements in a shared LRS.
    """
    namespace = uuid.UUID(bytes=_keyed(site, "xapi-statements", site.base)[:16])
    return str(uuid.uuid5(namespace, moment_key))


def actor(site: Site, learner: Learner) -> dict[str, Any]:
    """The learner as an Agent, in the form the provider chose (never a name or email in clear)."""
    if site.actor_mode == "mbox_sha1sum":
        # xAPI names SHA-1 for mbox_sha1sum: an identifier others can compute, not a secret.
        mailto = f"mailto:{learner.email.strip().lower()}".encode()
        digest = hashlib.sha1(mailto, usedforsecurity=False).hexdigest()
        return {"objectType": "Agent", "mbox_sha1sum": digest}
    return {
        "objectType": "Agent",
        "account": {"homePage": site.base, "name": opaque_learner_id(site, learner.user_id)},
    }


def provider_agent(site: Site) -> dict[str, Any]:
    """The site itself as an Agent: who voids a statement the provider withdraws."""
    return {"objectType": "Agent", "account": {"homePage": site.base, "name": "provider"}}


def timestamp(at: dt.datetime) -> str:
    """ISO 8601 in UTC with milliseconds and ``Z`` (a naive time is taken as UTC)."""
    aware = at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)
    return aware.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def course_id(site: Site, course: CourseRef) -> str:
    """The course's activity id."""
    return site.iri(f"activities/course/{course.slug}")


def module_id(site: Site, course: CourseRef, module: PartRef) -> str:
    """A module's activity id, under its course."""
    return f"{course_id(site, course)}/module/{module.slug}"


def lesson_id(site: Site, course: CourseRef, module: PartRef, lesson: PartRef) -> str:
    """A lesson's activity id, under its module."""
    return f"{module_id(site, course, module)}/lesson/{lesson.slug}"


def quiz_id(site: Site, course: CourseRef, module: PartRef | None) -> str:
    """A module's quiz, or the course's final post-test when ``module`` is None."""
    if module is None:
        return f"{course_id(site, course)}/final-quiz"
    return f"{module_id(site, course, module)}/quiz"


def case_id(site: Site, course: CourseRef, module: PartRef) -> str:
    """A module's case simulation, under its module (one case a module)."""
    return f"{module_id(site, course, module)}/case"


def certificate_id(site: Site, course: CourseRef) -> str:
    """The course's certificate as an activity (the same for every learner)."""
    return f"{course_id(site, course)}/certificate"


def _activity(iri: str, kind: str, name: str) -> dict[str, Any]:
    return {
        "objectType": "Activity",
        "id": iri,
        "definition": {"type": ACTIVITY_TYPES[kind], "name": {"en-US": name}},
    }


def _course_activity(moment: Moment) -> dict[str, Any]:
    return _activity(course_id(moment.site, moment.course), "course", moment.course.title)


def _statement(
    moment: Moment,
    *,
    key: str,
    verb: str,
    obj: dict[str, Any],
    at: dt.datetime,
    parent: dict[str, Any] | None = None,
    result: dict[str, Any] | None = None,
    extensions: dict[str, Any] | None = None,
) -> Statement:
    """One statement about ``moment``'s learner, in its enrollment's registration."""
    site = moment.site
    course = _course_activity(moment)
    context: dict[str, Any] = {
        "registration": registration(site, moment.enrollment_id),
        "platform": site.platform,
        "language": "en-US",
        "contextActivities": {"grouping": [course]},
        "extensions": {
            site.iri("extensions/course-version"): moment.course.version,
            **(extensions or {}),
        },
    }
    if parent is not None:
        context["contextActivities"]["parent"] = [parent]
    statement: Statement = {
        "id": statement_id(site, key),
        "actor": actor(site, moment.learner),
        "verb": {"id": VERBS[verb], "display": {"en-US": verb}},
        "object": obj,
        "context": context,
        "timestamp": timestamp(at),
        "version": XAPI_VERSION,
    }
    if result is not None:
        statement["result"] = result
    return statement


def registered(moment: Moment, at: dt.datetime) -> Statement:
    """The learner enrolled in the course."""
    return _statement(
        moment,
        key=f"registered:enrollment:{moment.enrollment_id}",
        verb="registered",
        obj=_course_activity(moment),
        at=at,
    )


def lesson_completed(
    moment: Moment, module: PartRef, lesson: PartRef, lesson_pk: int, at: dt.datetime
) -> Statement:
    """The learner completed a lesson (its seat time met)."""
    site, course = moment.site, moment.course
    return _statement(
        moment,
        key=f"completed:lesson:{moment.learner.user_id}:{lesson_pk}",
        verb="completed",
        obj=_activity(lesson_id(site, course, module, lesson), "lesson", lesson.title),
        at=at,
        parent=_activity(module_id(site, course, module), "module", module.title),
        result={"completion": True},
    )


@dataclass(frozen=True)
class QuizOutcome:
    """A graded attempt: what a statement reports of it."""

    attempt_pk: int
    number: int
    title: str
    points: int
    total: int
    passed: bool
    started_at: dt.datetime
    submitted_at: dt.datetime


def scaled_score(points: int, total: int) -> float:
    """Points over total, within [0, 1] (a quiz with no questions scales to 0)."""
    if total <= 0:
        return 0.0
    return round(min(max(points, 0), total) / total, 4)


def _quiz_parts(
    moment: Moment, module: PartRef | None, outcome: QuizOutcome
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    site, course = moment.site, moment.course
    obj = _activity(quiz_id(site, course, module), "quiz", outcome.title)
    parent = (
        _activity(module_id(site, course, module), "module", module.title)
        if module is not None
        else _course_activity(moment)
    )
    extensions = {site.iri("extensions/attempt-number"): outcome.number}
    return obj, parent, extensions


def quiz_attempted(moment: Moment, module: PartRef | None, outcome: QuizOutcome) -> Statement:
    """The learner began an attempt at a quiz (sent once it is graded, dated when it began)."""
    obj, parent, extensions = _quiz_parts(moment, module, outcome)
    return _statement(
        moment,
        key=f"attempted:attempt:{outcome.attempt_pk}",
        verb="attempted",
        obj=obj,
        at=outcome.started_at,
        parent=parent,
        extensions=extensions,
    )


def quiz_graded(moment: Moment, module: PartRef | None, outcome: QuizOutcome) -> Statement:
    """The attempt passed or failed, with its score (scaled, raw, min and max)."""
    obj, parent, extensions = _quiz_parts(moment, module, outcome)
    total = max(outcome.total, 0)
    result = {
        "score": {
            "scaled": scaled_score(outcome.points, total),
            "raw": min(max(outcome.points, 0), total),
            "min": 0,
            "max": total,
        },
        "success": outcome.passed,
        "completion": True,
    }
    return _statement(
        moment,
        key=f"graded:attempt:{outcome.attempt_pk}",
        verb="passed" if outcome.passed else "failed",
        obj=obj,
        at=outcome.submitted_at,
        parent=parent,
        result=result,
        extensions=extensions,
    )


@dataclass(frozen=True)
class CaseOutcome:
    """A run of a case simulation that reached an ending: what a statement reports of it."""

    run_pk: int
    number: int
    title: str
    #: The ending's rating as the author gave it: best, acceptable, risky or harmful.
    rating: str
    #: The ending's score, 0 to 100.
    score: int
    ended_at: dt.datetime


def case_completed(moment: Moment, module: PartRef, outcome: CaseOutcome) -> Statement:
    """A run of a module's case reached an ending, with its score and the ending's rating.

    ``success`` is whether the ending is rated acceptable or best; the rating itself is a
    result extension, since xAPI has no field for an author's judgment of a path.
    """
    site, course = moment.site, moment.course
    score = min(max(outcome.score, 0), 100)
    return _statement(
        moment,
        key=f"completed:case-run:{outcome.run_pk}",
        verb="completed",
        obj=_activity(case_id(site, course, module), "case", outcome.title),
        at=outcome.ended_at,
        parent=_activity(module_id(site, course, module), "module", module.title),
        result={
            "score": {"scaled": scaled_score(score, 100), "raw": score, "min": 0, "max": 100},
            "success": rated_well(outcome.rating),
            "completion": True,
            "extensions": {site.iri("extensions/ending-rating"): outcome.rating},
        },
        extensions={site.iri("extensions/run-number"): outcome.number},
    )


def module_completed(moment: Moment, module: PartRef, module_pk: int, at: dt.datetime) -> Statement:
    """The learner completed every lesson and the quiz of a module."""
    site, course = moment.site, moment.course
    return _statement(
        moment,
        key=f"completed:module:{moment.learner.user_id}:{module_pk}",
        verb="completed",
        obj=_activity(module_id(site, course, module), "module", module.title),
        at=at,
        parent=_course_activity(moment),
        result={"completion": True},
    )


def course_completed(moment: Moment, at: dt.datetime) -> Statement:
    """The learner completed every module and the final post-test."""
    return _statement(
        moment,
        key=f"completed:enrollment:{moment.enrollment_id}",
        verb="completed",
        obj=_course_activity(moment),
        at=at,
        result={"completion": True},
    )


def certificate_earned(moment: Moment, at: dt.datetime) -> Statement:
    """A certificate was issued to the learner for the course.

    One per enrollment: a corrected re-issue (a new certificate for the same completion)
    is the same achievement, so it names the same statement and is not sent again.
    """
    site = moment.site
    title = f"Certificate: {moment.course.title}"
    return _statement(
        moment,
        key=f"earned:enrollment:{moment.enrollment_id}",
        verb="earned",
        obj=_activity(certificate_id(site, moment.course), "certificate", title),
        at=at,
        parent=_course_activity(moment),
    )


def certificate_voided(site: Site, enrollment_id: int, at: dt.datetime) -> Statement:
    """Void the "earned" statement of a revoked certificate (xAPI's voiding statement).

    A revoked certificate should not have been issued as far as any report is concerned:
    the LRS keeps the earned statement but excludes it from queries, as the spec asks.
    The voiding statement's actor is the provider, who withdrew it.
    """
    return {
        "id": statement_id(site, f"voided:enrollment:{enrollment_id}"),
        "actor": provider_agent(site),
        "verb": {"id": VERBS["voided"], "display": {"en-US": "voided"}},
        "object": {
            "objectType": "StatementRef",
            "id": statement_id(site, f"earned:enrollment:{enrollment_id}"),
        },
        "timestamp": timestamp(at),
        "version": XAPI_VERSION,
    }
