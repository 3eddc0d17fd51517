"""The Open Badges 3.0 credential: schema-valid, signed, and broken by any change."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.certificates.document import CertificateDocument
from app.certificates.openbadges.canonical import LossyDocument
from app.certificates.openbadges.credential import (
    build_credential,
    credential_json,
    sign_credential,
    verify_credential,
)
from app.certificates.openbadges.issuer import KeyRing, did_web
from app.certificates.openbadges.keys import did_key_verification_method
from app.certificates.standing import Standing, State
from tests.certificates.conftest import SITE_URL, MakeDocument

ISSUER = "did:web:groundwork.example"

SCHEMA = json.loads(
    (
        Path(__file__).parents[2]
        / "app/certificates/openbadges/contexts/ob-v3p0-achievementcredential.schema.json"
    ).read_text()
)
VALIDATOR = jsonschema.Draft201909Validator(
    SCHEMA, format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER
)


@pytest.fixture(autouse=True)
def _offline(no_network: None) -> None:
    """Every test here runs with sockets disabled: verification needs nothing remote."""


@pytest.fixture
def ring(signing_key: Ed25519PrivateKey) -> KeyRing:
    """The site's issuer DID and its one key."""
    return KeyRing(did_web(SITE_URL), signing_key.public_key(), legacy_issuer=SITE_URL)


@pytest.fixture
def signed(
    document: CertificateDocument, signing_key: Ed25519PrivateKey, ring: KeyRing
) -> dict[str, Any]:
    """The typical certificate as a signed credential, after a trip through JSON text."""
    credential = build_credential(document, SITE_URL)
    signed = sign_credential(credential, signing_key, ring.current_method)
    return json.loads(credential_json(signed))


def schema_errors(credential: dict[str, Any]) -> list[str]:
    """What the 1EdTech JSON Schema finds wrong with `credential`."""
    return [f"{list(error.path)}: {error.message}" for error in VALIDATOR.iter_errors(credential)]


def test_unsigned_and_signed_credentials_meet_the_ob3_schema(
    document: CertificateDocument, signed: dict[str, Any]
) -> None:
    VALIDATOR.check_schema(SCHEMA)
    assert schema_errors(build_credential(document, SITE_URL)) == []
    assert schema_errors(signed) == []


def test_the_credential_states_what_the_certificate_states(signed: dict[str, Any]) -> None:
    subject = signed["credentialSubject"]
    achievement = subject["achievement"]
    identities = {i["identityType"]: i["identityHash"] for i in subject["identifier"]}
    assert signed["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert signed["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert signed["id"] == f"{SITE_URL}/verify/0pj115pnc4ysvfa9x0ggp83rpsqk"
    assert signed["issuer"] == {
        "id": ISSUER,
        "type": ["Profile"],
        "name": "Groundwork Institute",
        "url": SITE_URL,
    }
    assert signed["validFrom"] == "2026-03-14T17:02:11Z"
    assert identities == {
        "name": "Dr. Maria Elena Rodríguez",
        "ext:licenseNumber": "LCSW 84213",
        "ext:licenseJurisdiction": "California",
    }
    assert subject["role"] == "Licensed Clinical Social Worker"
    assert subject["creditsEarned"] == achievement["creditsAvailable"] == 1.5
    assert achievement["name"] == "Preparation and Integration in Ketamine-Assisted Psychotherapy"
    assert achievement["version"] == "2.1"
    assert "approved by the American Psychological Association" in achievement["description"]
    assert achievement["criteria"]["narrative"].startswith("Completed every lesson")
    assert "March 14, 2026" in signed["description"]


def test_whole_hours_are_json_integers_and_the_license_is_optional(
    make_document: MakeDocument,
) -> None:
    document = make_document(ce_hours=Decimal("2.00"), license_number=None, license_state=None)
    credential = build_credential(document, SITE_URL + "/")
    subject = credential["credentialSubject"]
    assert subject["creditsEarned"] == 2 and isinstance(subject["creditsEarned"], int)
    assert [i["identityType"] for i in subject["identifier"]] == ["name"]
    assert credential["issuer"]["id"] == ISSUER
    assert schema_errors(credential) == []


def test_the_achievement_is_the_same_for_every_learner_of_a_course_version(
    make_document: MakeDocument,
) -> None:
    first = build_credential(make_document(learner_name="Ann Lee"), SITE_URL)
    second = build_credential(make_document(learner_name="Bo Chen"), SITE_URL)
    newer = build_credential(make_document(course_version="3.0"), SITE_URL)
    achievement_id = first["credentialSubject"]["achievement"]["id"]
    assert achievement_id.startswith("urn:uuid:")
    assert second["credentialSubject"]["achievement"]["id"] == achievement_id
    assert newer["credentialSubject"]["achievement"]["id"] != achievement_id


def current(credential_id: str | None) -> Standing:
    """A lookup that finds every credential's certificate current."""
    return Standing(State.VALID, certificate="GW-TEST")


def test_a_signed_credential_verifies_offline(signed: dict[str, Any], ring: KeyRing) -> None:
    result = verify_credential(signed, ring, current)
    assert result.valid and result.status == "valid"
    assert result.signature.credential_id == signed["id"]
    assert signed["proof"][0]["verificationMethod"] == ring.current_method
    assert signed["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
    assert signed["proof"][0]["proofValue"].startswith("z")


def test_signing_the_same_certificate_again_gives_the_same_credential(
    document: CertificateDocument, signing_key: Ed25519PrivateKey
) -> None:
    method = KeyRing(ISSUER, signing_key.public_key()).current_method
    first = sign_credential(build_credential(document, SITE_URL), signing_key, method)
    again = sign_credential(build_credential(document, SITE_URL), signing_key, method)
    assert credential_json(first) == credential_json(again)


def test_a_unicode_and_markup_name_signs_and_verifies(
    make_document: MakeDocument, signing_key: Ed25519PrivateKey, ring: KeyRing
) -> None:
    document = make_document(learner_name='Nguyễn "Zoë" <b>Ødegård</b> \\ **x**')
    signed = sign_credential(build_credential(document, SITE_URL), signing_key, ring.current_method)
    assert verify_credential(json.loads(credential_json(signed)), ring, current).valid


def one_character_changes(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[str, Any]]:
    """Every string in the credential with its first character changed, one at a time."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from one_character_changes(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from one_character_changes(item, (*path, index))
    elif isinstance(value, str) and value:
        changed = "X" if value[-1] != "X" else "Y"
        yield "/".join(map(str, path)), (path, value[:-1] + changed)


def set_at(document: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    """A deep copy of `document` with the value at `path` replaced."""
    changed = copy.deepcopy(document)
    target: Any = changed
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return changed


def test_changing_one_character_anywhere_breaks_verification(
    signed: dict[str, Any], ring: KeyRing
) -> None:
    changes = list(one_character_changes(signed))
    assert len(changes) > 30
    still_valid = [
        where
        for where, (path, value) in changes
        if verify_credential(set_at(signed, path, value), ring, current).valid
    ]
    assert still_valid == []


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("credentialSubject", "creditsEarned"), 15),
        (("credentialSubject", "identifier", 0, "hashed"), True),
        (("credentialSubject", "extra"), "added"),
        (("credentialSubject", "type"), ["AchievementSubject", "Unheard"]),
        (("credentialSubject", "id"), "relative/learner"),
        (("validUntil",), "2099-01-01T00:00:00Z"),
    ],
)
def test_changing_numbers_flags_or_adding_anything_breaks_verification(
    signed: dict[str, Any], ring: KeyRing, path: tuple[Any, ...], value: Any
) -> None:
    result = verify_credential(set_at(signed, path, value), ring, current)
    assert result.status == "invalid"


def test_a_term_no_context_defines_is_never_signed_silently(
    document: CertificateDocument, signing_key: Ed25519PrivateKey
) -> None:
    credential = build_credential(document, SITE_URL)
    credential["credentialSubject"]["favouriteColour"] = "green"
    with pytest.raises(LossyDocument, match="undefined term"):
        sign_credential(credential, signing_key, did_key_verification_method(signing_key))


def test_removing_a_field_breaks_verification(signed: dict[str, Any], ring: KeyRing) -> None:
    trimmed = copy.deepcopy(signed)
    del trimmed["credentialSubject"]["role"]
    assert not verify_credential(trimmed, ring, current).valid


def test_a_credential_signed_by_another_key_fails(
    document: CertificateDocument, ring: KeyRing
) -> None:
    impostor = Ed25519PrivateKey.generate()
    credential = build_credential(document, SITE_URL)
    as_did_key = sign_credential(credential, impostor, did_key_verification_method(impostor))
    as_ours = sign_credential(credential, impostor, ring.current_method)
    as_listed = sign_credential(credential, impostor, f"{ISSUER}#{ring.current_method[-48:]}")
    for forged in (as_did_key, as_ours, as_listed):
        result = verify_credential(forged, ring, current)
        assert result.status == "invalid" and not result.valid
    assert "signature does not match" in verify_credential(as_ours, ring, current).reason


def test_the_state_is_reported_beside_a_valid_signature(
    signed: dict[str, Any], ring: KeyRing
) -> None:
    revoked = Standing(
        State.REVOKED,
        "GW-1",
        revoked_on=datetime(2026, 4, 1).date(),
        revoked_reason="Attestation was false",
    )
    replaced = Standing(State.REPLACED, "GW-1", replaced_by="GW-2")
    result = verify_credential(signed, ring, lambda _id: revoked)
    assert result.status == "revoked" and result.signature.verified and not result.valid
    assert "revoked on 2026-04-01: Attestation was false" in result.reason
    result = verify_credential(signed, ring, lambda _id: replaced)
    assert result.status == "replaced" and "replaced by GW-2" in result.reason
    result = verify_credential(signed, ring)
    assert result.status == "unknown" and "not issued here" in result.reason and not result.valid


def test_a_credential_is_not_valid_before_it_was_issued(
    signed: dict[str, Any], ring: KeyRing
) -> None:
    earlier = datetime(2026, 3, 14, 17, 2, 10, tzinfo=UTC)
    result = verify_credential(signed, ring, current, now=earlier)
    assert result.status == "invalid" and "not valid before" in result.reason


@pytest.mark.parametrize("junk", [None, [], "text", {"@context": "x"}, {"proof": 1}])
def test_junk_is_invalid_not_an_error(junk: Any, ring: KeyRing) -> None:
    assert verify_credential(junk, ring, current).status == "invalid"
