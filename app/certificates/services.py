"""Issuing, re-issuing, revoking and finding certificates; building their PDF and credential.

A certificate is issued the moment its last condition holds (the course complete,
the evaluation filed, the attestation made, inside any approval period): each of
those moments calls ``issue_if_ready`` in its own transaction (the evaluation through
the ``evaluation_filed`` event, see listeners.py). Every printed field
is copied onto the certificate at issue, so later profile or course edits never
change it; a correction is a reviewed re-issue (corrections.py) that marks the old one replaced.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import current_app
from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from app import events
from app.accounts.models import User
from app.audit.services import record
from app.catalog.models import Course, CourseStaff, CourseStatus, Lesson, Module
from app.certificates.document import CertificateDocument, verification_url_for
from app.certificates.gate import GateState, missing_conditions
from app.certificates.identifiers import display_id, new_certificate_id, parse_certificate_id
from app.certificates.models import Certificate
from app.certificates.openbadges.credential import (
    VerificationResult,
    build_credential,
    sign_credential,
    verify_credential,
)
from app.certificates.openbadges.issuer import KeyRing, did_web
from app.certificates.openbadges.keys import (
    load_or_create_signing_key,
    load_retired_public_keys,
    public_key_of,
)
from app.certificates.standing import Standing, State, state_of
from app.content.credittypes import BODIES_BY_CODE, attendance_statement, credit_for
from app.content.spec import CreditSpec
from app.db import FOR_CHANGE, change_once, db, utcnow
from app.evaluations.services import find_evaluation
from app.learning.models import Enrollment, LessonProgress
from app.pagination import Page, paginate


class CertificateError(Exception):
    """A refused certificate action; the message is safe to show."""


def approval_statement(course: Course) -> str:
    """The course's own approval statement, or the site's."""
    return course.approval_statement or current_app.config["APPROVAL_STATEMENT"]


def current_certificate(user_id: int, course_id: int) -> Certificate | None:
    """The learner's certificate for the course that has not been replaced, if any."""
    return db.session.scalar(
        select(Certificate).where(
            Certificate.user_id == user_id,
            Certificate.course_id == course_id,
            Certificate.replaced_at.is_(None),
        )
    )


def current_certificates(user: User) -> dict[int, Certificate]:
    """The learner's current certificates by course id, in one query."""
    rows = db.session.scalars(
        select(Certificate).where(Certificate.user_id == user.id, Certificate.replaced_at.is_(None))
    )
    return {c.course_id: c for c in rows}


def gate_state(user: User, course: Course, enrollment: Enrollment) -> GateState:
    """Where the learner stands against each condition for the certificate."""
    return GateState(
        course_complete=enrollment.completed_at is not None,
        evaluation_filed=find_evaluation(user, course) is not None,
        attested=enrollment.attested_at is not None,
        today=utcnow().date(),
        approval_starts_on=course.approval_starts_on,
        approval_ends_on=course.approval_ends_on,
        teaches_course=teaches(user, course),
    )


def teaches(user: User, course: Course) -> bool:
    """Whether the user is on the course's teaching team."""
    found = db.session.scalar(
        select(CourseStaff.user_id).where(
            CourseStaff.course_id == course.id, CourseStaff.user_id == user.id
        )
    )
    return found is not None


def seconds_on_task(user: User, course: Course) -> int:
    """The learner's recorded time on the course's lessons."""
    total = db.session.scalar(
        select(func.coalesce(func.sum(LessonProgress.seconds_on_task), 0))
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .join(Module, Module.id == Lesson.module_id)
        .where(LessonProgress.user_id == user.id, Module.course_id == course.id)
    )
    return int(total or 0)


ACTIVITY_FIELDS = (
    "course_title",
    "course_version",
    "ce_hours",
    "delivery_format",
    "completed_on",
    "provider_name",
    "approval_statement",
    "credit_body",
    "attendance_only",
)


def credit_at_issue(course: Course, profession: str) -> dict[str, Any]:
    """The credit a certificate prints for ``profession``: the course's own hours and
    statement when it declares no credit types; else the type serving the profession, with
    its hours and approval statement; else a certificate of attendance that says so."""
    credits = [CreditSpec.from_dict(c) for c in course.credits or ()]
    if not credits:
        return {"credit_body": None, "attendance_only": False}
    credit = credit_for(credits, profession)
    if credit is None:
        return {
            "credit_body": None,
            "attendance_only": True,
            "approval_statement": attendance_statement(profession),
        }
    return {
        "credit_body": BODIES_BY_CODE[credit.body].label,
        "attendance_only": False,
        "ce_hours": credit.hours,
        "approval_statement": credit.statement,
    }


def _activity_at_issue(course: Course, enrollment: Enrollment, profession: str) -> dict[str, Any]:
    """What the learner completed, as it stands at the moment of issue."""
    assert enrollment.completed_at is not None
    return {
        "course_title": course.title,
        "course_version": enrollment.completed_version or course.version,
        "ce_hours": course.ce_hours,
        "delivery_format": course.delivery_format,
        "completed_on": enrollment.completed_at.date(),
        "provider_name": current_app.config["PROVIDER_NAME"],
        "approval_statement": approval_statement(course),
    } | credit_at_issue(course, profession)


def _new_certificate(
    user: User,
    enrollment: Enrollment,
    activity: dict[str, Any],
) -> Certificate:
    """A certificate with the learner's current details and the given activity."""
    return Certificate(
        public_id=new_certificate_id(),
        user_id=user.id,
        course_id=enrollment.course_id,
        enrollment_id=enrollment.id,
        learner_name=user.legal_name,
        profession=user.profession,
        license_number=user.license_number,
        license_state=user.license_state,
        **activity,
    )


def issue_if_ready(user: User, course: Course, enrollment: Enrollment) -> Certificate | None:
    """Issue the certificate inside the caller's transaction if every condition now holds."""
    existing = current_certificate(user.id, course.id)
    if existing is not None or missing_conditions(gate_state(user, course, enrollment)):
        return existing
    certificate = _new_certificate(
        user, enrollment, _activity_at_issue(course, enrollment, user.profession)
    )
    try:
        with db.session.begin_nested():
            db.session.add(certificate)
    except IntegrityError:  # issued by a concurrent request a moment ago
        return current_certificate(user.id, course.id)
    record(
        "certificate.issued",
        "certificate",
        certificate.public_id,
        actor_id=user.id,
        user=user.id,
        course=course.id,
        version=certificate.course_version,
    )
    events.certificate_issued.emit(events.CertificateIssued(certificate))
    return certificate


def attest(user: User, course: Course, enrollment: Enrollment) -> Certificate | None:
    """Record the learner's attestation and issue the certificate if nothing else is missing."""
    if enrollment.completed_at is None:
        raise CertificateError("Complete the course before attesting that you completed it.")
    if enrollment.attested_at is None:
        # Conditional, so two requests at once record one attestation (and one audit event).
        if change_once(
            update(Enrollment)
            .where(Enrollment.id == enrollment.id, Enrollment.attested_at.is_(None))
            .values(attested_at=utcnow())
        ):
            record("course.attested", "course", course.id, actor_id=user.id, user=user.id)
            events.attestation_signed.emit(events.AttestationSigned(user, course, enrollment))
        db.session.refresh(enrollment)
    certificate = issue_if_ready(user, course, enrollment)
    db.session.commit()
    return certificate


def revoke(admin: User, certificate: Certificate, reason: str) -> None:
    """Revoke a certificate with a reason; verification then says revoked."""
    reason = reason.strip()
    if not reason:
        raise CertificateError("Give the reason for revoking this certificate.")
    # Locked and re-read, so a repeated click finds it revoked and keeps the first reason.
    db.session.refresh(certificate, with_for_update=FOR_CHANGE)
    if certificate.revoked_at is not None:
        raise CertificateError("This certificate is already revoked.")
    certificate.revoked_at = utcnow()
    certificate.revoked_reason = reason
    certificate.revoked_by_id = admin.id
    record(
        "certificate.revoked",
        "certificate",
        certificate.public_id,
        actor_id=admin.id,
        reason=reason,
    )
    events.certificate_revoked.emit(events.CertificateRevoked(certificate, reason))
    db.session.commit()


#: Built once: public verification runs it on every lookup.
_BY_PUBLIC_ID = select(Certificate).where(Certificate.public_id == bindparam("public_id"))


def find_certificate(text: str) -> Certificate | None:
    """The certificate a typed or scanned ID names (either form), or None."""
    public_id = parse_certificate_id(text)
    if public_id is None:
        return None
    return db.session.scalar(_BY_PUBLIC_ID, {"public_id": public_id})


def search_certificates(query: str, page: int, per_page: int = 25) -> Page[Certificate]:
    """Certificates whose learner, course or ID matches ``query``, newest first."""
    statement = select(Certificate).order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    needle = query.strip().lower()
    if needle:
        public_id = parse_certificate_id(needle)
        matches = [
            func.lower(Certificate.learner_name).contains(needle, autoescape=True),
            func.lower(Certificate.course_title).contains(needle, autoescape=True),
        ]
        if public_id:
            matches.append(Certificate.public_id == public_id)
        statement = statement.where(or_(*matches))
    return paginate(statement, page=page, per_page=per_page)


def certificates_between(
    user: User, start: dt.date | None, end: dt.date | None
) -> list[Certificate]:
    """The learner's current certificates completed within a date range, oldest first."""
    statement = select(Certificate).where(
        Certificate.user_id == user.id, Certificate.replaced_at.is_(None)
    )
    if start:
        statement = statement.where(Certificate.completed_on >= start)
    if end:
        statement = statement.where(Certificate.completed_on <= end)
    return list(db.session.scalars(statement.order_by(Certificate.completed_on)))


def document_of(certificate: Certificate) -> CertificateDocument:
    """The frozen printable content of a certificate."""
    return CertificateDocument(
        certificate_id=certificate.public_id,
        learner_name=certificate.learner_name,
        profession=certificate.profession,
        license_number=certificate.license_number,
        license_state=certificate.license_state,
        course_title=certificate.course_title,
        course_version=str(certificate.course_version),
        ce_hours=certificate.ce_hours,
        delivery_format=certificate.delivery_format,
        completed_on=certificate.completed_on,
        issued_at=certificate.issued_at,
        provider_name=certificate.provider_name,
        approval_statement=certificate.approval_statement,
        verification_url=verification_url_for(
            current_app.config["SITE_URL"], certificate.public_id
        ),
        credit_body=certificate.credit_body,
        attendance_only=bool(certificate.attendance_only),
    )


def signing_key() -> Ed25519PrivateKey:
    """The site's Ed25519 key, created on first use in instance/ and cached per app."""
    key = current_app.extensions.get("certificate_signing_key")
    if key is None:
        key = load_or_create_signing_key(current_app.instance_path)
        current_app.extensions["certificate_signing_key"] = key
    return key


def key_ring() -> KeyRing:
    """The issuer (this site's did:web) and its keys: the signing one, then retired ones."""
    site = current_app.config["SITE_URL"].rstrip("/")
    retired = current_app.extensions.get("certificate_retired_keys")
    if retired is None:
        retired = tuple(load_retired_public_keys(current_app.instance_path))
        current_app.extensions["certificate_retired_keys"] = retired
    return KeyRing(
        issuer=did_web(site),
        current=public_key_of(signing_key()),
        retired=retired,
        legacy_issuer=site,
    )


def verification_method() -> str:
    """The signing key's method in the site's DID document: `did:web:<host>#z6Mk...`."""
    return key_ring().current_method


def signed_credential(certificate: Certificate) -> dict[str, Any]:
    """The certificate as a signed Open Badges 3.0 credential."""
    ring = key_ring()
    credential = build_credential(
        document_of(certificate), current_app.config["SITE_URL"], issuer_id=ring.issuer
    )
    return sign_credential(credential, signing_key(), ring.current_method)


def replacement_of(certificate: Certificate) -> Certificate | None:
    """The certificate that replaced this one, if any."""
    return db.session.scalar(select(Certificate).where(Certificate.replaces_id == certificate.id))


def standing(certificate: Certificate) -> Standing:
    """The certificate's state with its successor or its revocation, for verifiers."""
    state = state_of(certificate)
    successor = replacement_of(certificate) if state is State.REPLACED else None
    return Standing(
        state=state,
        certificate=display_id(certificate.public_id),
        replaced_by=display_id(successor.public_id) if successor else None,
        revoked_on=certificate.revoked_at.date() if certificate.revoked_at else None,
        revoked_reason=certificate.revoked_reason,
    )


def standing_of_credential(credential_id: str | None) -> Standing | None:
    """The standing of the certificate a signed credential's `@id` names, if it is ours."""
    prefix = verification_url_for(current_app.config["SITE_URL"], "")
    if not credential_id or not credential_id.startswith(prefix):
        return None
    public_id = credential_id.removeprefix(prefix)
    if parse_certificate_id(public_id) != public_id:
        return None
    certificate = db.session.scalar(_BY_PUBLIC_ID, {"public_id": public_id})
    return standing(certificate) if certificate else None


def check_credential(signed: dict[str, Any]) -> VerificationResult:
    """Verify a credential against this site's keys and report its certificate's state."""
    return verify_credential(signed, key_ring(), standing_of_credential)


def certificates_of_closed_courses(user: User) -> set[str]:
    """Public ids of the learner's certificates whose course is no longer open to enroll."""
    return set(
        db.session.scalars(
            select(Certificate.public_id)
            .join(Course, Course.id == Certificate.course_id)
            .where(
                Certificate.user_id == user.id,
                Course.status != CourseStatus.PUBLISHED.value,
            )
        )
    )
