"""Certificate IDs: 130 random bits in Crockford base32, shown as `GW-XXXX-XXXX-...`."""

from __future__ import annotations

import hashlib
import secrets

#: Crockford's base32 alphabet: no I, L, O or U, so IDs read aloud and typed without doubt.
ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
#: Random symbols per ID: 26 x 5 = 130 bits, above the 128 the issue asks for.
RANDOM_SYMBOLS = 26
#: Check symbols appended (10 bits of SHA-256), so a mistyped ID is refused, not looked up.
CHECK_SYMBOLS = 2
ID_LENGTH = RANDOM_SYMBOLS + CHECK_SYMBOLS
DISPLAY_PREFIX = "GW"
GROUP_SIZE = 4
#: Letters people type for digits they mean (Crockford's decoding rules).
_LOOKALIKES = str.maketrans({"o": "0", "i": "1", "l": "1"})
_SEPARATORS = str.maketrans("", "", " -_\t")
_LONGEST_INPUT = 80


def _check_symbols(body: str) -> str:
    """Return the two check symbols for the 26 random symbols in `body`."""
    value = int.from_bytes(hashlib.sha256(body.encode("ascii")).digest()[:2], "big") >> 6
    return ALPHABET[value >> 5] + ALPHABET[value & 0b11111]


def new_certificate_id() -> str:
    """Return a fresh, unguessable, URL-safe certificate ID (28 lowercase symbols)."""
    value = secrets.randbits(RANDOM_SYMBOLS * 5)
    body = "".join(
        ALPHABET[(value >> (5 * index)) & 0b11111] for index in reversed(range(RANDOM_SYMBOLS))
    )
    return body + _check_symbols(body)


def parse_certificate_id(text: object) -> str | None:
    """Return the canonical ID for an ID in either form (any case, spaces, hyphens), else None."""
    if not isinstance(text, str) or len(text) > _LONGEST_INPUT:
        return None
    compact = text.translate(_SEPARATORS).lower()
    prefix = DISPLAY_PREFIX.lower()
    if len(compact) == ID_LENGTH + len(prefix) and compact.startswith(prefix):
        compact = compact[len(prefix) :]
    compact = compact.translate(_LOOKALIKES)
    if len(compact) != ID_LENGTH or any(symbol not in ALPHABET for symbol in compact):
        return None
    body, check = compact[:RANDOM_SYMBOLS], compact[RANDOM_SYMBOLS:]
    return compact if _check_symbols(body) == check else None


def display_id(certificate_id: str) -> str:
    """Return the printed form of a canonical ID, e.g. `GW-7K3Q-9XMD-...` (7 groups of 4)."""
    canonical = parse_certificate_id(certificate_id)
    if canonical is None:
        raise ValueError(f"not a certificate ID: {certificate_id!r}")
    upper = canonical.upper()
    groups = [upper[start : start + GROUP_SIZE] for start in range(0, ID_LENGTH, GROUP_SIZE)]
    return "-".join([DISPLAY_PREFIX, *groups])
