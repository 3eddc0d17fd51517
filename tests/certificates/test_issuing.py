"""Issuing certificates over HTTP: the gate, frozen fields, re-issue, revocation, ownership."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from app.accounts.models import Role
from app.audit.models import AuditEvent
from app.catalog.models import Course
from app.certificates.identifiers import display_id
from app.certificates.models import Certificate
from app.db import db
from app.evaluations.models import CourseEvaluation, ObjectiveRating
from tests.certificates.helpers import EVALUATION, complete_course, earn_certificate
from tests.factories import make_course


def certificates() -> int:
    return db.session.scalar(select(func.count()).select_from(Certificate)) or 0


def test_the_certificate_is_issued_the_moment_the_last_condition_holds(client, sign_in):
    course = make_course(modules=1)
    user = sign_in()
    complete_course(client, course, user.id)
    page = client.get(f"/courses/{course.slug}/certificate").get_data(as_text=True)
    assert "File the course evaluation." in page and "Attest that you completed" in page
    assert certificates() == 0

    client.post(f"/courses/{course.slug}/evaluation", data=EVALUATION)
    assert certificates() == 0
    page = client.get(f"/courses/{course.slug}/certificate").get_data(as_text=True)
    assert "File the course evaluation." not in page.split("Still to do")[1]

    response = client.post(f"/courses/{course.slug}/attest", data={"attest": "y"})
    assert certificates() == 1
    certificate = db.session.scalar(select(Certificate))
    assert response.location.endswith(f"/certificates/{certificate.public_id}")
    assert certificate.learner_name == user.legal_name and certificate.course_version == 1
    assert (
        db.session.scalar(
            select(AuditEvent.action).where(AuditEvent.action == "certificate.issued")
        )
        == "certificate.issued"
    )


def test_each_missing_condition_blocks_issue_and_says_what_is_missing(client, sign_in):
    course = make_course(modules=1)
    sign_in()
    client.post(f"/courses/{course.slug}/enroll")
    page = client.get(f"/courses/{course.slug}/certificate").get_data(as_text=True)
    assert "Complete every lesson and pass every quiz of the course." in page
    refused = client.post(
        f"/courses/{course.slug}/attest", data={"attest": "y"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Complete the course before attesting" in refused
    evaluation = client.get(f"/courses/{course.slug}/evaluation", follow_redirects=True)
    assert "The evaluation opens once you have completed the course." in evaluation.get_data(
        as_text=True
    )
    assert certificates() == 0


def test_attestation_without_the_box_ticked_is_refused(client, sign_in):
    course = make_course(modules=1)
    user = sign_in()
    complete_course(client, course, user.id)
    page = client.post(f"/courses/{course.slug}/attest", data={}, follow_redirects=True).get_data(
        as_text=True
    )
    assert "Tick the box to attest" in page
    assert certificates() == 0


def test_no_credit_outside_the_approval_period(client, sign_in):
    course = make_course(modules=1)
    course.approval_starts_on = dt.date(2020, 1, 1)
    course.approval_ends_on = dt.date(2021, 1, 1)
    db.session.commit()
    user = sign_in()
    complete_course(client, course, user.id)
    client.post(f"/courses/{course.slug}/evaluation", data=EVALUATION)
    client.post(f"/courses/{course.slug}/attest", data={"attest": "y"})
    page = client.get(f"/courses/{course.slug}/certificate").get_data(as_text=True)
    assert "approval period ended on 01 January 2021" in page
    assert certificates() == 0


def test_the_evaluation_is_filed_once_with_a_rating_per_objective(client, sign_in):
    course = make_course(modules=1)
    user = sign_in()
    complete_course(client, course, user.id)
    missing = {k: v for k, v in EVALUATION.items() if k != "objective_goal"}
    page = client.post(f"/courses/{course.slug}/evaluation", data=missing).get_data(as_text=True)
    assert "Rate whether objective 1 was met." in page
    tampered = client.post(
        f"/courses/{course.slug}/evaluation", data={**EVALUATION, "relevance": "9"}
    ).get_data(as_text=True)
    assert "Not a valid choice" in tampered
    assert db.session.scalar(select(func.count()).select_from(CourseEvaluation)) == 0
    client.post(f"/courses/{course.slug}/evaluation", data=EVALUATION)
    again = client.post(
        f"/courses/{course.slug}/evaluation", data=EVALUATION, follow_redirects=True
    ).get_data(as_text=True)
    assert "already filed" in again
    assert db.session.scalar(select(func.count()).select_from(CourseEvaluation)) == 1
    assert db.session.scalar(select(ObjectiveRating.rating)) == 5


def test_frozen_fields_survive_a_profile_and_a_course_edit(client, sign_in):
    course = make_course(modules=1)
    user = sign_in()
    certificate = earn_certificate(client, course, user.id)
    name = user.legal_name
    before = client.get(f"/certificates/{certificate.public_id}/certificate.pdf").data
    client.post(
        "/account",
        data={
            "legal_name": "Another Name",
            "profession": "Pharmacist",
            "license_number": "X-1",
            "license_state": "TX",
        },
    )
    edited = db.session.get(Course, course.id)
    edited.title, edited.ce_hours, edited.version = "Renamed Course", 9, 5
    db.session.commit()
    db.session.refresh(certificate)
    assert (certificate.learner_name, certificate.course_title, certificate.ce_hours) == (
        name,
        "Course test-course",
        1,
    )
    after = client.get(f"/certificates/{certificate.public_id}/certificate.pdf").data
    assert after == before  # re-downloading gives the same document


def test_the_pdf_carries_every_field(client, sign_in):
    course = make_course(modules=1)
    user = sign_in()
    certificate = earn_certificate(client, course, user.id)
    response = client.get(f"/certificates/{certificate.public_id}/certificate.pdf")
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert page.mediabox.width > page.mediabox.height  # landscape
    text = " ".join(page.extract_text().split())
    for expected in (
        user.legal_name,
        "Psychologist",
        user.license_number,
        "Course test-course",
        "1 CE hour",
        "Online, self-paced (home study)",
        "Groundwork Demo Provider",
        "demonstration provider",
        display_id(certificate.public_id),
        f"/verify/{certificate.public_id}",
    ):
        assert expected in text, expected
    assert (
        f"{certificate.completed_on:%B} {certificate.completed_on.day}, "
        f"{certificate.completed_on.year}" in text
    )


@pytest.mark.parametrize("form", ["raw", "display", "lower-display"])
def test_verification_of_a_valid_certificate_shows_only_what_it_should(client, sign_in, form):
    course = make_course(modules=1)
    user = sign_in()
    certificate = earn_certificate(client, course, user.id)
    client.post("/sign-out")
    typed = {
        "raw": certificate.public_id,
        "display": display_id(certificate.public_id),
        "lower-display": display_id(certificate.public_id).lower(),
    }[form]
    page = client.get("/verify", query_string={"id": typed}, follow_redirects=True).get_data(
        as_text=True
    )
    assert "This certificate is valid" in page
    assert user.legal_name in page and "Course test-course" in page and "1</dd>" in page
    assert user.email not in page and user.license_number not in page


def test_a_verifier_is_given_no_cookie(app, client, sign_in):
    """Checking a certificate starts no session: the board's clerk leaves no trace here."""
    user = sign_in()
    certificate = earn_certificate(client, make_course(modules=1), user.id)
    stranger = app.test_client()
    for path in ("/", "/verify", f"/verify/{certificate.public_id}"):
        response = stranger.get(path)
        assert response.status_code == 200, path
        assert not response.headers.getlist("Set-Cookie"), path


def test_verification_says_revoked_after_an_admin_revokes(client, sign_in, make_user):
    course = make_course(modules=1)
    user = sign_in()
    certificate = earn_certificate(client, course, user.id)
    client.post("/sign-out")
    sign_in(Role.ADMIN)
    page = client.post(
        f"/admin/certificates/{certificate.public_id}/revoke",
        data={"reason": "  "},
    ).get_data(as_text=True)
    assert "Give the reason for revoking" in page and 'aria-invalid="true"' in page
    page = client.post(
        f"/admin/certificates/{certificate.public_id}/revoke", data={"reason": "Issued in error"}
    ).get_data(as_text=True)
    # The first post only asks, saying what will be lost; the certificate is still valid.
    assert "What will be lost" in page and "CE hours leave their transcript" in page
    assert db.session.get(Certificate, certificate.id).revoked_at is None
    assert "This certificate is valid" in client.get(f"/verify/{certificate.public_id}").text
    client.post(
        f"/admin/certificates/{certificate.public_id}/revoke",
        data={"reason": "Issued in error", "confirm": "yes"},
    )
    page = client.get(f"/verify/{certificate.public_id}").get_data(as_text=True)
    assert "This certificate was revoked" in page
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.revoked"))
    assert event.details == {"reason": "Issued in error"}


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/verify/0000000000000000000000000000", "No certificate has that ID"),
        ("/verify/not-an-id", "No certificate has that ID"),
        ("/verify?id=%3Cscript%3E", "is not a certificate ID"),
        ("/verify?id=GW-XXXX", "is not a certificate ID"),
    ],
)
def test_unknown_and_malformed_ids_get_a_clear_404(client, path, message):
    response = client.get(path)
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert message in page and "<script>" not in page


def test_no_other_learners_certificate_or_transcript_is_reachable(client, sign_in):
    course = make_course(modules=1)
    owner = sign_in()
    certificate = earn_certificate(client, course, owner.id)
    client.post("/sign-out")
    sign_in()
    for suffix in ("", "/certificate.pdf", "/credential.json"):
        assert client.get(f"/certificates/{certificate.public_id}{suffix}").status_code == 404
    assert client.post(f"/certificates/{certificate.public_id}/reissue").status_code == 404
    transcript = client.get("/transcript").get_data(as_text=True)
    assert "Course test-course" not in transcript
    assert "Course test-course" not in client.get("/transcript.csv").get_data(as_text=True)


def test_two_issues_for_one_completion_make_one_certificate(client, sign_in):
    course = make_course(modules=1)
    user = sign_in()
    certificate = earn_certificate(client, course, user.id)
    client.post(f"/courses/{course.slug}/attest", data={"attest": "y"})
    assert certificates() == 1
    page = client.get(f"/courses/{course.slug}/certificate")
    assert page.location.endswith(f"/certificates/{certificate.public_id}")


def test_verification_lookups_are_rate_limited(database_url):
    from tests.conftest import make_app

    app = make_app(database_url, VERIFY_LIMIT_PER_IP="3 per minute")
    client = app.test_client()
    codes = [client.get(f"/verify/{'0' * 28}").status_code for _ in range(4)]
    assert codes == [404, 404, 404, 429]
    assert "Too many attempts" in client.get("/verify?id=x").get_data(as_text=True)
