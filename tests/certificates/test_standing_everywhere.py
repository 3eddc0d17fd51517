"""One truth for a certificate's state: every place that shows it or counts its hours agrees.

For each state (valid, replaced after an approved correction, revoked), the learner's
credential downloaded while it was valid, and the same with the `@id` trick, are checked
on the page, the API and the CLI; then the verification page, the downloads, the
dashboard, the transcript (page and CSV) and the course exports are walked.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.catalog.models import CourseStaff
from app.certificates.identifiers import display_id
from app.certificates.models import Certificate, CertificateCorrection
from app.db import db
from tests.certificates.helpers import earn_certificate
from tests.factories import make_course

VERDICTS = {
    "valid": "✓ Valid: signed by this site",
    "replaced": "✗ Replaced: the signature is valid",
    "revoked": "✗ Revoked: the signature is valid",
}
HEADINGS = {
    "valid": "This certificate is valid",
    "replaced": "This certificate was replaced",
    "revoked": "This certificate was revoked",
}


def rows(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def at_id_trick(text: str) -> str:
    """The credential with its top-level `id` key renamed `@id`: the same signed graph."""
    credential = json.loads(text)
    return json.dumps({("@id" if k == "id" else k): v for k, v in credential.items()})


def put_in_state(client, sign_in, learner, certificate, state: str):  # type: ignore[no-untyped-def]
    """Take the certificate to `state` the way the site does; return the admin (a course owner)."""
    if state == "replaced":
        correction = {
            "legal_name": "Corrected Name",
            "profession": learner.profession,
            "license_number": learner.license_number,
            "license_state": learner.license_state,
            "reason": "Misspelt.",
        }
        client.post(f"/certificates/{certificate.public_id}/correction", data=correction)
    client.post("/sign-out")
    admin = sign_in(Role.ADMIN)
    db.session.add(CourseStaff(course_id=certificate.course_id, user_id=admin.id, is_owner=True))
    db.session.commit()
    if state == "replaced":
        request = db.session.scalar(select(CertificateCorrection))
        assert client.post(f"/admin/corrections/{request.id}/approve").status_code == 302
    if state == "revoked":
        reason = {"reason": "The attestation was false.", "confirm": "yes"}
        client.post(f"/admin/certificates/{certificate.public_id}/revoke", data=reason)
    return admin


@pytest.mark.parametrize("state", ["valid", "replaced", "revoked"])
def test_every_place_agrees_on_the_state(client, sign_in, runner, tmp_path, state):
    course = make_course(modules=1)
    learner = sign_in()
    certificate = earn_certificate(client, course, learner.id)
    public_id, hours = certificate.public_id, certificate.ce_hours
    text = client.get(f"/certificates/{public_id}/credential.json").get_data(as_text=True)
    admin = put_in_state(client, sign_in, learner, certificate, state)
    db.session.expire_all()
    assert db.session.get(Certificate, certificate.id).status == state
    successor = db.session.scalar(
        select(Certificate).where(Certificate.replaces_id == certificate.id)
    )

    # The credential check: page, API, CLI; as downloaded and with the @id trick.
    for body in (text, at_id_trick(text)):
        page = client.post("/verify/credential", data={"credential": body}).get_data(as_text=True)
        assert VERDICTS[state] in page
        api = client.post("/api/credentials/verify", data=body, content_type="application/json")
        assert api.status_code == 200 and api.get_json()["status"] == state
        assert api.get_json()["signature"]["verified"] is True
        path = tmp_path / "credential.json"
        path.write_text(body)
        cli = runner.invoke(args=["certificates", "verify", str(path)])
        assert cli.output.startswith(f"{state}:") and (cli.exit_code == 0) == (state == "valid")
    if state == "revoked":
        assert "The attestation was false." in api.get_json()["reason"]
        assert api.get_json()["certificate"]["revoked_reason"] == "The attestation was false."
    if state == "replaced":
        assert api.get_json()["certificate"]["replaced_by"] == display_id(successor.public_id)

    # The public verification page.
    assert HEADINGS[state] in client.get(f"/verify/{public_id}").get_data(as_text=True)

    # The exports (the admin owns the course).
    completions = rows(client.get(f"/records/{course.slug}/completions.csv"))
    participants = rows(client.get(f"/records/{course.slug}/participants.csv"))
    current = successor or certificate
    assert [r[8] for r in completions[1:]] == [display_id(current.public_id)]
    assert [r[9] for r in completions[1:]] == ["revoked" if state == "revoked" else "valid"]
    assert participants[0][-1] == "Certificate status"
    assert [r[-1] for r in participants[1:]] == ["revoked" if state == "revoked" else "valid"]

    # The learner's own pages: downloads, dashboard, transcript.
    client.post("/sign-out")
    sign_in(user=learner)
    for download in ("certificate.pdf", "credential.json"):
        response = client.get(f"/certificates/{public_id}/{download}")
        if state == "valid":
            assert response.status_code == 200
        else:
            assert response.status_code == 410
            assert f"This certificate was {state}" in response.get_data(as_text=True)
    earned = f"{(Decimal(0) if state == 'revoked' else hours).normalize():f}"
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert f"<dt>CE hours earned</dt><dd>{earned}</dd>" in dashboard
    transcript = client.get("/transcript").get_data(as_text=True)
    assert f"<dt>Total CE hours</dt><dd>{earned}</dd>" in transcript
    lines = rows(client.get("/transcript.csv"))
    assert lines[-1][4] == f"{earned}"
    assert [line[5] for line in lines[1:-1]] == [display_id(current.public_id)]
    assert admin.id != learner.id
