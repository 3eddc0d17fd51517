"""Digital Bazaar's reference verifier (`@digitalbazaar/vc`) accepts our credentials.

Wallets and verifiers built on that library check that the proof's key is listed by the
issuer's DID document; this runs it, offline, on a freshly issued credential and on
forgeries that name the site as issuer. `npm ci` in tests/certificates/reference (done
by .ci/run) installs it; without it the test skips locally but fails in CI.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess  # nosec B404: runs node on our own script with fixed arguments
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.accounts.models import Role
from app.certificates.openbadges.canonical import BUNDLED_CONTEXTS, bundled_context
from app.certificates.openbadges.credential import sign_credential
from app.certificates.openbadges.keys import did_key_verification_method, public_key_multibase
from app.content.spec import CreditSpec
from tests.certificates.helpers import earn_certificate
from tests.factories import course_spec, make_course

REFERENCE = Path(__file__).parent / "reference"


@pytest.fixture(scope="module")
def node() -> str:
    """The node binary, with the reference packages installed."""
    found = shutil.which("node")
    if found is None or not (REFERENCE / "node_modules" / "@digitalbazaar" / "vc").is_dir():
        message = "node or tests/certificates/reference/node_modules missing: run npm ci there"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def reference_verify(node: str, credential: dict[str, Any], did: dict[str, Any]) -> dict:
    """Run the reference verifier on `credential`, resolving only `did` and bundled contexts."""
    payload = {
        "credential": credential,
        "didDocument": did,
        "contexts": {url: bundled_context(url) for url in BUNDLED_CONTEXTS},
    }
    run = subprocess.run(  # noqa: S603  # nosec B603: fixed argv, our own script, no shell
        [node, str(REFERENCE / "verify.mjs")],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    result: dict[str, Any] = json.loads(run.stdout)
    return result


def test_the_reference_verifier_accepts_a_fresh_credential_and_rejects_forgeries(
    client, sign_in, node
):
    user = sign_in()
    certificate = earn_certificate(client, make_course(modules=1), user.id)
    credential = client.get(f"/certificates/{certificate.public_id}/credential.json").get_json()
    did = client.get("/.well-known/did.json").get_json(force=True)

    accepted = reference_verify(node, credential, did)
    assert accepted == {"verified": True, "errors": []}

    unsigned = {key: value for key, value in credential.items() if key != "proof"}
    impostor = Ed25519PrivateKey.generate()
    # The site's own method id, signed by another key: the signature fails.
    borrowed = sign_credential(unsigned, impostor, credential["proof"][0]["verificationMethod"])
    # A method under the site's DID that its document does not list.
    unlisted = sign_credential(unsigned, impostor, f"{did['id']}#{public_key_multibase(impostor)}")
    # A self-describing did:key naming the site as issuer: the issuer does not control it.
    self_described = sign_credential(unsigned, impostor, did_key_verification_method(impostor))
    for forged in (borrowed, unlisted, self_described):
        result = reference_verify(node, forged, did)
        assert result["verified"] is False
    assert "Invalid signature." in reference_verify(node, borrowed, did)["errors"]
    assert any("is not listed" in e for e in reference_verify(node, unlisted, did)["errors"])
    assert (
        "Credential issuer must match the verification method controller."
        in reference_verify(node, self_described, did)["errors"]
    )


def test_the_reference_verifier_accepts_credit_type_and_attendance_credentials(
    client, make_user, sign_in, node
):
    """A credential naming its credit type, and one certifying attendance only (no
    creditsEarned), verify with the third-party library as the plain one does."""
    credit = CreditSpec(body="apa", hours=Decimal("1"), statement="Demonstration text: not APA.")
    course = make_course(course_spec(slug="credited-ref", modules=1, credits=(credit,)))
    did = client.get("/.well-known/did.json").get_json(force=True)
    for profession, earns in (("Psychologist", True), ("Physician", False)):
        user = sign_in(user=make_user(Role.LEARNER, profession=profession))
        certificate = earn_certificate(client, course, user.id)
        url = f"/certificates/{certificate.public_id}/credential.json"
        credential = client.get(url).get_json()
        assert ("creditsEarned" in credential["credentialSubject"]) is earns
        assert reference_verify(node, credential, did) == {"verified": True, "errors": []}
        client.post("/sign-out")
