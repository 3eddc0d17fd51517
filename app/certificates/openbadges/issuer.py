"""The issuer controls its keys: a did:web for SITE_URL whose DID document lists every key.

A verifier (Digital Bazaar's `@digitalbazaar/vc` among them) accepts a credential only when
the proof's verification method is listed, for `assertionMethod`, in the DID document of
the credential's issuer. So the issuer is `did:web:<host>`, the document is served at
`<SITE_URL>/.well-known/did.json`, and each key's method is `did:web:<host>#<multikey>`.
Retired keys stay listed, so credentials they signed keep verifying after a rotation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from app.certificates.openbadges.canonical import DID_V1_CONTEXT, MULTIKEY_V1_CONTEXT
from app.certificates.openbadges.keys import (
    AnyKey,
    did_key_verification_method,
    public_key_multibase,
)


def did_web(site_url: str) -> str:
    """The did:web naming `site_url`: `https://a.example:8443/x` is `did:web:a.example%3A8443:x`."""
    parts = urlsplit(site_url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username:
        raise ValueError(f"SITE_URL must be an http(s) URL with a host, not {site_url!r}")
    host = parts.hostname.lower() + (f"%3A{parts.port}" if parts.port else "")
    path = [quote(segment, safe="") for segment in parts.path.split("/") if segment]
    return ":".join(["did:web", host, *path])


@dataclass(frozen=True)
class KeyRing:
    """The issuer's public keys: the one signing now first, then retired ones (newest first)."""

    issuer: str
    current: Ed25519PublicKey
    retired: tuple[Ed25519PublicKey, ...] = ()
    #: The issuer id credentials carried before did:web (the site URL); None when unknown.
    legacy_issuer: str | None = None

    def method_id(self, key: AnyKey) -> str:
        """The verification method id of `key`: `<issuer>#<publicKeyMultibase>`."""
        return f"{self.issuer}#{public_key_multibase(key)}"

    @property
    def current_method(self) -> str:
        """The verification method new proofs name."""
        return self.method_id(self.current)

    def key_for(self, verification_method: str, issuer: str | None) -> Ed25519PublicKey | None:
        """The listed key a proof names, if the credential's issuer controls it; else None.

        A did:web method must belong to this issuer. A did:key method (credentials issued
        before did:web) counts only for one of these keys and the site URL as issuer.
        """
        for key in (self.current, *self.retired):
            if verification_method == self.method_id(key) and issuer == self.issuer:
                return key
            if (
                verification_method == did_key_verification_method(key)
                and self.legacy_issuer is not None
                and issuer == self.legacy_issuer
            ):
                return key
        return None

    def did_document(self) -> dict[str, Any]:
        """The DID document: every key as a Multikey method, each one an assertion method."""
        methods = [
            {
                "id": self.method_id(key),
                "type": "Multikey",
                "controller": self.issuer,
                "publicKeyMultibase": public_key_multibase(key),
            }
            for key in (self.current, *self.retired)
        ]
        return {
            "@context": [DID_V1_CONTEXT, MULTIKEY_V1_CONTEXT],
            "id": self.issuer,
            "verificationMethod": methods,
            "assertionMethod": [method["id"] for method in methods],
        }

    def method_document(self, method_id: str) -> dict[str, Any] | None:
        """One verification method on its own, with its context, as a document loader returns it."""
        for method in self.did_document()["verificationMethod"]:
            if method["id"] == method_id:
                return {"@context": MULTIKEY_V1_CONTEXT, **method}
        return None
