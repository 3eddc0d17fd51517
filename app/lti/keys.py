"""The tool's RSA signing keys: kept in the instance folder, published as a JWKS.

Kept as the certificate key is (``app.certificates.openbadges.keys``): a PEM file of mode
0600 that nothing else can read, created atomically once; a rotation moves the old key's
public half to a list of retired keys that stays published, so a platform that cached
the old key set still checks what was signed just before.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, generate_private_key
from jwt.algorithms import RSAAlgorithm

from app import keyfiles

KEY_FILENAME = "lti-tool-key.pem"
#: Public JWKs of keys retired by rotations, newest first (a JSON list).
RETIRED_FILENAME = "lti-tool-retired-keys.json"
#: How many retired keys stay published.
KEEP_RETIRED = 3


def load_or_create_key(instance_dir: str | os.PathLike[str]) -> RSAPrivateKey:
    """The tool's current private key, created (PEM, mode 0600) the first time.

    A key file that group or others can read is refused, as ssh refuses one.
    """
    key = keyfiles.load_or_create(Path(instance_dir) / KEY_FILENAME, _new_pem)
    if not isinstance(key, RSAPrivateKey):
        raise ValueError(f"{Path(instance_dir) / KEY_FILENAME} does not hold an RSA private key")
    return key


def _new_pem() -> bytes:
    return keyfiles.pem_of(generate_private_key(public_exponent=65537, key_size=2048))


def public_jwk(key: RSAPrivateKey) -> dict[str, Any]:
    """The public half as a JWK with ``kid`` (its RFC 7638 thumbprint), ``alg`` and ``use``."""
    jwk: dict[str, Any] = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
    jwk.pop("key_ops", None)  # "use" says it; RFC 7517 4.3: not both
    jwk.update(kid=thumbprint(jwk), alg="RS256", use="sig")
    return jwk


def thumbprint(jwk: dict[str, Any]) -> str:
    """RFC 7638: SHA-256 of the required members in lexical order, base64url."""
    members = json.dumps(
        {"e": jwk["e"], "kty": "RSA", "n": jwk["n"]}, separators=(",", ":"), sort_keys=True
    )
    digest = hashlib.sha256(members.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def private_pem(key: RSAPrivateKey) -> bytes:
    """The key as PKCS#8 PEM, for PyJWT's signer."""
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def retired_jwks(instance_dir: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """Public JWKs of retired keys, newest first (none before the first rotation)."""
    path = Path(instance_dir) / RETIRED_FILENAME
    if not path.exists():
        return []
    keys = json.loads(path.read_text(encoding="utf-8"))
    return [key for key in keys if isinstance(key, dict)]


def key_set(instance_dir: str | os.PathLike[str]) -> dict[str, list[dict[str, Any]]]:
    """The JWKS the tool publishes: the current key first, then the retired ones."""
    current = public_jwk(load_or_create_key(instance_dir))
    retired = [key for key in retired_jwks(instance_dir) if key.get("kid") != current["kid"]]
    return {"keys": [current, *retired]}


def rotate_key(instance_dir: str | os.PathLike[str]) -> RSAPrivateKey:
    """Retire the current key (still published) and sign with a new one from now on.

    The old key is listed as retired before the new one replaces it, so a crash in
    between leaves a key listed twice, never a signature whose key is unpublished.
    """
    folder = Path(instance_dir)
    old = public_jwk(load_or_create_key(folder))
    retired = [old] + [key for key in retired_jwks(folder) if key.get("kid") != old["kid"]]
    listing = folder / RETIRED_FILENAME
    temporary = listing.with_name(f".{listing.name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(retired[:KEEP_RETIRED], indent=1), encoding="utf-8")
    os.replace(temporary, listing)
    keyfiles.write_key_file(folder / KEY_FILENAME, _new_pem(), replace=True)
    return load_or_create_key(folder)
