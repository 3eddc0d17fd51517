"""A certificate's PDF, rendered at its first download and stored: later ones read the bytes.

Why at the first download and not at issue: issuing happens inside the learner's request
that completes the last condition and must stay under 100 ms, while a render takes 150 ms
to over half a second (more for a CJK name, on a loaded machine; docs/performance.md).
Many certificates are never downloaded, so rendering them all would also waste work.

The stored bytes are final. Nothing updates a `certificate_pdfs` row: a changed layout or
font applies to certificates rendered after it, and a stored certificate keeps the exact
document its holder may already have filed with a board. The row names the layout that
made it (`LAYOUT`) and carries the SHA-256 that is the download's strong ETag.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.certificates import services
from app.certificates.models import Certificate, CertificatePdf
from app.certificates.printing.pdf import LAYOUT, render_certificate_pdf
from app.db import db


@dataclass(frozen=True)
class StoredPdf:
    """A certificate's stored PDF and its digest (the strong ETag)."""

    body: bytes
    sha256: str


def _stored(certificate: Certificate) -> StoredPdf | None:
    """The stored PDF of `certificate`, if it has been rendered."""
    row = db.session.execute(
        select(CertificatePdf.body, CertificatePdf.sha256).where(
            CertificatePdf.certificate_id == certificate.id
        )
    ).one_or_none()
    return StoredPdf(body=bytes(row.body), sha256=row.sha256) if row else None


def certificate_pdf(certificate: Certificate) -> StoredPdf:
    """The certificate's PDF: the stored bytes, or rendered now, stored and committed.

    The caller decides whether the certificate may be downloaded (standing.py); this only
    makes sure its bytes are rendered once and never change afterwards.
    """
    stored = _stored(certificate)
    if stored is not None:
        return stored
    body = render_certificate_pdf(services.document_of(certificate))
    digest = hashlib.sha256(body).hexdigest()
    try:
        with db.session.begin_nested():
            db.session.add(
                CertificatePdf(
                    certificate_id=certificate.id, body=body, sha256=digest, layout=LAYOUT
                )
            )
        db.session.commit()
    except IntegrityError:
        # A concurrent first download stored it a moment ago (the savepoint is rolled back):
        # serve those bytes, not ours, so every download has the same ETag.
        stored = _stored(certificate)
        if stored is None:
            raise
        return stored
    return StoredPdf(body=body, sha256=digest)


def render_missing(limit: int | None = None) -> int:
    """Render and store the PDFs of valid certificates that have none yet; return how many.

    For a job after a deploy or a bulk issue, so even first downloads read stored bytes.
    """
    statement = (
        select(Certificate)
        .outerjoin(CertificatePdf, CertificatePdf.certificate_id == Certificate.id)
        .where(
            CertificatePdf.certificate_id.is_(None),
            Certificate.replaced_at.is_(None),
            Certificate.revoked_at.is_(None),
        )
        .order_by(Certificate.id)
        .limit(limit)
    )
    certificates = list(db.session.scalars(statement))
    for certificate in certificates:
        certificate_pdf(certificate)
    return len(certificates)
