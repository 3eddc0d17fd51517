"""Backup files: written privately beside their destination, then moved into place whole."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from app.backups.errors import BackupError

#: Backups hold every learner's personal details: only the owner may read them.
PRIVATE_MODE = 0o600


def write_privately(destination: Path, force: bool, fill: Callable[[Path], None]) -> None:
    """Let ``fill`` write a private temporary file, then move it to ``destination``.

    A half-written backup never carries the final name: if ``fill`` fails, the
    temporary file is removed and ``destination`` is untouched.
    """
    folder = destination.parent
    if not folder.is_dir():
        raise BackupError(f"The folder {folder} does not exist; create it first.")
    if destination.exists() and not force:
        raise BackupError(f"{destination} already exists; choose a new name or pass --force.")
    partial = folder / f".{destination.name}.partial-{os.getpid()}"
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_MODE)
    os.close(descriptor)
    try:
        fill(partial)
        os.chmod(partial, PRIVATE_MODE)
        if force:
            os.replace(partial, destination)
        else:
            _link_new(partial, destination)
    finally:
        partial.unlink(missing_ok=True)


def _link_new(source: Path, destination: Path) -> None:
    """Give ``source`` the name ``destination`` unless something took that name meanwhile."""
    try:
        os.link(source, destination)
    except FileExistsError as error:
        raise BackupError(f"{destination} already exists; choose a new name.") from error


def readable_file(path: Path) -> Path:
    """Return ``path`` if it names a file that can be read, or refuse clearly."""
    if not path.exists():
        raise BackupError(f"There is no backup at {path}.")
    if not path.is_file():
        raise BackupError(f"{path} is not a file.")
    if not os.access(path, os.R_OK):
        raise BackupError(f"{path} cannot be read by this user.")
    return path
