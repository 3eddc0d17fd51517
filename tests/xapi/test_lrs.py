"""Statements reach a real LRS (Ralph), read back through its API and checked against xAPI's rules;
an outage leaves them waiting in the outbox until the LRS returns, none lost and none doubled."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from typing import Any

from sqlalchemy import delete, func, select

from app.accounts.models import Role
from app.catalog.models import Course
from app.certificates import services as certificates
from app.db import db, utcnow
from app.outbound.models import DeliveryStatus, OutboundDelivery
from app.outbound.services import deliver_due, drain
from app.xapi import services as xapi
from app.xapi import statements as xs
from tests.cases.helpers import course_with_case
from tests.cases.test_player import choose, run_of
from tests.certificates.helpers import earn_certificate
from tests.factories import make_course
from tests.learning.helpers import complete_module_lessons, pass_quiz
from tests.xapi.conftest import Ralph

ADL = "http://adlnet.gov/expapi/verbs/"


def queued(status: str | None = None) -> int:
    statement = select(func.count()).select_from(OutboundDelivery)
    statement = statement.where(OutboundDelivery.channel == "xapi")
    if status:
        statement = statement.where(OutboundDelivery.status == status)
    return db.session.scalar(statement) or 0


def journey(client, sign_in):  # type: ignore[no-untyped-def]
    """One learner: enroll, fail the quiz once, pass it, evaluate, attest: a certificate."""
    course = make_course(modules=1)
    learner = sign_in()
    client.post(f"/courses/{course.slug}/enroll")
    module = course.active_modules[0]
    complete_module_lessons(client, course, module)
    pass_quiz(client, course, module, learner.id, right=False)
    certificate = earn_certificate(client, course, learner.id)
    assert certificate is not None
    return course, learner, certificate


def check_xapi_rules(statement: dict[str, Any], site: xs.Site, registration: str) -> None:
    """What xAPI 1.0.3 requires of what we send, read back as the LRS stored it."""
    assert uuid.UUID(statement["id"]).version == 5
    actor = statement["actor"]
    if statement["verb"]["id"] == ADL + "voided":
        assert actor["account"] == {"homePage": site.base, "name": "provider"}
        assert statement["object"]["objectType"] == "StatementRef"
    else:
        assert set(actor) <= {"objectType", "account"}
        assert actor["account"]["homePage"] == site.base
        assert len(actor["account"]["name"]) == 32
        assert statement["object"]["id"].startswith(site.iri("activities/course/"))
        assert statement["context"]["registration"] == registration
        version_key = site.iri("extensions/course-version")
        assert statement["context"]["extensions"][version_key] >= 1
    assert statement["verb"]["id"].startswith(("http://adlnet.gov/", "http://id.tincanapi.com/"))
    stamp = dt.datetime.fromisoformat(statement["timestamp"].replace("Z", "+00:00"))
    assert stamp.tzinfo is not None and stamp <= utcnow() + dt.timedelta(seconds=5)
    assert "stored" in statement  # the LRS's own record of receiving it
    score = statement.get("result", {}).get("score")
    if score is not None:
        assert -1 <= score["scaled"] <= 1
        assert score["min"] <= score["raw"] <= score["max"]


def test_a_learners_journey_arrives_in_the_lrs_and_keeps_the_xapi_rules(
    app, client, sign_in, make_user, lrs: Ralph
):
    course, _learner, certificate = journey(client, sign_in)
    with app.app_context():
        site = xapi.site()
    registration = xs.registration(site, certificate.enrollment_id)
    expected = queued()
    report = drain()
    assert report.delivered == expected and report.failed == report.retrying == 0

    found = lrs.statements(registration=registration)
    verbs = Counter(s["verb"]["id"].rsplit("/", 1)[1] for s in found)
    assert verbs == {
        "registered": 1,
        "completed": 4,  # two lessons, the module, the course
        "attempted": 2,
        "failed": 1,
        "passed": 1,
        "earned": 1,
    }
    for statement in found:
        check_xapi_rules(statement, site, registration)
    graded = {s["verb"]["id"].rsplit("/", 1)[1]: s for s in found if "score" in s.get("result", {})}
    assert graded["passed"]["result"]["score"] == {"scaled": 1.0, "raw": 3, "min": 0, "max": 3}
    assert graded["passed"]["result"]["success"] is True
    assert graded["failed"]["result"]["score"]["scaled"] == 0.0
    assert graded["failed"]["result"]["success"] is False
    earned = next(s for s in found if s["verb"]["id"].endswith("/earned"))
    assert earned["object"]["id"] == site.iri(f"activities/course/{course.slug}/certificate")
    assert earned["timestamp"] == xs.timestamp(certificate.issued_at)

    # Revoking voids the earned statement, said by the provider.
    certificates.revoke(make_user(Role.ADMIN), certificate, "Issued in error.")
    assert drain().delivered == 1
    voiding = lrs.statements(
        statementId=xs.statement_id(site, f"voided:enrollment:{certificate.enrollment_id}")
    )
    assert len(voiding) == 1
    check_xapi_rules(voiding[0], site, registration)
    assert voiding[0]["object"]["id"] == earned["id"]


def test_while_the_lrs_is_down_statements_wait_then_all_arrive_once(
    app, client, sign_in, lrs: Ralph
):
    lrs.stop()
    _course, _learner, certificate = journey(client, sign_in)  # the site works on regardless
    expected = queued()
    assert expected == 10

    report = drain()
    assert report.retrying == expected and report.delivered == 0
    assert queued(DeliveryStatus.PENDING.value) == expected
    waiting = db.session.scalars(select(OutboundDelivery)).all()
    assert all("unreachable" in (d.last_error or "") for d in waiting)
    assert deliver_due(50).handled == 0  # nothing is due before its back-off ends

    lrs.start()
    later = utcnow() + dt.timedelta(minutes=2)
    report = deliver_due(50, now=later)
    assert report.delivered == expected and report.retrying == 0
    with app.app_context():
        site = xapi.site()
    found = lrs.statements(registration=xs.registration(site, certificate.enrollment_id))
    ids = Counter(s["id"] for s in found)
    assert len(found) == expected and max(ids.values()) == 1

    # A replay of every moment (the backfill) queues nothing new and doubles nothing.
    since = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    assert xapi.backfill(since).queued == 0
    assert drain().handled == 0
    registration = xs.registration(site, certificate.enrollment_id)
    assert len(lrs.statements(registration=registration)) == expected

    # Once the outbox has forgotten them (delivered rows are purged after 30 days), the
    # backfill rebuilds the very same statements, which the LRS recognises as the same.
    sent = {d.dedupe_key: d.payload for d in db.session.scalars(select(OutboundDelivery))}
    db.session.execute(delete(OutboundDelivery))
    db.session.commit()
    assert xapi.backfill(since).queued == expected
    rebuilt = {d.dedupe_key: d.payload for d in db.session.scalars(select(OutboundDelivery))}
    assert rebuilt == sent
    assert drain().delivered == expected
    assert len(lrs.statements(registration=registration)) == expected


def test_the_backfill_sends_past_moments_once(app, client, sign_in, runner, lrs: Ralph):
    endpoint = app.config["XAPI_LRS_ENDPOINT"]
    app.config["XAPI_LRS_ENDPOINT"] = ""  # off: the journey queues nothing
    _course, _learner, certificate = journey(client, sign_in)
    assert queued() == 0
    assert (
        "XAPI_LRS_ENDPOINT is not set"
        in runner.invoke(args=["xapi", "backfill", "--since", "2000-01-01"]).output
    )

    app.config["XAPI_LRS_ENDPOINT"] = endpoint
    result = runner.invoke(args=["xapi", "backfill", "--since", "2000-01-01"])
    assert result.exit_code == 0, result.output
    assert "Queued 10 new statements" in result.output
    assert "quiz graded: 4" in result.output  # attempted and graded, two attempts
    assert drain().delivered == 10
    again = runner.invoke(args=["xapi", "backfill", "--since", "2000-01-01"])
    assert "Queued 0 new statements" in again.output
    with app.app_context():
        site = xapi.site()
    found = lrs.statements(registration=xs.registration(site, certificate.enrollment_id))
    assert len(found) == 10 == len({s["id"] for s in found})
    # Nothing after the date, nothing queued.
    future = runner.invoke(args=["xapi", "backfill", "--since", "2999-01-01"])
    assert "Queued 0 new statements" in future.output


def test_a_wrong_password_is_given_up_at_once_for_the_administrator(app, client, sign_in, lrs):
    app.config["XAPI_LRS_PASSWORD"] = "not-the-password"
    course = make_course(modules=1)
    sign_in()
    client.post(f"/courses/{course.slug}/enroll")
    report = drain()
    assert report.failed == 1
    failed = db.session.scalars(select(OutboundDelivery)).one()
    assert failed.status == DeliveryStatus.FAILED.value and "HTTP 401" in (failed.last_error or "")


def test_a_moment_the_lrs_already_holds_in_other_words_is_not_sent_again_or_failed(
    app, client, sign_in, lrs: Ralph
):
    course, _learner, certificate = journey(client, sign_in)
    assert drain().delivered == 10
    db.session.execute(delete(OutboundDelivery))  # purged, as after 30 days
    db.session.get_one(Course, course.id).title = "Renamed since"
    db.session.commit()
    assert xapi.backfill(dt.datetime(2000, 1, 1, tzinfo=dt.UTC)).queued == 10
    report = drain()
    # Ralph answers 409 Conflict (a different statement under a known id): the LRS holds
    # the moment, so nothing is left to retry or for the administrator to resend.
    assert report.delivered == 10 and report.failed == report.retrying == 0
    with app.app_context():
        site = xapi.site()
    found = lrs.statements(registration=xs.registration(site, certificate.enrollment_id))
    assert len(found) == 10
    titles = {
        s["context"]["contextActivities"]["grouping"][0]["definition"]["name"]["en-US"]
        for s in found
    }
    assert titles == {"Course test-course"}  # as first sent


def test_a_case_run_to_its_ending_arrives_in_the_lrs_with_its_rating(
    app, client, sign_in, lrs: Ralph
):
    course = course_with_case("ending")
    learner = sign_in()
    client.post(f"/courses/{course.slug}/enroll")
    case = course.active_modules[0].active_case
    url = f"/courses/{course.slug}/cases/{case.id}"
    client.get(url)
    choose(client, url, run_of(learner.id), 1)  # the best choice, to the second scene
    choose(client, url, run_of(learner.id), 2)  # the best choice there: the good ending
    run = run_of(learner.id)
    assert run.ended_at is not None
    report = drain()
    assert report.failed == 0, report
    with app.app_context():
        site = xapi.site()
    found = [s for s in lrs.statements() if s["object"]["id"].endswith("/case")]
    assert len(found) == 1
    statement = found[0]
    check_xapi_rules(statement, site, statement["context"]["registration"])
    assert statement["object"]["id"] == site.iri(
        f"activities/course/{course.slug}/module/{course.active_modules[0].slug}/case"
    )
    assert statement["result"]["success"] is True
    assert statement["result"]["score"]["raw"] == run.score
    assert statement["result"]["extensions"][site.iri("extensions/ending-rating")] == (
        run.ending_rating
    )
