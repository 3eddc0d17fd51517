"""Issued certificates: every printed field frozen at issue; replaced or revoked, never edited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    Numeric,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.certificates.standing import state_of
from app.db import Base, utcnow


class Certificate(Base):
    """A certificate of completion as it was issued."""

    __tablename__ = "certificates"
    __table_args__ = (
        # One current certificate per learner and course: a re-issue replaces the old one.
        Index(
            "uq_certificates_current",
            "user_id",
            "course_id",
            unique=True,
            sqlite_where=text("replaced_at IS NULL"),
            postgresql_where=text("replaced_at IS NULL"),
        ),
        CheckConstraint("ce_hours > 0", name="ce_hours_positive"),
        CheckConstraint(
            "(revoked_at IS NULL) = (revoked_reason IS NULL)", name="revocation_has_reason"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The unguessable public identifier (at least 128 random bits) in verification URLs.
    public_id: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id"), index=True)
    learner_name: Mapped[str] = mapped_column(String(200))
    profession: Mapped[str] = mapped_column(String(80))
    license_number: Mapped[str | None] = mapped_column(String(60))
    license_state: Mapped[str | None] = mapped_column(String(2))
    course_title: Mapped[str] = mapped_column(String(200))
    course_version: Mapped[int]
    ce_hours: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    delivery_format: Mapped[str] = mapped_column(String(120))
    completed_on: Mapped[dt.date]
    issued_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    provider_name: Mapped[str] = mapped_column(String(200))
    approval_statement: Mapped[str] = mapped_column(Text)
    #: The credit type printed, as the course offered it to the learner's profession
    #: (`APA (American Psychological Association)`); None on certificates of courses that
    #: declare no credit types, and on those issued before credit types existed.
    credit_body: Mapped[str | None] = mapped_column(String(200))
    #: True when the course offers credit types but none for the learner's profession:
    #: a certificate of attendance, whose hours are hours of participation, not CE credit.
    attendance_only: Mapped[bool | None] = mapped_column(default=False)
    #: The certificate this one replaces (a name correction), if any.
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))
    #: Set on the old certificate when a re-issue replaces it.
    replaced_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    @property
    def status(self) -> str:
        """valid, replaced or revoked: the one rule, in `standing.state_of`."""
        return state_of(self).value


class CertificateCorrection(Base):
    """A learner's request to correct the details printed on a certificate, and its review.

    Certificates are frozen: the only way a name, profession or license changes is a
    request an administrator approves, which issues a replacement and marks the old
    certificate replaced. One request per certificate may be open at a time.
    """

    __tablename__ = "certificate_corrections"
    __table_args__ = (
        Index(
            "uq_certificate_corrections_open",
            "certificate_id",
            unique=True,
            sqlite_where=text("state = 'pending'"),
            postgresql_where=text("state = 'pending'"),
        ),
        CheckConstraint("state IN ('pending', 'approved', 'declined')", name="state_known"),
        CheckConstraint(
            "(state = 'pending') = (decided_at IS NULL) "
            "AND (state = 'pending') = (decided_by_id IS NULL)",
            name="decided_when_closed",
        ),
        CheckConstraint(
            "(state = 'approved') = (replacement_id IS NOT NULL)",
            name="approval_has_replacement",
        ),
        CheckConstraint(
            "state <> 'declined' OR decision_note IS NOT NULL", name="decline_has_reason"
        ),
        CheckConstraint(
            "license_state IS NULL OR license_number IS NOT NULL", name="state_needs_license"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id"), index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    requested_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    #: The learner's reason, shown to the reviewing administrator.
    reason: Mapped[str] = mapped_column(Text)
    #: The details as the learner asks them printed; the certificate keeps the old ones.
    learner_name: Mapped[str] = mapped_column(String(200))
    profession: Mapped[str] = mapped_column(String(80))
    license_number: Mapped[str | None] = mapped_column(String(60))
    license_state: Mapped[str | None] = mapped_column(String(2))
    #: pending, approved or declined.
    state: Mapped[str] = mapped_column(String(10), default="pending", server_default="pending")
    decided_at: Mapped[dt.datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: The reviewer's note: required to decline, shown to the learner.
    decision_note: Mapped[str | None] = mapped_column(Text)
    #: The certificate an approval issued.
    replacement_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))


class CertificatePdf(Base):
    """A certificate's PDF as first rendered, kept and served as is (never re-rendered).

    A certificate is frozen at issue, so its PDF is too: the bytes are written once, at the
    first download, and no code path updates them; a later change to the layout applies to
    certificates not yet rendered, while `layout` records which layout made these bytes.
    """

    __tablename__ = "certificate_pdfs"
    __table_args__ = (
        CheckConstraint("length(sha256) = 64", name="sha256_is_hex_digest"),
        CheckConstraint("length(layout) > 0", name="layout_named"),
    )

    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id"), primary_key=True)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    #: SHA-256 of `body` in hex: the download's strong ETag, and a check the bytes are whole.
    sha256: Mapped[str] = mapped_column(String(64))
    #: The renderer's layout version (`app.certificates.printing.pdf.LAYOUT`) that made the bytes.
    layout: Mapped[str] = mapped_column(String(40))
    rendered_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
