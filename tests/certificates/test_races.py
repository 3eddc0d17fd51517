"""Evaluation, attestation and corrections, fired ten at once on PostgreSQL: each holds as one
request, and one completion gives one certificate."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role
from app.certificates.models import Certificate, CertificateCorrection
from app.db import db
from app.evaluations.models import CourseEvaluation
from tests.certificates.helpers import EVALUATION, complete_course, earn_certificate
from tests.concurrency import Shot, as_one_request, browser_of
from tests.factories import make_course

pytestmark = pytest.mark.postgres


def completed_browser(make_user):  # type: ignore[no-untyped-def]
    """A new learner's browser with a course of their own completed: (browser, course, user)."""
    learner = make_user()
    browser = browser_of(learner, make_user.password)
    course = make_course(slug=f"course-{learner.id}", modules=1)
    complete_course(browser, course, learner.id)
    return browser, course, learner


def test_ten_evaluations_at_once_file_one(make_user):
    def world() -> Shot:
        browser, course, _ = completed_browser(make_user)
        return Shot(browser, f"/courses/{course.slug}/evaluation", EVALUATION)

    responses = as_one_request(world)
    assert {r.status_code for r in responses} == {302}
    assert db.session.scalar(select(func.count()).select_from(CourseEvaluation)) == 2


def test_ten_attestations_at_once_issue_one_certificate(make_user):
    def world() -> Shot:
        browser, course, _ = completed_browser(make_user)
        filed = browser.post(f"/courses/{course.slug}/evaluation", data=EVALUATION)
        assert filed.status_code == 302
        return Shot(browser, f"/courses/{course.slug}/attest", {"attest": "y"})

    responses = as_one_request(world)
    # Every click lands on the one certificate.
    shown = {r.headers["Location"] for r in responses}
    assert len(shown) == 1 and shown.pop().startswith("/certificates/")
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 2


def test_ten_correction_requests_at_once_file_one(make_user):
    def world() -> Shot:
        learner = make_user()
        browser = browser_of(learner, make_user.password)
        course = make_course(slug=f"course-{learner.id}", modules=1)
        certificate = earn_certificate(browser, course, learner.id)
        form = {
            "legal_name": "Corrected Name",
            "profession": learner.profession,
            "license_number": learner.license_number,
            "license_state": learner.license_state,
            "reason": "My name was misspelt.",
        }
        return Shot(browser, f"/certificates/{certificate.public_id}/correction", form)

    as_one_request(world)
    assert db.session.scalar(select(func.count()).select_from(CertificateCorrection)) == 2


def test_ten_approvals_of_one_correction_at_once_replace_the_certificate_once(make_user):
    admin = make_user(Role.ADMIN)
    reviewer = browser_of(admin, make_user.password)

    def world() -> Shot:
        learner = make_user()
        browser = browser_of(learner, make_user.password)
        course = make_course(slug=f"course-{learner.id}", modules=1)
        certificate = earn_certificate(browser, course, learner.id)
        asked = browser.post(
            f"/certificates/{certificate.public_id}/correction",
            data={
                "legal_name": "Corrected Name",
                "profession": learner.profession,
                "license_number": learner.license_number,
                "license_state": learner.license_state,
                "reason": "My name was misspelt.",
            },
        )
        assert asked.status_code == 302
        correction = db.session.scalars(
            select(CertificateCorrection).order_by(CertificateCorrection.id.desc())
        ).first()
        return Shot(reviewer, f"/admin/corrections/{correction.id}/approve")

    as_one_request(world)
    current = db.session.scalars(select(Certificate).where(Certificate.replaced_at.is_(None)))
    assert sorted(c.learner_name for c in current) == ["Corrected Name", "Corrected Name"]
