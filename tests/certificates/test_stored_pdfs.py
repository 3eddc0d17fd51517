"""A certificate's PDF is rendered once, stored, and served from storage with a strong ETag."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from app.accounts.models import Role
from app.certificates import services, storage
from app.certificates.models import CertificatePdf
from app.certificates.printing.pdf import LAYOUT
from app.db import db
from tests.certificates.helpers import earn_certificate
from tests.factories import make_course


def _url(certificate) -> str:  # type: ignore[no-untyped-def]
    return f"/certificates/{certificate.public_id}/certificate.pdf"


def _stored_rows() -> int:
    return db.session.scalar(select(func.count()).select_from(CertificatePdf)) or 0


def _no_rendering(document):  # type: ignore[no-untyped-def]
    raise AssertionError("a stored certificate was rendered again")


def test_the_first_download_stores_the_pdf_and_later_ones_serve_those_bytes(
    client, sign_in, monkeypatch
):
    user = sign_in()
    certificate = earn_certificate(client, make_course(modules=1), user.id)
    assert _stored_rows() == 0  # issuing does not render: it must stay fast
    first = client.get(_url(certificate))
    assert first.status_code == 200
    assert first.data.startswith(b"%PDF-")
    row = db.session.get(CertificatePdf, certificate.id)
    assert row is not None and row.body == first.data and row.layout == LAYOUT
    assert row.sha256 == hashlib.sha256(first.data).hexdigest()
    assert first.headers["ETag"] == f'"{row.sha256}"'

    monkeypatch.setattr(storage, "render_certificate_pdf", _no_rendering)
    again = client.get(_url(certificate))
    assert again.status_code == 200
    assert again.data == first.data
    assert again.headers["ETag"] == first.headers["ETag"]
    assert _stored_rows() == 1


def test_a_changed_layout_does_not_alter_a_stored_certificate(client, sign_in, monkeypatch):
    user = sign_in()
    certificate = earn_certificate(client, make_course(modules=1), user.id)
    filed = client.get(_url(certificate)).data
    # A later release draws certificates differently: the one already issued stays as filed.
    monkeypatch.setattr(storage, "render_certificate_pdf", lambda document: b"%PDF-new layout")
    assert client.get(_url(certificate)).data == filed
    other = earn_certificate(client, make_course(modules=1, slug="second-course"), user.id)
    assert client.get(_url(other)).data == b"%PDF-new layout"


def test_a_matching_etag_gets_not_modified_and_a_stale_one_the_file(client, sign_in):
    user = sign_in()
    certificate = earn_certificate(client, make_course(modules=1), user.id)
    first = client.get(_url(certificate))
    etag = first.headers["ETag"]
    unchanged = client.get(_url(certificate), headers={"If-None-Match": etag})
    assert unchanged.status_code == 304
    assert unchanged.data == b""
    stale = client.get(_url(certificate), headers={"If-None-Match": '"0000"'})
    assert stale.status_code == 200
    assert stale.data == first.data


def test_downloads_are_private_and_the_transcript_is_never_stored(client, sign_in):
    user = sign_in()
    certificate = earn_certificate(client, make_course(modules=1), user.id)
    response = client.get(_url(certificate))
    assert response.headers["Cache-Control"] == "no-store"
    transcript = client.get("/transcript.pdf")
    assert transcript.status_code == 200
    assert transcript.headers["Cache-Control"] == "no-store"


def test_a_revoked_certificate_stays_refused_even_with_its_etag(client, sign_in, make_user):
    user = sign_in()
    certificate = earn_certificate(client, make_course(modules=1), user.id)
    etag = client.get(_url(certificate)).headers["ETag"]
    services.revoke(make_user(Role.ADMIN), certificate, "Attendance could not be confirmed.")
    for headers in ({}, {"If-None-Match": etag}):
        refused = client.get(_url(certificate), headers=headers)
        assert refused.status_code == 410
        assert b"%PDF" not in refused.data
        assert "revoked" in refused.get_data(as_text=True).lower()


def test_another_learner_cannot_fetch_a_stored_pdf(client, sign_in):
    owner = sign_in()
    certificate = earn_certificate(client, make_course(modules=1), owner.id)
    etag = client.get(_url(certificate)).headers["ETag"]
    client.post("/sign-out")
    sign_in()
    for headers in ({}, {"If-None-Match": etag}):
        response = client.get(_url(certificate), headers=headers)
        assert response.status_code == 404
        assert b"%PDF" not in response.data


def test_concurrent_first_downloads_keep_the_bytes_stored_first(client, sign_in, monkeypatch):
    user = sign_in()
    certificate = earn_certificate(client, make_course(modules=1), user.id)
    # Another worker stored its rendering between our look-up and our insert.
    db.session.add(
        CertificatePdf(
            certificate_id=certificate.id,
            body=b"%PDF-first",
            sha256=hashlib.sha256(b"%PDF-first").hexdigest(),
            layout=LAYOUT,
        )
    )
    db.session.commit()
    looked_up = []
    real_stored = storage._stored

    def missed_once(cert):  # type: ignore[no-untyped-def]
        looked_up.append(cert.id)
        return None if len(looked_up) == 1 else real_stored(cert)

    monkeypatch.setattr(storage, "_stored", missed_once)
    served = storage.certificate_pdf(certificate)
    assert served.body == b"%PDF-first"
    assert _stored_rows() == 1


def test_render_missing_stores_valid_certificates_only(client, sign_in, make_user, monkeypatch):
    user = sign_in()
    kept = earn_certificate(client, make_course(modules=1), user.id)
    revoked = earn_certificate(client, make_course(modules=1, slug="revoked-course"), user.id)
    services.revoke(make_user(Role.ADMIN), revoked, "Issued in error.")
    monkeypatch.setattr(storage, "render_certificate_pdf", lambda document: b"%PDF-job")
    assert storage.render_missing() == 1
    assert db.session.get(CertificatePdf, kept.id) is not None
    assert db.session.get(CertificatePdf, revoked.id) is None
    assert storage.render_missing() == 0


def test_the_schema_keeps_one_whole_pdf_per_certificate(client, sign_in):
    user = sign_in()
    certificate = earn_certificate(client, make_course(modules=1), user.id)
    client.get(_url(certificate))
    for statement in (
        # a second PDF for the same certificate
        "INSERT INTO certificate_pdfs (certificate_id, body, sha256, layout, rendered_at) "
        f"VALUES ({certificate.id}, 'x', '{'a' * 64}', 'l', CURRENT_TIMESTAMP)",
        # a digest that is not a SHA-256
        "UPDATE certificate_pdfs SET sha256 = 'short'",
    ):
        with pytest.raises(IntegrityError):
            db.session.execute(text(statement))
            db.session.flush()
        db.session.rollback()


def test_the_render_command_stores_missing_pdfs_once(client, sign_in, runner):
    user = sign_in()
    certificate = earn_certificate(client, make_course(modules=1), user.id)
    first = runner.invoke(args=["certificates", "render-pdfs"])
    assert first.exit_code == 0 and "Rendered and stored 1 certificate PDF." in first.output
    stored = db.session.get(CertificatePdf, certificate.id)
    assert stored is not None and stored.body.startswith(b"%PDF-")
    assert client.get(_url(certificate)).data == stored.body
    again = runner.invoke(args=["certificates", "render-pdfs"])
    assert "Rendered and stored 0 certificate PDFs." in again.output
    refused = runner.invoke(args=["certificates", "render-pdfs", "--limit", "0"])
    assert refused.exit_code != 0 and "--limit" in refused.output
