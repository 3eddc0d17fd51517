"""Verification reads the signed graph, not the spelling: the attacker's renamings and forms."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pyld.jsonld import JsonLdProcessor

from app.certificates.document import CertificateDocument
from app.certificates.intake import UnreadableCredential, parse_credential
from app.certificates.openbadges.canonical import _loader
from app.certificates.openbadges.credential import (
    build_credential,
    sign_credential,
    verify_credential,
)
from app.certificates.openbadges.issuer import KeyRing, did_web
from app.certificates.openbadges.keys import did_key_verification_method, public_key_multibase
from app.certificates.standing import Standing, State
from tests.certificates.conftest import SITE_URL

REVOKED = Standing(State.REVOKED, "GW-1", revoked_reason="Attestation was false")


@pytest.fixture(autouse=True)
def _offline(no_network: None) -> None:
    """Nothing here may fetch anything."""


@pytest.fixture
def ring(signing_key: Ed25519PrivateKey) -> KeyRing:
    """The site's issuer DID and its one key."""
    return KeyRing(did_web(SITE_URL), signing_key.public_key(), legacy_issuer=SITE_URL)


@pytest.fixture
def signed(document: CertificateDocument, signing_key: Ed25519PrivateKey, ring: KeyRing) -> dict:
    """A freshly signed credential."""
    return sign_credential(build_credential(document, SITE_URL), signing_key, ring.current_method)


def lookups() -> tuple[list[str | None], Any]:
    """A lookup that records the ids it was asked for and says each is revoked."""
    asked: list[str | None] = []

    def lookup(credential_id: str | None) -> Standing:
        asked.append(credential_id)
        return REVOKED

    return asked, lookup


def renamed(signed: dict, old: str, new: str) -> dict:
    """The credential with one top-level key renamed, order kept."""
    return {(new if key == old else key): value for key, value in signed.items()}


def test_the_at_id_trick_still_finds_the_revoked_certificate(signed: dict, ring: KeyRing) -> None:
    trick = renamed(signed, "id", "@id")
    asked, lookup = lookups()
    result = verify_credential(trick, ring, lookup)
    assert result.signature.verified  # the same graph, so the same signature
    assert asked == [signed["id"]]
    assert result.status == "revoked" and not result.valid


def test_an_alias_in_an_added_context_still_finds_the_certificate(
    signed: dict, ring: KeyRing
) -> None:
    aliased = renamed(signed, "id", "certificateUrl")
    aliased["@context"] = [*signed["@context"], {"certificateUrl": "@id"}]
    asked, lookup = lookups()
    result = verify_credential(aliased, ring, lookup)
    assert asked == [signed["id"]] and result.status == "revoked"


def test_the_expanded_form_is_never_valid_for_a_revoked_certificate(
    signed: dict, ring: KeyRing
) -> None:
    unsecured = {key: value for key, value in signed.items() if key != "proof"}
    expanded = JsonLdProcessor().expand(copy.deepcopy(unsecured), {"documentLoader": _loader({})})
    as_expanded = {**expanded[0], "proof": signed["proof"]}
    with_context = {"@context": signed["@context"], **as_expanded}
    for form in (as_expanded, with_context):
        asked, lookup = lookups()
        result = verify_credential(form, ring, lookup)
        assert not result.valid
        assert result.status in ("invalid", "revoked")
        assert asked in ([], [signed["id"]])


def test_a_credential_without_an_id_of_ours_is_signature_valid_not_issued_here(
    document: CertificateDocument, signing_key: Ed25519PrivateKey, ring: KeyRing
) -> None:
    credential = build_credential(document, SITE_URL)
    credential["id"] = "urn:uuid:6f1a1b5e-6a57-4a0b-9f5a-2d0d2c1f7d11"
    foreign = sign_credential(credential, signing_key, ring.current_method)
    result = verify_credential(foreign, ring, lambda _id: None)
    assert result.signature.verified and result.status == "unknown"
    assert "signature valid, not issued here" in result.reason


def test_a_key_not_listed_by_the_issuer_fails_even_naming_the_site(
    document: CertificateDocument, ring: KeyRing
) -> None:
    impostor = Ed25519PrivateKey.generate()
    credential = build_credential(document, SITE_URL)
    listed_as_theirs = f"{ring.issuer}#{public_key_multibase(impostor)}"
    result = verify_credential(sign_credential(credential, impostor, listed_as_theirs), ring)
    assert result.status == "invalid" and "is not one that the issuer" in result.reason


def test_a_retired_key_still_verifies_and_is_listed(
    document: CertificateDocument, signing_key: Ed25519PrivateKey
) -> None:
    new = Ed25519PrivateKey.generate()
    rotated = KeyRing(did_web(SITE_URL), new.public_key(), (signing_key.public_key(),))
    old_method = rotated.method_id(signing_key)
    old = sign_credential(build_credential(document, SITE_URL), signing_key, old_method)
    assert verify_credential(old, rotated).signature.verified
    did = rotated.did_document()
    assert did["@context"][0] == "https://www.w3.org/ns/did/v1"
    assert [m["id"] for m in did["verificationMethod"]] == [rotated.current_method, old_method]
    assert did["assertionMethod"] == [rotated.current_method, old_method]
    assert {m["controller"] for m in did["verificationMethod"]} == {"did:web:groundwork.example"}


def test_credentials_issued_before_did_web_keep_verifying(
    document: CertificateDocument, signing_key: Ed25519PrivateKey, ring: KeyRing
) -> None:
    legacy = build_credential(document, SITE_URL, issuer_id=SITE_URL)
    old = sign_credential(legacy, signing_key, did_key_verification_method(signing_key))
    assert verify_credential(old, ring).signature.verified
    # ...but a did:key proof cannot speak for the did:web issuer.
    modern = build_credential(document, SITE_URL)
    mixed = sign_credential(modern, signing_key, did_key_verification_method(signing_key))
    assert not verify_credential(mixed, ring).signature.verified


@pytest.mark.parametrize(
    ("site", "did"),
    [
        ("https://groundwork.example", "did:web:groundwork.example"),
        ("https://Groundwork.Example/", "did:web:groundwork.example"),
        ("http://127.0.0.1:5000", "did:web:127.0.0.1%3A5000"),
        ("https://a.example/ce/site", "did:web:a.example:ce:site"),
    ],
)
def test_did_web_names_the_site(site: str, did: str) -> None:
    assert did_web(site) == did


@pytest.mark.parametrize("site", ["ftp://a.example", "groundwork.example", "https://u@a.example"])
def test_a_site_url_that_names_no_web_host_is_refused(site: str) -> None:
    with pytest.raises(ValueError, match="SITE_URL"):
        did_web(site)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[" * 1000 + "]" * 1000, "nested more than"),
        ('{"a":' * 1000 + "1" + "}" * 1000, "nested more than"),
        ('{"n": 1' + "0" * 5000 + "}", "too long"),
        ('{"n": 1e999}', "too large"),
        ('{"n": NaN}', "NaN is not a JSON value"),
        ('{"id": "a", "id": "b"}', 'The key "id" appears twice'),
        ("[1, 2]", "JSON object"),
        ('"text"', "JSON object"),
        ("null", "JSON object"),
        ("{", "not valid JSON"),
        ("   ", "Paste a credential"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b" " * (65 * 1024), "too large"),
    ],
)
def test_hostile_json_is_refused_with_a_reason(text: str | bytes, message: str) -> None:
    with pytest.raises(UnreadableCredential, match=message):
        parse_credential(text)


def test_a_real_credential_reads_back_unchanged(signed: dict) -> None:
    assert parse_credential(json.dumps(signed, ensure_ascii=False).encode()) == signed
    assert parse_credential('{"s": "[[[[ {{{{ \\" ]]"}') == {"s": '[[[[ {{{{ " ]]'}
