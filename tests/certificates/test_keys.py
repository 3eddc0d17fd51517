"""The site's signing key: created once with private permissions, published as Multikey/JWK."""

from __future__ import annotations

import base64
import os
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.certificates.openbadges import keys
from app.certificates.openbadges.multibase import base58btc_decode, base58btc_encode

VECTOR_PUBLIC = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
VECTOR_SECRET = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"


def public_bytes(key: Ed25519PrivateKey) -> bytes:
    """The raw public key, to compare keys."""
    return keys.raw_public_key(key)


def test_the_key_is_created_once_as_a_private_pem_file(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    key = keys.load_or_create_signing_key(instance)
    path = instance / keys.SIGNING_KEY_FILENAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    again = keys.load_or_create_signing_key(instance)
    assert public_bytes(again) == public_bytes(key)
    assert [p.name for p in instance.iterdir()] == [keys.SIGNING_KEY_FILENAME]


def test_a_key_file_others_can_read_is_refused(tmp_path: Path) -> None:
    keys.load_or_create_signing_key(tmp_path)
    os.chmod(tmp_path / keys.SIGNING_KEY_FILENAME, 0o644)
    with pytest.raises(PermissionError, match="chmod 600"):
        keys.load_or_create_signing_key(tmp_path)


def test_a_key_of_another_kind_is_refused(tmp_path: Path) -> None:
    path = tmp_path / keys.SIGNING_KEY_FILENAME
    pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path.write_bytes(pem)
    path.chmod(0o600)
    with pytest.raises(ValueError, match="Ed25519"):
        keys.load_or_create_signing_key(tmp_path)


def test_the_public_key_is_published_the_way_the_w3c_vectors_write_it() -> None:
    key = keys.private_key_from_multibase(VECTOR_SECRET)
    assert keys.public_key_multibase(key) == VECTOR_PUBLIC
    assert keys.did_key_verification_method(key) == f"did:key:{VECTOR_PUBLIC}#{VECTOR_PUBLIC}"
    assert public_bytes(keys.public_key_from_multibase(VECTOR_PUBLIC)) == public_bytes(key)


def test_jwk_export_holds_the_raw_public_key(signing_key: Ed25519PrivateKey) -> None:
    jwk = keys.public_key_jwk(signing_key)
    assert set(jwk) == {"kty", "crv", "x"} and jwk["kty"] == "OKP" and jwk["crv"] == "Ed25519"
    assert base64.urlsafe_b64decode(jwk["x"] + "=") == public_bytes(signing_key)


@pytest.mark.parametrize("data", [b"", b"\0", b"\0\0\x01", bytes(range(256)), b"hello world"])
def test_base58_round_trips(data: bytes) -> None:
    assert base58btc_decode(base58btc_encode(data)) == data


def test_base58_knows_the_bitcoin_alphabet() -> None:
    assert base58btc_encode(b"hello world") == "StV1DL6CwTryKyV"
    with pytest.raises(ValueError):
        base58btc_decode("0OIl")
    with pytest.raises(ValueError, match="Multikey"):
        keys.public_key_from_multibase("z" + base58btc_encode(b"\x12\x20" + bytes(32)))
