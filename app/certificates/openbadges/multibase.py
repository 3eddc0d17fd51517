"""Multibase base58btc (`z...`) and the multicodec prefixes of Ed25519 keys."""

from __future__ import annotations

BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BASE58_INDEX = {char: index for index, char in enumerate(BASE58_ALPHABET)}
#: Multicodec varints: ed25519-pub (0xed) and ed25519-priv (0x1300).
ED25519_PUBLIC_PREFIX = b"\xed\x01"
ED25519_PRIVATE_PREFIX = b"\x80\x26"
BASE58BTC = "z"


def base58btc_encode(data: bytes) -> str:
    """Encode bytes in Bitcoin's base58 alphabet, one `1` per leading zero byte."""
    number = int.from_bytes(data, "big")
    encoded = ""
    while number:
        number, remainder = divmod(number, 58)
        encoded = BASE58_ALPHABET[remainder] + encoded
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + encoded


def base58btc_decode(text: str) -> bytes:
    """Decode base58btc text; raise ValueError on a character outside the alphabet."""
    number = 0
    for char in text:
        if char not in _BASE58_INDEX:
            raise ValueError(f"not base58btc: {char!r}")
        number = number * 58 + _BASE58_INDEX[char]
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def encode_multibase(data: bytes) -> str:
    """Return `data` as a multibase base58btc string (`z` then base58btc)."""
    return BASE58BTC + base58btc_encode(data)


def decode_multibase(text: str) -> bytes:
    """Decode a multibase base58btc string; raise ValueError for any other base."""
    if not text.startswith(BASE58BTC):
        raise ValueError("only multibase base58btc ('z...') is supported")
    return base58btc_decode(text[1:])
