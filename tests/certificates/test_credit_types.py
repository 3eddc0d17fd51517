"""The certificate shows the credit the learner's profession needs, or says it has none.

A course that offers credit types prints, for a psychologist, the APA credit with its hours
and approval statement; for a profession no credit type serves, a certificate of
attendance whose hours are hours of participation. A course with no credit types prints
what it always printed, and issued certificates never change when the course does.
"""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Flask

from app.accounts.models import Role
from app.catalog.models import Course
from app.certificates.document import CertificateDocument
from app.certificates.openbadges.credential import (
    build_credential,
    credential_json,
    sign_credential,
    verify_credential,
)
from app.certificates.openbadges.issuer import KeyRing, did_web
from app.certificates.printing.pdf import render_certificate_pdf
from app.certificates.services import document_of
from app.certificates.standing import credited_hours
from app.content.importer import import_courses
from app.content.spec import CreditSpec
from app.db import db
from tests.certificates.conftest import SITE_URL, MakeDocument
from tests.certificates.helpers import earn_certificate
from tests.certificates.pdftools import page_text, squashed
from tests.certificates.test_credential import schema_errors
from tests.factories import course_spec

APA = CreditSpec(
    body="apa",
    hours=Decimal("1.25"),
    statement="Demonstration text, not an approval: not approved by the APA.",
)
NBCC = CreditSpec(
    body="nbcc",
    hours=Decimal("1"),
    statement="Demonstration text, not an approval: not approved by NBCC.",
)
APA_LABEL = "APA (American Psychological Association)"


def _course(**settings: Any) -> Course:
    spec = course_spec(slug="credited", ce_hours=Decimal("1.5"), **settings)
    import_courses([spec])
    course = db.session.query(Course).filter_by(slug="credited").one()
    return course


@pytest.mark.parametrize(
    ("profession", "body", "hours", "statement"),
    [
        ("Psychologist", APA_LABEL, Decimal("1.25"), APA.statement),
        (
            "Licensed professional counselor",
            "NBCC (National Board for Certified Counselors)",
            Decimal("1"),
            NBCC.statement,
        ),
    ],
)
def test_the_certificate_prints_the_credit_serving_the_profession(  # type: ignore[no-untyped-def]
    client, make_user, sign_in, profession, body, hours, statement
) -> None:
    course = _course(credits=(APA, NBCC))
    learner = sign_in(user=make_user(Role.LEARNER, profession=profession))
    certificate = earn_certificate(client, course, learner.id)
    assert certificate.credit_body == body
    assert certificate.attendance_only is False
    assert certificate.ce_hours == hours
    assert certificate.approval_statement == statement
    page = client.get(f"/verify/{certificate.public_id}").get_data(as_text=True)
    assert f"<dt>Credit type</dt><dd>{body}</dd>" in page
    assert "Hours of participation" not in page
    assert credited_hours([certificate]) == hours
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert f"<dt>CE hours earned</dt><dd>{hours}</dd>" in dashboard
    assert f'<td data-label="CE hours">{hours}</td>' in dashboard


def test_a_profession_without_a_credit_type_gets_a_certificate_of_attendance(  # type: ignore[no-untyped-def]
    client, make_user, sign_in
) -> None:
    course = _course(credits=(APA, NBCC))
    learner = sign_in(user=make_user(Role.LEARNER, profession="Physician"))
    certificate = earn_certificate(client, course, learner.id)
    assert certificate.attendance_only is True and certificate.credit_body is None
    assert certificate.ce_hours == Decimal("1.5")  # the course's hours, as participation
    assert "offers no continuing-education credit" in certificate.approval_statement
    assert "'Physician'" in certificate.approval_statement
    page = client.get(f"/verify/{certificate.public_id}").get_data(as_text=True)
    assert "<dt>Hours of participation</dt>" in page
    assert "certificate of attendance: no CE credit for the profession Physician" in page
    assert "<dt>CE hours</dt>" not in page
    # Hours of participation earn no CE hours on the dashboard, transcript or exports.
    assert credited_hours([certificate]) == 0
    mine = client.get(f"/certificates/{certificate.public_id}").get_data(as_text=True)
    assert "Certificate of attendance" in mine
    transcript = client.get("/transcript").get_data(as_text=True)
    assert "(attendance: 1.5 hours of participation)" in transcript
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "<dt>CE hours earned</dt><dd>0</dd>" in dashboard
    assert '<td data-label="CE hours">0 <span class="muted">(attendance)</span></td>' in dashboard


def test_a_course_without_credit_types_prints_what_it_always_printed(  # type: ignore[no-untyped-def]
    client, sign_in
) -> None:
    course = _course()
    learner = sign_in()
    certificate = earn_certificate(client, course, learner.id)
    assert certificate.credit_body is None and certificate.attendance_only is False
    assert certificate.ce_hours == Decimal("1.5")
    document = document_of(certificate)
    assert document.credit_phrase == document.ce_hours_phrase == "1.5 CE hours"
    assert document.heading == "Certificate of Completion"


def test_issued_certificates_keep_their_credit_when_the_course_changes(  # type: ignore[no-untyped-def]
    client, make_user, sign_in
) -> None:
    course = _course(credits=(APA,))
    learner = sign_in(user=make_user(Role.LEARNER, profession="Psychologist"))
    certificate = earn_certificate(client, course, learner.id)
    before = {f: getattr(certificate, f) for f in ("credit_body", "ce_hours", "approval_statement")}
    changed = dataclasses.replace(APA, hours=Decimal("1.5"), statement="A new statement.")
    import_courses([course_spec(slug="credited", ce_hours=Decimal("1.5"), credits=(changed,))])
    db.session.expire_all()
    db.session.refresh(certificate)
    assert {f: getattr(certificate, f) for f in before} == before


def test_the_course_page_lists_the_credits(client, make_user, sign_in) -> None:  # type: ignore[no-untyped-def]
    course = _course(credits=(APA, NBCC))
    page = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert "Credit by profession" in page
    assert f"<strong>{APA_LABEL}</strong>: 1.25 CE hours for psychologists" in page
    assert "1 CE hours for professional counselors" in page
    assert APA.statement in page
    assert "Other professions receive a certificate of attendance" in page
    sign_in(user=make_user(Role.LEARNER, profession="Psychologist"))
    page = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert "psychologists (your profession)" in page


# The printed and signed forms ------------------------------------------------------------


@pytest.fixture
def credited(make_document: MakeDocument) -> CertificateDocument:
    return make_document(
        profession="Psychologist",
        credit_body=APA_LABEL,
        ce_hours=Decimal("1.25"),
        approval_statement=APA.statement,
    )


@pytest.fixture
def attendance(make_document: MakeDocument) -> CertificateDocument:
    return make_document(
        profession="Physician",
        attendance_only=True,
        approval_statement="Certificate of attendance: no CE credit for 'Physician'.",
    )


def test_an_attendance_document_names_no_credit_type(make_document: MakeDocument) -> None:
    with pytest.raises(ValueError, match="an attendance certificate names no credit type"):
        make_document(attendance_only=True, credit_body=APA_LABEL)
    with pytest.raises(ValueError, match="credit_body: must be at most 200"):
        make_document(credit_body="A" * 201)


def test_the_pdf_prints_the_credit_type(credited: CertificateDocument) -> None:
    text = squashed(page_text(render_certificate_pdf(credited)))
    assert squashed("Certificate of Completion") in text
    assert squashed(f"1.25 CE hours, {APA_LABEL}") in text
    assert squashed(APA.statement) in text


def test_the_pdf_of_an_attendance_certificate_says_so(attendance: CertificateDocument) -> None:
    text = squashed(page_text(render_certificate_pdf(attendance)))
    assert squashed("Certificate of Attendance") in text
    assert squashed("HOURS OF PARTICIPATION") in text
    assert squashed("1.5 hours of participation, no CE credit") in text
    assert squashed("Certificate of Completion") not in text
    assert "CONTINUING-EDUCATION CREDIT" not in text


def test_the_credential_states_the_credit_and_stays_valid(
    credited: CertificateDocument,
    attendance: CertificateDocument,
    signing_key: Ed25519PrivateKey,
    no_network: None,
) -> None:
    ring = KeyRing(did_web(SITE_URL), signing_key.public_key(), legacy_issuer=SITE_URL)
    for document in (credited, attendance):
        credential = build_credential(document, SITE_URL)
        assert schema_errors(credential) == []
        signed = json.loads(
            credential_json(sign_credential(credential, signing_key, ring.current_method))
        )
        assert verify_credential(signed, ring).signature.verified
    built = build_credential(credited, SITE_URL)
    assert f"1.25 CE hours, {APA_LABEL}" in built["description"]
    assert APA_LABEL in built["credentialSubject"]["achievement"]["description"]
    assert built["credentialSubject"]["creditsEarned"] == 1.25
    bare = build_credential(attendance, SITE_URL)
    assert bare["name"].startswith("Certificate of Attendance: ")
    assert bare["description"].startswith("Attendance certificate ")
    assert "creditsEarned" not in bare["credentialSubject"]
    assert "no CE credit" in bare["credentialSubject"]["achievement"]["description"]


def test_a_certificate_without_credit_types_signs_exactly_as_before(
    document: CertificateDocument, app: Flask
) -> None:
    """The credential of a certificate without credit types is unchanged: same texts."""
    built = build_credential(document, SITE_URL)
    assert built["name"] == f"Certificate of Completion: {document.course_title}"
    assert built["description"].startswith("Continuing-education certificate ")
    assert built["credentialSubject"]["creditsEarned"] == 1.5
