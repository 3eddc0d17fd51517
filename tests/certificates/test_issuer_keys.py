"""The issuer's DID document, key rotation, and the credential check API under hostile input."""

from __future__ import annotations

import json

import pytest

from app.certificates import services
from app.certificates.document import CertificateDocument
from app.certificates.openbadges.credential import (
    build_credential,
    credential_json,
    sign_credential,
)
from app.certificates.openbadges.keys import (
    load_or_create_signing_key,
    load_retired_public_keys,
    public_key_multibase,
    rotate_signing_key,
)
from tests.certificates.conftest import document_fields
from tests.conftest import make_app


def test_the_did_document_is_public_cacheable_and_lists_the_signing_key(client):
    response = client.get("/.well-known/did.json")
    assert response.status_code == 200
    assert response.mimetype == "application/did+ld+json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "max-age=3600" in response.headers["Cache-Control"]
    assert "Set-Cookie" not in response.headers
    document = json.loads(response.data)
    assert document["id"] == "did:web:groundwork.test"  # from the test SITE_URL
    (method,) = document["verificationMethod"]
    assert method["type"] == "Multikey" and method["controller"] == document["id"]
    assert document["assertionMethod"] == [method["id"]]
    assert client.get("/keys/certificates").get_json() == document


@pytest.mark.parametrize(
    "name", ["credentials-v2.jsonld", "ob-v3p0-context-3.0.3.json", "did-v1.jsonld"]
)
def test_the_contexts_a_verifier_needs_are_served(client, name):
    response = client.get(f"/contexts/{name}")
    assert response.status_code == 200 and "@context" in response.get_json(force=True)
    assert response.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("name", ["../config.py", "README.md", "nothing.json"])
def test_only_bundled_contexts_are_served(client, name):
    assert client.get(f"/contexts/{name}").status_code == 404


def test_rotation_retires_the_old_key_newest_first(tmp_path):
    first = load_or_create_signing_key(tmp_path)
    second = rotate_signing_key(tmp_path)
    third = rotate_signing_key(tmp_path)
    assert len({public_key_multibase(k) for k in (first, second, third)}) == 3
    assert public_key_multibase(load_or_create_signing_key(tmp_path)) == public_key_multibase(third)
    retired = [public_key_multibase(k) for k in load_retired_public_keys(tmp_path)]
    assert retired == [public_key_multibase(second), public_key_multibase(first)]
    assert (tmp_path / "certificate-signing-key.pem").stat().st_mode & 0o077 == 0


def test_after_rotation_old_credentials_verify_and_both_keys_are_listed(
    database_url, tmp_path, monkeypatch
):
    monkeypatch.setenv("GROUNDWORK_INSTANCE", str(tmp_path))
    application = make_app(database_url)
    runner = application.test_cli_runner()
    with application.app_context():
        ring = services.key_ring()
        credential = build_credential(
            CertificateDocument(
                **document_fields(
                    verification_url="https://x.example/verify/0pj115pnc4ysvfa9x0ggp83rpsqk"
                )
            ),
            application.config["SITE_URL"],
        )
        old = sign_credential(credential, services.signing_key(), ring.current_method)
    path = tmp_path / "old.json"
    path.write_text(credential_json(old))
    rotated = runner.invoke(args=["certificates", "rotate-key"])
    assert rotated.exit_code == 0 and "Now signing with did:web:" in rotated.output
    checked = runner.invoke(args=["certificates", "verify", str(path)])
    # Signed by the retired key, so the signature holds; its id is not a certificate here.
    assert checked.output.startswith("unknown: The signature is valid.")
    document = application.test_client().get("/.well-known/did.json").get_json(force=True)
    assert [m["id"] for m in document["verificationMethod"]][1] == ring.current_method
    assert len(document["assertionMethod"]) == 2
    application.extensions["db_engine"].dispose()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[" * 1000 + "]" * 1000, "nested more than"),
        ('{"a": 1, "a": 2}', "appears twice"),
        ('{"n": 1' + "0" * 400 + "}", "too long"),
        ("[]", "JSON object"),
        ("not json", "not valid JSON"),
        ("", "Paste a credential"),
    ],
)
def test_the_api_answers_hostile_json_with_a_clear_400(client, body, message):
    response = client.post("/api/credentials/verify", data=body, content_type="application/json")
    assert response.status_code == 400 and message in response.get_json()["error"]


def test_the_page_answers_hostile_json_with_a_clear_400(client):
    for body in ('{"id": 1, "id": 2}', "1e999", '"just a string"'):
        response = client.post("/verify/credential", data={"credential": body})
        assert response.status_code == 400
        assert 'aria-invalid="true"' in response.get_data(as_text=True)


def test_a_json_object_that_is_no_credential_is_invalid_not_an_error(client):
    for body in ("{}", '{"@context": [1, {"@id": {}}]}', '{"proof": [1, 2]}'):
        response = client.post(
            "/api/credentials/verify", data=body, content_type="application/json"
        )
        assert response.status_code == 200 and response.get_json()["status"] == "invalid"
