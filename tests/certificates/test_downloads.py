"""The Open Badges credential and the transcript as a learner downloads them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import jsonschema
from pypdf import PdfReader

from app.certificates.identifiers import display_id
from app.certificates.openbadges.credential import verify_credential
from app.certificates.openbadges.issuer import KeyRing
from app.certificates.openbadges.keys import public_key_from_multibase
from tests.certificates.helpers import earn_certificate
from tests.factories import make_course

SCHEMA = Path(__file__).resolve().parents[2] / "app/certificates/openbadges/contexts"


def schema() -> dict:  # type: ignore[type-arg]
    path = next(SCHEMA.glob("*achievementcredential*schema*.json"))
    return json.loads(path.read_text())


def published_ring(client) -> KeyRing:  # type: ignore[no-untyped-def]
    """The issuer and keys as the site's DID document lists them."""
    response = client.get("/.well-known/did.json")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    document = response.get_json(force=True)
    keys = [
        public_key_from_multibase(m["publicKeyMultibase"]) for m in document["verificationMethod"]
    ]
    return KeyRing(document["id"], keys[0], tuple(keys[1:]))


def test_the_credential_is_schema_valid_and_verifies_with_the_published_key(client, sign_in):
    course = make_course(modules=1)
    user = sign_in()
    certificate = earn_certificate(client, course, user.id)
    response = client.get(f"/certificates/{certificate.public_id}/credential.json")
    assert response.mimetype == "application/json"
    signed = json.loads(response.data)
    jsonschema.validate(signed, schema())
    assert "OpenBadgeCredential" in signed["type"]
    assert signed["credentialSubject"]["creditsEarned"] == 1
    ring = published_ring(client)
    assert signed["issuer"]["id"] == ring.issuer == "did:web:groundwork.test"  # the SITE_URL
    assert signed["proof"][0]["verificationMethod"] == ring.current_method
    assert verify_credential(signed, ring).signature.verified
    again = json.loads(client.get(f"/certificates/{certificate.public_id}/credential.json").data)
    assert again == signed  # same bytes on every download

    tampered = json.loads(json.dumps(signed).replace(user.legal_name, user.legal_name + "x"))
    result = verify_credential(tampered, ring)
    assert not result.valid and result.status == "invalid"


def test_the_credential_check_page_reports_valid_tampered_and_revoked(client, sign_in):
    course = make_course(modules=1)
    user = sign_in()
    certificate = earn_certificate(client, course, user.id)
    text = client.get(f"/certificates/{certificate.public_id}/credential.json").get_data(
        as_text=True
    )
    client.post("/sign-out")
    page = client.post("/verify/credential", data={"credential": text}).get_data(as_text=True)
    assert "✓ Valid: signed by this site, and the certificate is current" in page
    tampered = text.replace('"creditsEarned": 1', '"creditsEarned": 10')
    assert tampered != text
    page = client.post("/verify/credential", data={"credential": tampered}).get_data(as_text=True)
    assert "✗ Not valid" in page
    page = client.post("/verify/credential", data={"credential": "{not json"}).get_data(
        as_text=True
    )
    assert "That is not valid JSON." in page
    response = client.post("/verify/credential", data={"credential": "[" * 1000 + "]" * 1000})
    assert response.status_code == 400 and "nested more than" in response.get_data(as_text=True)
    upload = client.post(
        "/verify/credential",
        data={"upload": (io.BytesIO(text.encode()), "credential.json")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "✓ Valid" in upload

    from app.accounts.models import Role
    from tests.conftest import UserFactory

    admin = UserFactory(count=900)(Role.ADMIN)
    client.post("/sign-in", data={"email": admin.email, "password": "correct horse battery"})
    client.post(
        f"/admin/certificates/{certificate.public_id}/revoke",
        data={"reason": "Fraud", "confirm": "yes"},
    )
    page = client.post("/verify/credential", data={"credential": text}).get_data(as_text=True)
    assert "✗ Revoked" in page


def test_the_transcript_page_csv_and_pdf(client, sign_in):
    first = make_course(slug="first-course", modules=1)
    second = make_course(slug="second-course", modules=1)
    user = sign_in()
    one = earn_certificate(client, first, user.id)
    earn_certificate(client, second, user.id)
    page = client.get("/transcript").get_data(as_text=True)
    assert "Course first-course" in page and "Course second-course" in page
    assert "<dt>Total CE hours</dt><dd>2</dd>" in page

    rows = list(csv.reader(io.StringIO(client.get("/transcript.csv").get_data(as_text=True))))
    assert rows[0][:2] == ["Completed", "Course"]
    assert {r[1] for r in rows[1:3]} == {"Course first-course", "Course second-course"}
    assert rows[-1][4] == "2" and display_id(one.public_id) in {r[5] for r in rows}

    future = client.get("/transcript?start=2999-01-01").get_data(as_text=True)
    assert "No certificates in this period yet." in future
    bad = client.get("/transcript?start=yesterday").get_data(as_text=True)
    assert "A date was not understood" in bad

    pdf = client.get("/transcript.pdf")
    text = " ".join(PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text().split())
    assert "Transcript of continuing-education hours" in text
    assert user.legal_name in text and "Course second-course" in text
    assert "Total CE hours (valid certificates): 2" in text


def test_the_verify_command_checks_a_downloaded_credential(client, sign_in, runner, tmp_path):
    course = make_course(modules=1)
    user = sign_in()
    certificate = earn_certificate(client, course, user.id)
    path = tmp_path / "credential.json"
    path.write_bytes(client.get(f"/certificates/{certificate.public_id}/credential.json").data)
    good = runner.invoke(args=["certificates", "verify", str(path)])
    assert good.exit_code == 0 and good.output.startswith("valid:")
    path.write_text(path.read_text().replace(user.legal_name, "Someone Else"))
    bad = runner.invoke(args=["certificates", "verify", str(path)])
    assert bad.exit_code == 1 and bad.output.startswith("invalid:")
    path.write_text("{broken")
    broken = runner.invoke(args=["certificates", "verify", str(path)])
    assert broken.exit_code != 0 and "That is not valid JSON." in broken.output
