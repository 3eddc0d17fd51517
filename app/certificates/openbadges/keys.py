"""The site's Ed25519 signing key: kept in the instance folder, published as Multikey or JWK."""

from __future__ import annotations

import base64
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from app import keyfiles
from app.certificates.openbadges.multibase import (
    ED25519_PRIVATE_PREFIX,
    ED25519_PUBLIC_PREFIX,
    decode_multibase,
    encode_multibase,
)

SIGNING_KEY_FILENAME = "certificate-signing-key.pem"
#: Public halves of keys that signed before a rotation, newest first, one Multikey a line.
RETIRED_KEYS_FILENAME = "certificate-retired-keys.txt"

AnyKey = Ed25519PrivateKey | Ed25519PublicKey


def load_or_create_signing_key(instance_dir: str | os.PathLike[str]) -> Ed25519PrivateKey:
    """Return the site's signing key from `instance_dir`, creating it (PEM, mode 0600) once.

    Creation is atomic: the key is written to a private temporary file and linked into
    place, so two workers starting together end up sharing whichever key landed first.
    A key file that group or others can read is refused, as ssh refuses one.
    """
    path = Path(instance_dir) / SIGNING_KEY_FILENAME
    key = keyfiles.load_or_create(path, _new_pem)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} does not hold an Ed25519 private key")
    return key


def _new_pem() -> bytes:
    return keyfiles.pem_of(Ed25519PrivateKey.generate())


def load_retired_public_keys(instance_dir: str | os.PathLike[str]) -> list[Ed25519PublicKey]:
    """The public keys retired by rotations, newest first (none before the first rotation)."""
    path = Path(instance_dir) / RETIRED_KEYS_FILENAME
    if not path.exists():
        return []
    lines = (line.strip() for line in path.read_text(encoding="ascii").splitlines())
    return [public_key_from_multibase(line) for line in lines if line and line[0] != "#"]


def rotate_signing_key(instance_dir: str | os.PathLike[str]) -> Ed25519PrivateKey:
    """Retire the current key (its public half stays published) and start signing with a new one.

    The old key is listed as retired before the new one replaces it, so a crash in between
    leaves a key listed twice, never a signed credential whose key is no longer published.
    """
    folder = Path(instance_dir)
    old = load_or_create_signing_key(folder)
    retired = [public_key_multibase(old)] + [
        public_key_multibase(key) for key in load_retired_public_keys(folder)
    ]
    listing = folder / RETIRED_KEYS_FILENAME
    temporary = listing.with_name(f".{listing.name}.{os.getpid()}.tmp")
    temporary.write_text("\n".join(dict.fromkeys(retired)) + "\n", encoding="ascii")
    os.replace(temporary, listing)
    keyfiles.write_key_file(folder / SIGNING_KEY_FILENAME, _new_pem(), replace=True)
    return load_or_create_signing_key(folder)


def public_key_of(key: AnyKey) -> Ed25519PublicKey:
    """Return the public half of `key` (or `key` itself when it is already public)."""
    return key.public_key() if isinstance(key, Ed25519PrivateKey) else key


def raw_public_key(key: AnyKey) -> bytes:
    """The 32 raw bytes of the public key."""
    return public_key_of(key).public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )


def public_key_multibase(key: AnyKey) -> str:
    """The public key as a Multikey `publicKeyMultibase` value (`z6Mk...`)."""
    return encode_multibase(ED25519_PUBLIC_PREFIX + raw_public_key(key))


def public_key_from_multibase(value: str) -> Ed25519PublicKey:
    """Read a `z6Mk...` Multikey value back into a public key; ValueError if it is not one."""
    data = decode_multibase(value)
    if not data.startswith(ED25519_PUBLIC_PREFIX) or len(data) != 34:
        raise ValueError("not an Ed25519 Multikey public key")
    return Ed25519PublicKey.from_public_bytes(data[2:])


def private_key_from_multibase(value: str) -> Ed25519PrivateKey:
    """Read a `secretKeyMultibase` value (as in the W3C test vectors) into a private key."""
    data = decode_multibase(value)
    if not data.startswith(ED25519_PRIVATE_PREFIX) or len(data) != 34:
        raise ValueError("not an Ed25519 Multikey secret key")
    return Ed25519PrivateKey.from_private_bytes(data[2:])


def public_key_jwk(key: AnyKey) -> dict[str, str]:
    """The public key as a JSON Web Key (RFC 8037: kty OKP, crv Ed25519)."""
    x = base64.urlsafe_b64encode(raw_public_key(key)).rstrip(b"=").decode("ascii")
    return {"kty": "OKP", "crv": "Ed25519", "x": x}


def did_key_verification_method(key: AnyKey) -> str:
    """The `verificationMethod` id for a did:key: `did:key:z6Mk...#z6Mk...`."""
    multibase = public_key_multibase(key)
    return f"did:key:{multibase}#{multibase}"
