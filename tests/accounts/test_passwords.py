"""Password hashes, without an app: Argon2id, older kinds still accepted, bad rows refused."""

from __future__ import annotations

import pytest
from werkzeug.security import generate_password_hash

from app.accounts.passwords import (
    OWASP_MINIMUM,
    Argon2Cost,
    Verdict,
    hash_password,
    verify_password,
)

CHEAP = Argon2Cost(memory_kib=8, iterations=1)
DEARER = Argon2Cost(memory_kib=16, iterations=2)


def test_a_hash_is_salted_argon2id_at_the_cost_asked() -> None:
    first, second = hash_password("pacing matters", CHEAP), hash_password("pacing matters", CHEAP)
    assert first.startswith("$argon2id$v=19$m=8,t=1,p=1$")
    assert first != second  # a fresh salt each time
    assert "pacing matters" not in first


def test_owasps_minimum_is_19_mib_two_passes_one_lane() -> None:
    assert Argon2Cost(memory_kib=19_456, iterations=2, parallelism=1) == OWASP_MINIMUM


def test_the_right_password_matches_and_a_wrong_one_does_not() -> None:
    stored = hash_password("pacing matters", CHEAP)
    assert verify_password(stored, "pacing matters", CHEAP) == Verdict(matches=True)
    assert verify_password(stored, "Pacing matters", CHEAP) == Verdict(matches=False)
    assert verify_password(stored, "", CHEAP) == Verdict(matches=False)


def test_a_hash_at_another_cost_matches_and_is_due_for_a_new_one() -> None:
    stored = hash_password("pacing matters", CHEAP)
    assert verify_password(stored, "pacing matters", DEARER) == Verdict(matches=True, rehash=True)
    # A wrong password never earns a new hash.
    assert verify_password(stored, "wrong", DEARER) == Verdict(matches=False)


@pytest.mark.parametrize("method", ["scrypt", "pbkdf2:sha256:1000"])
def test_hashes_from_earlier_releases_still_match_and_are_due_for_argon2id(method: str) -> None:
    stored = generate_password_hash("pacing matters", method=method)
    assert verify_password(stored, "pacing matters", CHEAP) == Verdict(matches=True, rehash=True)
    assert verify_password(stored, "wrong", CHEAP) == Verdict(matches=False)


@pytest.mark.parametrize(
    "stored",
    [
        "",
        "pacing matters",  # a password stored in the clear never matches itself
        "$argon2id$v=19$m=8,t=1,p=1$not-base64$",
        "$argon2id$garbage",
        "scrypt:32768:8:1$onlysalt",
        "pbkdf2:sha256:notanumber$salt$hash",
        "md5$5f4dcc3b5aa765d61d8327deb882cf99",
    ],
)
def test_a_damaged_or_unknown_hash_never_matches_and_never_raises(stored: str) -> None:
    assert verify_password(stored, "pacing matters", CHEAP) == Verdict(matches=False)
