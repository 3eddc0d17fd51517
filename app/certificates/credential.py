"""The certificate as an Open Badges 3.0 `OpenBadgeCredential`, signed with eddsa-rdfc-2022."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Literal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from app.certificates.canonical import OB_V3_CONTEXT, VC_V2_CONTEXT
from app.certificates.dataintegrity import create_proof, verify_proof
from app.certificates.document import CertificateDocument
from app.certificates.keys import public_key_from_multibase, raw_public_key

CONTEXT = [VC_V2_CONTEXT, OB_V3_CONTEXT]
CREDENTIAL_TYPES = ["VerifiableCredential", "OpenBadgeCredential"]
#: What the platform's completion gate requires (ce-requirements.md, "Completion gate").
DEFAULT_CRITERIA = (
    "Completed every lesson of the course, passed its post-test, submitted the course "
    "evaluation and attested to having completed the activity in full."
)
#: Extension identity types (OB 3.0 allows `ext:` names) for the learner's own license.
LICENSE_NUMBER_TYPE = "ext:licenseNumber"
LICENSE_STATE_TYPE = "ext:licenseJurisdiction"

Status = Literal["valid", "invalid", "revoked"]


@dataclass(frozen=True)
class VerificationResult:
    """The outcome of checking a signed credential: a status and a sentence saying why."""

    status: Status
    reason: str

    @property
    def valid(self) -> bool:
        """True only for an intact, current, unrevoked credential."""
        return self.status == "valid"


def timestamp(moment: datetime) -> str:
    """An aware datetime as an XML Schema dateTimeStamp in UTC, to the second: `...T17:02:11Z`."""
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def _credits(hours: Decimal) -> int | float:
    """CE hours as a JSON number; whole hours as integers so every JSON parser reads them alike."""
    return int(hours) if hours == hours.to_integral_value() else float(hours)


def achievement_id_for(site_url: str, document: CertificateDocument) -> str:
    """A stable URN for the course version: the same for every learner who completes it."""
    name = f"{site_url.rstrip('/')}|{document.course_title}|{document.course_version}"
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


def _identity(identity_type: str, value: str) -> dict[str, Any]:
    """A plain-text IdentityObject for the credential subject."""
    return {
        "type": "IdentityObject",
        "identityType": identity_type,
        "hashed": False,
        "identityHash": value,
    }


def build_credential(
    document: CertificateDocument,
    site_url: str,
    *,
    achievement_id: str | None = None,
    criteria_narrative: str = DEFAULT_CRITERIA,
) -> dict[str, Any]:
    """Return the unsigned OpenBadgeCredential stating exactly what the certificate states."""
    site = site_url.rstrip("/")
    identifiers = [_identity("name", document.learner_name)]
    if document.license_number is not None:
        identifiers.append(_identity(LICENSE_NUMBER_TYPE, document.license_number))
    if document.license_state is not None:
        identifiers.append(_identity(LICENSE_STATE_TYPE, document.license_state))
    credits = _credits(document.ce_hours)
    issued = timestamp(document.issued_at)
    return {
        "@context": list(CONTEXT),
        "id": document.verification_url,
        "type": list(CREDENTIAL_TYPES),
        "name": f"Certificate of Completion: {document.course_title}",
        "description": (
            f"Continuing-education certificate {document.display_id}: "
            f"{document.ce_hours_phrase}, {document.delivery_format}, "
            f"completed {document.completed_on_text}."
        ),
        "issuer": {"id": site, "type": ["Profile"], "name": document.provider_name, "url": site},
        "validFrom": issued,
        "awardedDate": issued,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": identifiers,
            "role": document.profession,
            "creditsEarned": credits,
            "achievement": {
                "id": achievement_id or achievement_id_for(site, document),
                "type": ["Achievement"],
                "achievementType": "Course",
                "name": document.course_title,
                "version": document.course_version,
                "description": (
                    f"{document.delivery_format}; {document.ce_hours_phrase}. "
                    f"{document.approval_statement}"
                ),
                "criteria": {"narrative": criteria_narrative},
                "creditsAvailable": credits,
            },
        },
    }


def sign_credential(
    credential: Mapping[str, Any],
    private_key: Ed25519PrivateKey,
    verification_method: str,
    *,
    created: str | None = None,
) -> dict[str, Any]:
    """Return `credential` with an eddsa-rdfc-2022 proof appended (as the array OB 3.0 wants).

    `created` defaults to the credential's `validFrom`, so signing the same certificate
    again gives the same bytes (Ed25519 signatures are deterministic).
    """
    unsecured = {key: value for key, value in credential.items() if key != "proof"}
    proof = create_proof(
        unsecured,
        private_key,
        created=created or str(unsecured["validFrom"]),
        verification_method=verification_method,
    )
    return {**unsecured, "proof": [proof]}


def _named_key_problem(signed: Mapping[str, Any], public_key: Ed25519PublicKey) -> str | None:
    """A did:key verification method must name the key we verify with."""
    proofs = signed.get("proof")
    proof = proofs[0] if isinstance(proofs, list) and proofs else proofs
    method = proof.get("verificationMethod") if isinstance(proof, Mapping) else None
    if not isinstance(method, str) or not method.startswith("did:key:"):
        return None
    try:
        named = public_key_from_multibase(method.removeprefix("did:key:").split("#")[0])
    except ValueError:
        return "the proof's did:key is malformed"
    if raw_public_key(named) != raw_public_key(public_key):
        return "the proof names a different key"
    return None


def _parse_time(value: object) -> datetime | None:
    """Read a dateTimeStamp (Z or offset); None when absent or malformed."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _envelope_problem(signed: Mapping[str, Any], now: datetime) -> str | None:
    """Say why the credential is not a current OpenBadgeCredential from us, or None."""
    context = signed.get("@context")
    if not isinstance(context, list) or context[:2] != CONTEXT:
        return "the credential's @context is not VC 2.0 followed by Open Badges 3.0"
    types = signed.get("type")
    if not isinstance(types, list) or not set(CREDENTIAL_TYPES) <= set(types):
        return "the credential is not an OpenBadgeCredential"
    valid_from = _parse_time(signed.get("validFrom"))
    if valid_from is None:
        return "the credential has no valid validFrom"
    if valid_from > now:
        return f"the credential is not valid before {signed['validFrom']}"
    valid_until = signed.get("validUntil")
    if valid_until is not None:
        until = _parse_time(valid_until)
        if until is None or until < now:
            return "the credential has expired"
    return None


def verify_credential(
    signed: Mapping[str, Any],
    public_key: Ed25519PublicKey,
    *,
    revoked: bool = False,
    now: datetime | None = None,
) -> VerificationResult:
    """Check a signed credential offline; `revoked` is the caller's record of revocation."""
    if not isinstance(signed, Mapping):
        return VerificationResult("invalid", "the credential is not a JSON object")
    problem = _envelope_problem(signed, now or datetime.now(UTC)) or _named_key_problem(
        signed, public_key
    )
    if problem:
        return VerificationResult("invalid", problem)
    check = verify_proof(signed, public_key)
    if not check.verified:
        return VerificationResult("invalid", check.reason)
    if revoked:
        return VerificationResult("revoked", "the signature is valid, but the issuer revoked it")
    return VerificationResult("valid", check.reason)


def credential_json(credential: Mapping[str, Any]) -> str:
    """The credential as the JSON text users download: UTF-8, indented, key order kept."""
    return json.dumps(credential, ensure_ascii=False, indent=2) + "\n"
