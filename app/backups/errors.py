"""The one error backups raise: its message says what went wrong and what to do."""

from __future__ import annotations


class BackupError(Exception):
    """A backup or restore that was refused or failed; nothing was changed."""
