"""Private key files in the instance folder: made once, atomically, readable by us alone.

The certificate signing key (Ed25519) and the LTI tool key (RSA) are kept alike: PEM
(PKCS#8, unencrypted) in a file of mode 0600, never in the database or its backups. A
file that group or others can read is refused, as ssh refuses one.
"""

from __future__ import annotations

import contextlib
import functools
import os
import stat
from collections.abc import Callable
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes


def pem_of(key: PrivateKeyTypes) -> bytes:
    """A private key as unencrypted PKCS#8 PEM."""
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def write_key_file(path: Path, pem: bytes, *, replace: bool = False) -> None:
    """Write ``pem`` to ``path`` unless another process has just written one (or ``replace``).

    The key goes to a private temporary file first and is linked into place, so two
    workers starting together end up sharing whichever key landed first.
    """
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


def load_or_create(path: Path, new_pem: Callable[[], bytes]) -> PrivateKeyTypes:
    """The private key in ``path``, made with ``new_pem`` the first time."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        write_key_file(path, new_pem())
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise PermissionError(f"{path} is readable by others (mode {mode:o}); chmod 600 it")
    return _parse(path.read_bytes())


@functools.lru_cache(maxsize=8)
def _parse(pem: bytes) -> PrivateKeyTypes:
    """The key a PEM holds, parsed once per process: checking an RSA key as it loads takes
    about 35 ms, and an app reads its keys again after each rotation (and the tests'
    apps after each reset). Keyed by the bytes, so a rotated file is parsed anew."""
    return serialization.load_pem_private_key(pem, password=None)
