"""A learner who finished before the approval period opened is certified once it opens."""

from __future__ import annotations

import datetime as dt

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from app.accounts.models import Role
from app.audit.models import AuditEvent
from app.catalog.models import Course
from app.certificates.models import Certificate
from app.certificates.services import revoke
from app.db import db, utcnow
from tests.certificates.helpers import EVALUATION, complete_course
from tests.factories import make_course

TODAY = utcnow().date()
OPENS = TODAY + dt.timedelta(days=10)


def certificates() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Certificate)) or 0


def finish_everything(client, course: Course, user_id: int) -> None:  # type: ignore[no-untyped-def]
    """Complete, evaluate and attest: every condition but the date."""
    complete_course(client, course, user_id)
    assert client.post(f"/courses/{course.slug}/evaluation", data=EVALUATION).status_code == 302
    assert client.post(f"/courses/{course.slug}/attest", data={"attest": "y"}).status_code == 302


@pytest.fixture
def waiting(client, sign_in):  # type: ignore[no-untyped-def]
    """A learner who did every step of a course whose approval period opens in ten days."""
    course = make_course(slug="early", modules=1)
    course.approval_starts_on = OPENS
    course.approval_ends_on = OPENS + dt.timedelta(days=365)
    db.session.commit()
    learner = sign_in()
    finish_everything(client, course, learner.id)
    assert certificates() == 0
    return course, learner


def test_the_claim_page_says_when_the_certificate_comes_rather_than_all_done(client, waiting):
    course, _ = waiting
    page = client.get(f"/courses/{course.slug}/certificate").get_data(as_text=True)
    assert "Every step is done" in page
    assert f"can be issued from <strong>{OPENS:%d %B %Y}</strong>" in page
    assert "issued on that day without anything more from you" in page
    assert certificates() == 0


def test_the_certificate_is_issued_at_the_first_sign_in_after_the_period_opens(
    app, client, waiting, make_user
):
    course, learner = waiting
    client.post("/sign-out")
    with freeze_time(dt.datetime.combine(OPENS, dt.time(0, 5), tzinfo=dt.UTC)):
        client.post("/sign-in", data={"email": learner.email, "password": make_user.password})
        assert certificates() == 1
        page = client.get("/dashboard").get_data(as_text=True)
    assert "Your certificate for Course early is ready" in page
    certificate = db.session.scalar(select(Certificate))
    assert certificate.user_id == learner.id and certificate.course_id == course.id
    assert f"/certificates/{certificate.public_id}" in page
    issued = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.issued"))
    assert issued is not None and issued.actor_id == learner.id


@pytest.mark.parametrize("page", ["/dashboard", "/courses/early/certificate"])
def test_the_next_page_issues_it_for_a_learner_already_signed_in(client, waiting, page):
    course, _ = waiting
    course.approval_starts_on = TODAY  # the day has come while they stayed signed in
    db.session.commit()
    response = client.get(page, follow_redirects=True)
    assert certificates() == 1
    assert "Your certificate" in response.get_data(as_text=True)
    if page.endswith("/certificate"):
        assert "/certificates/" in response.request.path


def test_the_operator_command_catches_everyone_up_once(app, client, waiting, runner):
    course, _ = waiting
    assert "0 certificates issued." in runner.invoke(args=["certificates", "catch-up"]).output
    course.approval_starts_on = TODAY
    db.session.commit()
    result = runner.invoke(args=["certificates", "catch-up"])
    assert result.exit_code == 0 and "1 certificate issued." in result.output
    assert "Issued " in result.output
    assert "0 certificates issued." in runner.invoke(args=["certificates", "catch-up"]).output
    assert certificates() == 1


def test_catching_up_never_reissues_a_revoked_certificate(app, client, waiting, runner, make_user):
    course, _ = waiting
    course.approval_starts_on = TODAY
    db.session.commit()
    runner.invoke(args=["certificates", "catch-up"])
    revoke(make_user(Role.ADMIN), db.session.scalar(select(Certificate)), "Issued in error.")
    client.get("/dashboard")
    assert "0 certificates issued." in runner.invoke(args=["certificates", "catch-up"]).output
    assert certificates() == 1


def test_nothing_is_issued_after_the_period_closed_or_with_a_step_missing(
    app, client, sign_in, runner
):
    closed = make_course(slug="closed", modules=1)
    closed.approval_starts_on = TODAY + dt.timedelta(days=1)
    db.session.commit()
    learner = sign_in()
    finish_everything(client, closed, learner.id)
    unevaluated = make_course(slug="unevaluated", modules=1)
    unevaluated.approval_starts_on = TODAY + dt.timedelta(days=1)
    db.session.commit()
    complete_course(client, unevaluated, learner.id)
    client.post("/courses/unevaluated/attest", data={"attest": "y"})
    # The period opened and closed again before anyone looked; the other opened.
    closed.approval_starts_on = TODAY - dt.timedelta(days=30)
    closed.approval_ends_on = TODAY - dt.timedelta(days=1)
    unevaluated.approval_starts_on = TODAY
    db.session.commit()
    assert "0 certificates issued." in runner.invoke(args=["certificates", "catch-up"]).output
    client.get("/dashboard")
    assert certificates() == 0
