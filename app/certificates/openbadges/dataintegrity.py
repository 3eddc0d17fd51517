"""Data Integrity proofs with the `eddsa-rdfc-2022` cryptosuite (W3C vc-di-eddsa, section 3.3)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pyld.jsonld import JsonLdError

from app.certificates.openbadges.canonical import LossyDocument, canonical_nquads
from app.certificates.openbadges.multibase import decode_multibase, encode_multibase

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"
PROOF_PURPOSE = "assertionMethod"
#: XML Schema dateTimeStamp: a date-time that names its time zone.
_DATE_TIME_STAMP = re.compile(r"-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")

Contexts = Mapping[str, dict[str, Any]] | None


@dataclass(frozen=True)
class ProofCheck:
    """Whether a proof verified, and if not, why (for a person reading the verification page)."""

    verified: bool
    reason: str


def proof_configuration(
    document: Mapping[str, Any], *, created: str, verification_method: str
) -> dict[str, Any]:
    """The proof options for `document`, before signing (vc-di-eddsa 3.3.5)."""
    if not _DATE_TIME_STAMP.fullmatch(created):
        raise ValueError(f"created must be an XML Schema dateTimeStamp, not {created!r}")
    return {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": PROOF_PURPOSE,
    }


def hash_data(
    document: Mapping[str, Any], proof_options: Mapping[str, Any], contexts: Contexts = None
) -> bytes:
    """SHA-256 of the canonical proof configuration, then of the canonical document (3.3.4)."""
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    configuration = {key: value for key, value in proof_options.items() if key != "proofValue"}
    configuration["@context"] = unsecured.get("@context")
    proof_hash = hashlib.sha256(canonical_nquads(configuration, contexts).encode()).digest()
    document_hash = hashlib.sha256(canonical_nquads(unsecured, contexts).encode()).digest()
    return proof_hash + document_hash


def create_proof(
    document: Mapping[str, Any],
    private_key: Ed25519PrivateKey,
    *,
    created: str,
    verification_method: str,
    contexts: Contexts = None,
) -> dict[str, Any]:
    """Return the `proof` object (with `proofValue`) for an unsecured document."""
    proof = proof_configuration(document, created=created, verification_method=verification_method)
    signature = private_key.sign(hash_data(document, proof, contexts))
    return {**proof, "proofValue": encode_multibase(signature)}


def _shape_problem(proof: object) -> str | None:
    """Say why `proof` is not an eddsa-rdfc-2022 proof this verifier accepts, or None."""
    if not isinstance(proof, Mapping):
        return "the proof is not an object"
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        return f"the proof is not a {PROOF_TYPE} with cryptosuite {CRYPTOSUITE}"
    if proof.get("proofPurpose") != PROOF_PURPOSE:
        return f"the proof's purpose is not {PROOF_PURPOSE}"
    created = proof.get("created")
    if created is not None and not (
        isinstance(created, str) and _DATE_TIME_STAMP.fullmatch(created)
    ):
        return "the proof's creation time is malformed"
    if not isinstance(proof.get("verificationMethod"), str):
        return "the proof names no verification method"
    if not isinstance(proof.get("proofValue"), str):
        return "the proof has no proofValue"
    return None


def verify_proof(
    document: Mapping[str, Any],
    public_key: Ed25519PublicKey,
    contexts: Contexts = None,
) -> ProofCheck:
    """Verify the single eddsa-rdfc-2022 proof of a secured document, offline."""
    proofs = document.get("proof")
    if isinstance(proofs, list):
        if len(proofs) != 1:
            return ProofCheck(False, "expected exactly one proof")
        proofs = proofs[0]
    problem = _shape_problem(proofs)
    if problem:
        return ProofCheck(False, problem)
    assert isinstance(proofs, Mapping)
    try:
        signature = decode_multibase(proofs["proofValue"])
    except ValueError:
        return ProofCheck(False, "the proofValue is not multibase base58btc")
    try:
        data = hash_data(document, proofs, contexts)
    except LossyDocument as error:
        return ProofCheck(False, f"part of the document is not covered by the proof ({error})")
    except (JsonLdError, TypeError, ValueError) as error:
        return ProofCheck(False, f"the document could not be canonicalized ({error})")
    try:
        public_key.verify(signature, data)
    except InvalidSignature:
        return ProofCheck(False, "the signature does not match the document and key")
    return ProofCheck(True, "the signature is valid")
