"""The certificate as an Open Badges 3.0 `OpenBadgeCredential`, signed with eddsa-rdfc-2022."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Literal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pyld.jsonld import JsonLdError

from app.certificates.document import CertificateDocument
from app.certificates.openbadges.canonical import (
    OB_V3_CONTEXT,
    VC_V2_CONTEXT,
    LossyDocument,
    expand_document,
)
from app.certificates.openbadges.dataintegrity import create_proof, verify_proof
from app.certificates.openbadges.issuer import KeyRing, did_web
from app.certificates.standing import Standing, State

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

VC_VOCAB = "https://www.w3.org/2018/credentials#"
OB_VOCAB = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#"
EXPANDED_TYPES = {VC_VOCAB + "VerifiableCredential", OB_VOCAB + "OpenBadgeCredential"}

Status = Literal["valid", "invalid", "replaced", "revoked", "unknown"]


@dataclass(frozen=True)
class SignatureCheck:
    """Whether the issuer's key signed this graph; `credential_id` is its `@id` as signed."""

    verified: bool
    reason: str
    credential_id: str | None = None


@dataclass(frozen=True)
class VerificationResult:
    """A credential check: the signature result and, beside it, the certificate's state."""

    signature: SignatureCheck
    standing: Standing | None = None

    @property
    def status(self) -> Status:
        """invalid (signature), else the certificate's state: valid, replaced, revoked, unknown."""
        if not self.signature.verified:
            return "invalid"
        return self.standing.state.value if self.standing else "unknown"

    @property
    def valid(self) -> bool:
        """True only for an intact credential of a current, unrevoked certificate."""
        return self.status == "valid"

    @property
    def reason(self) -> str:
        """The signature result, then the state, in sentences a person reads."""
        if not self.signature.verified:
            return f"The signature does not hold: {self.signature.reason}."
        standing = self.standing or Standing(State.UNKNOWN)
        return f"The signature is valid. {standing.sentence()}"


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


def _kind(document: CertificateDocument) -> str:
    """How the credential's description names the certificate."""
    return (
        "Attendance certificate" if document.attendance_only else "Continuing-education certificate"
    )


def build_credential(
    document: CertificateDocument,
    site_url: str,
    *,
    achievement_id: str | None = None,
    criteria_narrative: str = DEFAULT_CRITERIA,
    issuer_id: str | None = None,
) -> dict[str, Any]:
    """Return the unsigned OpenBadgeCredential stating exactly what the certificate states.

    The issuer is the site's did:web (`issuer_id` overrides it), whose DID document lists
    the signing keys: that is what ties the key to the issuer for any verifier.
    """
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
        "name": f"{document.heading}: {document.course_title}",
        "description": (
            f"{_kind(document)} {document.display_id}: "
            f"{document.credit_phrase}, {document.delivery_format}, "
            f"completed {document.completed_on_text}."
        ),
        "issuer": {
            "id": issuer_id or did_web(site),
            "type": ["Profile"],
            "name": document.provider_name,
            "url": site,
        },
        "validFrom": issued,
        "awardedDate": issued,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": identifiers,
            "role": document.profession,
            # Hours of participation on an attendance certificate earn no credit.
            **({} if document.attendance_only else {"creditsEarned": credits}),
            "achievement": {
                "id": achievement_id or achievement_id_for(site, document),
                "type": ["Achievement"],
                "achievementType": "Course",
                "name": document.course_title,
                "version": document.course_version,
                "description": (
                    f"{document.delivery_format}; {document.credit_phrase}. "
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


def _parse_time(value: object) -> datetime | None:
    """Read a dateTimeStamp (Z or offset); None when absent or malformed."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


@dataclass(frozen=True)
class _Facts:
    """What the expanded credential says about itself, whatever its keys were spelled as."""

    credential_id: str | None
    issuer: str | None
    valid_from: object
    valid_until: object


def _first(node: Mapping[str, Any], iri: str, key: str) -> object:
    """The `key` (`@id` or `@value`) of the first value of property `iri` in an expanded node."""
    values = node.get(iri)
    if isinstance(values, list) and values and isinstance(values[0], Mapping):
        return values[0].get(key)
    return None


def _facts(unsecured: Mapping[str, Any]) -> _Facts | str:
    """Read the credential node from the expanded graph, or say why it cannot be read."""
    try:
        expanded = expand_document(unsecured)
    except LossyDocument as error:
        return f"part of the document is not covered by the proof ({error})"
    except (JsonLdError, TypeError, ValueError, RecursionError) as error:
        return f"the document could not be read as JSON-LD ({str(error)[:200]})"
    if len(expanded) != 1:
        return "the document must describe exactly one credential"
    node = expanded[0]
    types = node.get("@type")
    if not isinstance(types, list) or not set(types) >= EXPANDED_TYPES:
        return "the credential is not an OpenBadgeCredential"
    credential_id = node.get("@id")
    issuer = _first(node, VC_VOCAB + "issuer", "@id")
    return _Facts(
        credential_id=credential_id if isinstance(credential_id, str) else None,
        issuer=issuer if isinstance(issuer, str) else None,
        valid_from=_first(node, VC_VOCAB + "validFrom", "@value"),
        valid_until=_first(node, VC_VOCAB + "validUntil", "@value"),
    )


def _time_problem(facts: _Facts, now: datetime) -> str | None:
    """Say why the credential is not valid at `now`, or None."""
    valid_from = _parse_time(facts.valid_from)
    if valid_from is None:
        return "the credential has no valid validFrom"
    if valid_from > now:
        return f"the credential is not valid before {facts.valid_from}"
    if facts.valid_until is not None:
        until = _parse_time(facts.valid_until)
        if until is None or until < now:
            return "the credential has expired"
    return None


def _proof_method(signed: Mapping[str, Any]) -> str | None:
    """The verification method the (single) proof names, if it names one."""
    proofs = signed.get("proof")
    proof = proofs[0] if isinstance(proofs, list) and len(proofs) == 1 else proofs
    method = proof.get("verificationMethod") if isinstance(proof, Mapping) else None
    return method if isinstance(method, str) else None


def check_signature(
    signed: Mapping[str, Any], ring: KeyRing, *, now: datetime | None = None
) -> SignatureCheck:
    """Check offline that one of the issuer's listed keys signed this credential's graph.

    Everything is read from the expanded graph the proof covers, so renaming `id` to `@id`
    or writing the credential in expanded form changes nothing here, as it changes nothing
    in what was signed.
    """
    if not isinstance(signed, Mapping):
        return SignatureCheck(False, "the credential is not a JSON object")
    context = signed.get("@context")
    if not isinstance(context, list) or context[:2] != CONTEXT:
        return SignatureCheck(
            False, "the credential's @context is not VC 2.0 followed by Open Badges 3.0"
        )
    facts = _facts({key: value for key, value in signed.items() if key != "proof"})
    if isinstance(facts, str):
        return SignatureCheck(False, facts)
    problem = _time_problem(facts, now or datetime.now(UTC))
    if problem:
        return SignatureCheck(False, problem)
    method = _proof_method(signed)
    if method is None:
        return SignatureCheck(False, "the credential has no single proof naming its key")
    key = ring.key_for(method, facts.issuer)
    if key is None:
        return SignatureCheck(
            False,
            f"the proof's key ({method[:120]}) is not one that the issuer "
            f"({str(facts.issuer)[:120]}) lists in its DID document",
        )
    check = verify_proof(signed, key)
    return SignatureCheck(check.verified, check.reason, facts.credential_id)


def verify_credential(
    signed: Mapping[str, Any],
    ring: KeyRing,
    standing_of: Callable[[str | None], Standing | None] = lambda _id: None,
    *,
    now: datetime | None = None,
) -> VerificationResult:
    """Check the signature, then look the signed credential id up with `standing_of`."""
    signature = check_signature(signed, ring, now=now)
    if not signature.verified:
        return VerificationResult(signature)
    return VerificationResult(signature, standing_of(signature.credential_id))


def credential_json(credential: Mapping[str, Any]) -> str:
    """The credential as the JSON text users download: UTF-8, indented, key order kept."""
    return json.dumps(credential, ensure_ascii=False, indent=2) + "\n"
