"""SQLite: a consistent copy through the online backup API, taken while the site serves."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from app.backups.errors import BackupError
from app.backups.files import readable_file, write_privately

SQLITE_HEADER = b"SQLite format 3\x00"
#: Seconds to wait for a writer to finish before giving up.
BUSY_TIMEOUT = 30


def backup(database: Path, destination: Path, force: bool) -> str:
    """Copy ``database`` into ``destination`` as one self-contained file; return its revision."""
    if not database.is_file():
        raise BackupError(f"There is no SQLite database at {database}.")
    revision = ""

    def fill(partial: Path) -> None:
        nonlocal revision
        with (
            closing(sqlite3.connect(database, timeout=BUSY_TIMEOUT)) as source,
            closing(sqlite3.connect(partial)) as copy,
        ):
            try:
                source.backup(copy)
                copy.execute("PRAGMA journal_mode=DELETE")  # no -wal file beside the backup
            except sqlite3.Error as error:
                raise BackupError(f"{database} could not be backed up: {error}.") from error
            _check_integrity(copy, partial)
            revision = schema_revision(copy, partial)

    write_privately(destination, force, fill)
    return revision


def read_revision(backup_file: Path) -> str:
    """The schema revision a backup file was taken at, after checking it is whole."""
    with closing(_open_read_only(readable_file(backup_file))) as source:
        _check_integrity(source, backup_file)
        return schema_revision(source, backup_file)


def restore(backup_file: Path, database: Path) -> str:
    """Replace the contents of ``database`` with the backup, in one transaction."""
    if not database.parent.is_dir():
        raise BackupError(f"The folder {database.parent} does not exist; create it first.")
    with (
        closing(_open_read_only(readable_file(backup_file))) as source,
        closing(sqlite3.connect(database, timeout=BUSY_TIMEOUT)) as target,
    ):
        try:
            source.backup(target)
        except sqlite3.Error as error:
            raise BackupError(
                f"{database} could not be restored ({error}); it is unchanged."
            ) from error
        _check_integrity(target, database)
        problems = target.execute("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise BackupError(f"{database}: the restored data breaks {len(problems)} foreign keys.")
        return schema_revision(target, database)


def _open_read_only(path: Path) -> sqlite3.Connection:
    """Open a backup without any chance of writing to it, after checking it is SQLite."""
    with path.open("rb") as file:
        if file.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise BackupError(f"{path} is not a SQLite database, so it is not a Groundwork backup.")
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def _check_integrity(connection: sqlite3.Connection, shown: Path) -> None:
    """Refuse a damaged database file."""
    try:
        result = connection.execute("PRAGMA integrity_check").fetchone()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{shown} is damaged: {error}.") from error
    if not result or result[0] != "ok":
        raise BackupError(f"{shown} is damaged: {result[0] if result else 'no answer'}.")


def schema_revision(connection: sqlite3.Connection, shown: Path) -> str:
    """The Alembic revision recorded in the database, or a refusal if there is none."""
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{shown} holds no Groundwork schema (no alembic_version).") from error
    if row is None:
        raise BackupError(f"{shown} holds no Groundwork schema revision.")
    return str(row[0])
