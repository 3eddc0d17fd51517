"""eddsa-rdfc-2022 proofs, checked against the W3C vc-di-eddsa test vector, fully offline."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from app.certificates.openbadges.canonical import canonical_nquads
from app.certificates.openbadges.dataintegrity import create_proof, hash_data, verify_proof
from app.certificates.openbadges.keys import private_key_from_multibase

VECTOR: dict[str, Any] = json.loads(
    (Path(__file__).parent / "vectors" / "eddsa-rdfc-2022-alumni.json").read_text()
)
CONTEXTS = VECTOR["contexts"]


@pytest.fixture(autouse=True)
def _offline(no_network: None) -> None:
    """Every test here runs with sockets disabled."""


def unsigned() -> dict[str, Any]:
    """The vector's credential without its proof."""
    return {key: value for key, value in VECTOR["signed"].items() if key != "proof"}


def test_our_proof_matches_the_w3c_vector_byte_for_byte() -> None:
    key = private_key_from_multibase(VECTOR["keyPair"]["privateKeyMultibase"])
    expected = VECTOR["signed"]["proof"]
    proof = create_proof(
        unsigned(),
        key,
        created=expected["created"],
        verification_method=expected["verificationMethod"],
        contexts=CONTEXTS,
    )
    assert proof == expected


def test_canonical_proof_configuration_and_hashes_match_the_vector() -> None:
    proof = VECTOR["signed"]["proof"]
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    options["@context"] = VECTOR["signed"]["@context"]
    assert canonical_nquads(options, CONTEXTS) == VECTOR["proofCanonical"]
    assert hash_data(unsigned(), proof, CONTEXTS).hex() == VECTOR["combinedHash"]


def test_the_vector_verifies_and_its_tampered_copy_does_not() -> None:
    public_key = private_key_from_multibase(VECTOR["keyPair"]["privateKeyMultibase"]).public_key()
    assert verify_proof(VECTOR["signed"], public_key, CONTEXTS).verified
    tampered = json.loads(json.dumps(VECTOR["signed"]))
    tampered["credentialSubject"]["alumniOf"] = "The School of Exampless"
    check = verify_proof(tampered, public_key, CONTEXTS)
    assert not check.verified and "signature does not match" in check.reason


def test_a_context_that_is_not_bundled_is_refused_without_fetching_it() -> None:
    public_key = private_key_from_multibase(VECTOR["keyPair"]["privateKeyMultibase"]).public_key()
    check = verify_proof(VECTOR["signed"], public_key)  # the examples context is not bundled
    assert not check.verified and "could not be canonicalized" in check.reason


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"type": "Ed25519Signature2020"}, "not a DataIntegrityProof"),
        ({"cryptosuite": "eddsa-jcs-2022"}, "not a DataIntegrityProof"),
        ({"proofPurpose": "authentication"}, "purpose"),
        ({"created": "yesterday"}, "creation time"),
        ({"proofValue": "u" + "A" * 86}, "multibase"),
    ],
)
def test_malformed_proofs_are_refused_with_a_reason(change: dict[str, str], reason: str) -> None:
    public_key = private_key_from_multibase(VECTOR["keyPair"]["privateKeyMultibase"]).public_key()
    document = {**VECTOR["signed"], "proof": {**VECTOR["signed"]["proof"], **change}}
    check = verify_proof(document, public_key, CONTEXTS)
    assert not check.verified and reason in check.reason
