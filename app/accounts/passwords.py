"""Password hashing: Argon2id, with accounts on older hashes moved over as they sign in.

Pure functions of their arguments; no app, no database. New hashes are Argon2id at the
cost given (production: OWASP's minimum, :data:`OWASP_MINIMUM`). Hashes made by earlier
releases (Werkzeug's ``scrypt:`` and ``pbkdf2:`` formats) still verify, and a verified
password whose hash is of another kind or cost is reported as due for a new hash, which
the caller stores.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from werkzeug.security import check_password_hash

ARGON2_PREFIX = "$argon2"
LEGACY_PREFIXES = ("scrypt:", "pbkdf2:")


@dataclass(frozen=True)
class Argon2Cost:
    """What one hash costs: memory in KiB, passes over it, and lanes."""

    memory_kib: int
    iterations: int
    parallelism: int = 1


#: OWASP Password Storage Cheat Sheet: "Argon2id with a minimum configuration of 19 MiB
#: of memory, an iteration count of 2, and 1 degree of parallelism".
OWASP_MINIMUM = Argon2Cost(memory_kib=19 * 1024, iterations=2, parallelism=1)


@dataclass(frozen=True)
class Verdict:
    """Whether the password matched, and whether its hash should be replaced."""

    matches: bool
    rehash: bool = False


@cache
def _hasher(cost: Argon2Cost) -> PasswordHasher:
    return PasswordHasher(
        time_cost=cost.iterations,
        memory_cost=cost.memory_kib,
        parallelism=cost.parallelism,
        type=Type.ID,
    )


def hash_password(password: str, cost: Argon2Cost) -> str:
    """A new salted Argon2id hash of ``password`` in PHC string form."""
    return _hasher(cost).hash(password)


def verify_password(stored: str, password: str, cost: Argon2Cost) -> Verdict:
    """Check ``password`` against a stored hash of any kind this site has ever written.

    A hash that cannot be read never matches (and never raises): a damaged row refuses
    the sign-in instead of breaking the page.
    """
    if stored.startswith(ARGON2_PREFIX):
        hasher = _hasher(cost)
        try:
            hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return Verdict(matches=False)
        return Verdict(matches=True, rehash=hasher.check_needs_rehash(stored))
    if stored.startswith(LEGACY_PREFIXES):
        try:
            matches = check_password_hash(stored, password)
        except (ValueError, TypeError):
            return Verdict(matches=False)
        return Verdict(matches=matches, rehash=matches)
    return Verdict(matches=False)
