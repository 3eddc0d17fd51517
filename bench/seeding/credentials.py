"""Benchmark sign-ins: a per-seed secret outside the repository, a password per account.

No password is written anywhere, and none is shared: each generated account's password is
an HMAC of its email under a random secret that the seed draws and stores beside the
seeded data (``$BENCH_DIR``, mode 0600, one file per database). The load clients read the
secret and derive the password of the account they sign in as; the application never
sees the secret (it only stores the Argon2id hashes, as for any account).

Only the accounts the load clients sign in as get a usable password (see
:func:`signing_learners`): hashing all 100,000 at production cost would take about
40 minutes of CPU. Every other generated account stores a hash that no password matches,
as a deactivated account would.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from sqlalchemy.engine import make_url

#: Where benchmark data and its secrets live (outside the repository).
DEFAULT_DIR = "/tmp/groundwork-bench"  # noqa: S108 (the bench's own scratch directory)  # nosec B108
#: Stored for accounts that never sign in: not a hash of any kind, so it never matches.
NO_PASSWORD = "!bench-no-sign-in"  # noqa: S105 (a marker, not a password)  # nosec B105


def bench_dir() -> Path:
    """``$BENCH_DIR``, or /tmp/groundwork-bench."""
    return Path(os.environ.get("BENCH_DIR", DEFAULT_DIR))


def secret_path(database_url: str) -> Path:
    """The secret file of one database, named after where the data is (never its password)."""
    url = make_url(database_url)
    where = f"{url.get_backend_name()}|{url.host or ''}|{url.port or ''}|{url.database or ''}"
    digest = hashlib.sha256(where.encode()).hexdigest()[:16]
    return bench_dir() / f"secret-{url.get_backend_name()}-{digest}.key"


def new_secret(path: Path) -> bytes:
    """Draw a fresh secret and store it at ``path``, readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_bytes(32)
    path.unlink(missing_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(secret.hex())
    return secret


def read_secret(path: Path) -> bytes:
    """The secret stored at ``path``; SystemExit with the remedy when there is none."""
    try:
        return bytes.fromhex(path.read_text().strip())
    except (OSError, ValueError) as error:
        raise SystemExit(
            f"No benchmark secret at {path} ({error}); reseed (bench/run.py --reseed)."
        ) from error


def password_for(secret: bytes, email: str) -> str:
    """The password of the generated account ``email`` under ``secret`` (32 characters)."""
    digest = hmac.new(secret, email.lower().encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode()[:32]


def signing_learners(cohort: int) -> range:
    """Learner numbers that get a password: the quiz-day cohort and as many again.

    Quiz day and the submission phase sign in as the cohort; the lesson readers of the
    page phase are drawn from the learners after it (``bench/targets.py``).
    """
    return range(1, 2 * cohort + 1)
