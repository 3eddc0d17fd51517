"""The site's Ed25519 signing key: kept in the instance folder, published as Multikey or JWK."""

from __future__ import annotations

import base64
import contextlib
import os
import stat
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

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
    folder = Path(instance_dir)
    path = folder / SIGNING_KEY_FILENAME
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        _create_key_file(path)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise PermissionError(f"{path} is readable by others (mode {mode:o}); chmod 600 it")
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} does not hold an Ed25519 private key")
    return key


def _create_key_file(path: Path, *, replace: bool = False) -> None:
    """Write a new key to `path` unless another process has just written one (or `replace`)."""
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(pem)
            file.flush()
            os.fsync(file.fileno())
        if replace:
            os.replace(temporary, path)
        else:
            with contextlib.suppress(FileExistsError):  # another worker won: use its key
                os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


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
    _create_key_file(folder / SIGNING_KEY_FILENAME, replace=True)
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
