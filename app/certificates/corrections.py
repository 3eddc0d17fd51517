"""Corrections: a learner asks, an administrator approves (issuing a replacement) or declines.

A certificate is frozen at issue. Before this review, a learner could change their
profile and re-issue at will, which moved a certificate to another person; now a change
of name, profession or license needs a reason, a second person, and leaves both the old
and the new values in the audit log.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from app import events
from app.accounts.models import User
from app.audit.services import record
from app.certificates.identifiers import new_certificate_id
from app.certificates.models import Certificate, CertificateCorrection
from app.certificates.services import ACTIVITY_FIELDS, CertificateError
from app.certificates.standing import State, state_of
from app.db import change_once, db, utcnow

#: Requests a learner may file in any 30 days, across all their certificates.
MOST_REQUESTS_PER_30_DAYS = 3
DETAIL_FIELDS = ("learner_name", "profession", "license_number", "license_state")


@dataclass(frozen=True)
class Details:
    """The learner's details as a certificate prints them."""

    learner_name: str
    profession: str
    license_number: str | None
    license_state: str | None

    @classmethod
    def of(cls, record: Certificate | CertificateCorrection) -> Details:
        """The details a certificate carries, or a correction asks for."""
        return cls(*(getattr(record, name) for name in DETAIL_FIELDS))


def open_correction(certificate: Certificate) -> CertificateCorrection | None:
    """The certificate's pending request, if any."""
    return db.session.scalar(
        select(CertificateCorrection).where(
            CertificateCorrection.certificate_id == certificate.id,
            CertificateCorrection.state == "pending",
        )
    )


def corrections_of(certificate: Certificate) -> list[CertificateCorrection]:
    """Every request made about a certificate, newest first."""
    return list(
        db.session.scalars(
            select(CertificateCorrection)
            .where(CertificateCorrection.certificate_id == certificate.id)
            .order_by(CertificateCorrection.requested_at.desc(), CertificateCorrection.id.desc())
        )
    )


def pending_corrections() -> list[tuple[CertificateCorrection, Certificate]]:
    """Requests awaiting review with their certificates, oldest first."""
    rows = db.session.execute(
        select(CertificateCorrection, Certificate)
        .join(Certificate, Certificate.id == CertificateCorrection.certificate_id)
        .where(CertificateCorrection.state == "pending")
        .order_by(CertificateCorrection.requested_at, CertificateCorrection.id)
    )
    return [(correction, certificate) for correction, certificate in rows]


def _recent_requests(learner: User) -> int:
    """How many requests the learner filed in the last 30 days."""
    since = utcnow() - dt.timedelta(days=30)
    count = db.session.scalar(
        select(func.count())
        .select_from(CertificateCorrection)
        .where(
            CertificateCorrection.requested_by_id == learner.id,
            CertificateCorrection.requested_at >= since,
        )
    )
    return int(count or 0)


def request_correction(
    learner: User, certificate: Certificate, details: Details, reason: str
) -> CertificateCorrection:
    """File a learner's request to correct their own valid certificate."""
    reason = reason.strip()
    if certificate.user_id != learner.id:
        raise CertificateError("Only the learner named on a certificate can ask to correct it.")
    if state_of(certificate) is not State.VALID:
        raise CertificateError(f"A {certificate.status} certificate cannot be corrected.")
    if not reason:
        raise CertificateError("Say why the certificate needs correcting.")
    if details == Details.of(certificate):
        raise CertificateError("These are the details the certificate already carries.")
    if open_correction(certificate) is not None:
        raise CertificateError("A correction of this certificate is already awaiting review.")
    if _recent_requests(learner) >= MOST_REQUESTS_PER_30_DAYS:
        raise CertificateError(
            f"You can ask for {MOST_REQUESTS_PER_30_DAYS} corrections in 30 days; "
            "contact the provider if another is needed."
        )
    correction = CertificateCorrection(
        certificate_id=certificate.id,
        requested_by_id=learner.id,
        reason=reason,
        **{name: getattr(details, name) for name in DETAIL_FIELDS},
    )
    try:
        with db.session.begin_nested():
            db.session.add(correction)
    except IntegrityError as error:  # a second request filed at the same moment
        raise CertificateError(
            "A correction of this certificate is already awaiting review."
        ) from error
    record(
        "certificate.correction_requested",
        "certificate",
        certificate.public_id,
        actor_id=learner.id,
        correction=correction.id,
        reason=reason,
        old=Details.of(certificate).__dict__,
        new=details.__dict__,
    )
    db.session.commit()
    return correction


def _reviewable(admin: User, correction: CertificateCorrection) -> Certificate:
    """The certificate under review, once the reviewer may decide on it."""
    if correction.state != "pending":
        raise CertificateError(f"This request was already {correction.state}.")
    if correction.requested_by_id == admin.id:
        raise CertificateError("Another administrator must review a correction you asked for.")
    certificate = db.session.get(Certificate, correction.certificate_id)
    assert certificate is not None
    return certificate


def _close(correction: CertificateCorrection, admin: User, state: str, **values: object) -> None:
    """Record the decision unless another reviewer decided first (then refuse)."""
    change_once(
        update(CertificateCorrection)
        .where(CertificateCorrection.id == correction.id, CertificateCorrection.state == "pending")
        .values(state=state, decided_at=utcnow(), decided_by_id=admin.id, **values),
        refuse=CertificateError("Another administrator has just decided this request."),
    )


def approve_correction(
    admin: User, correction: CertificateCorrection, note: str = ""
) -> Certificate:
    """Issue the corrected certificate and mark the old one replaced, in one transaction."""
    certificate = _reviewable(admin, correction)
    if state_of(certificate) is not State.VALID:
        raise CertificateError(
            f"The certificate is {certificate.status} now; decline the request instead."
        )
    change_once(
        update(Certificate)
        .where(
            Certificate.id == certificate.id,
            Certificate.replaced_at.is_(None),
            Certificate.revoked_at.is_(None),
        )
        .values(replaced_at=utcnow()),
        refuse=CertificateError("The certificate changed meanwhile; reload and review again."),
    )
    # The correction changes who the certificate names; what they completed stays as issued.
    replacement = Certificate(
        public_id=new_certificate_id(),
        user_id=certificate.user_id,
        course_id=certificate.course_id,
        enrollment_id=certificate.enrollment_id,
        replaces_id=certificate.id,
        **{name: getattr(correction, name) for name in DETAIL_FIELDS},
        **{name: getattr(certificate, name) for name in ACTIVITY_FIELDS},
    )
    db.session.add(replacement)
    db.session.flush()
    _close(correction, admin, "approved", replacement_id=replacement.id, decision_note=note or None)
    record(
        "certificate.reissued",
        "certificate",
        replacement.public_id,
        actor_id=admin.id,
        replaces=certificate.public_id,
        correction=correction.id,
        requested_by=correction.requested_by_id,
        reason=correction.reason,
        old=Details.of(certificate).__dict__,
        new=Details.of(correction).__dict__,
    )
    events.certificate_replaced.emit(events.CertificateReplaced(certificate, replacement))
    db.session.commit()
    db.session.refresh(certificate)
    return replacement


def decline_correction(admin: User, correction: CertificateCorrection, note: str) -> None:
    """Decline a request with a note the learner will read; the certificate stays as it is."""
    note = note.strip()
    certificate = _reviewable(admin, correction)
    if not note:
        raise CertificateError("Say why the request is declined; the learner will read it.")
    _close(correction, admin, "declined", decision_note=note)
    record(
        "certificate.correction_declined",
        "certificate",
        certificate.public_id,
        actor_id=admin.id,
        correction=correction.id,
        note=note,
        old=Details.of(certificate).__dict__,
        new=Details.of(correction).__dict__,
    )
    db.session.commit()
