"""Back up and restore the site's database, whichever of SQLite or PostgreSQL it is.

A restore checks before it changes anything: the file must be a whole backup of a
schema this version of Groundwork knows, and the target must hold no records unless
the operator says ``force``. Then the target is replaced all at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from app.backups import postgres, sqlite
from app.backups.errors import BackupError
from app.db import make_engine, normalise_url
from app.migrate import alembic_config

__all__ = ["BackupError", "BackupInfo", "create_backup", "holds_records", "restore_backup"]


@dataclass(frozen=True)
class BackupInfo:
    """What a backup or restore did: the file, the schema revision, and whether it is current."""

    path: Path
    revision: str
    current: bool


def _backend(database_url: str) -> str:
    """``sqlite`` or ``postgresql``; any other database is refused."""
    backend = make_url(normalise_url(database_url)).get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {backend}.")
    return backend


def sqlite_path(database_url: str) -> Path:
    """The file of a SQLite DATABASE_URL (an in-memory database cannot be backed up)."""
    name = make_url(database_url).database
    if not name or name == ":memory:" or name.startswith("file:"):
        raise BackupError("DATABASE_URL must name a SQLite database file.")
    return Path(name)


def _revisions() -> tuple[set[str], str | None]:
    """Every migration this code knows, and the newest."""
    scripts = ScriptDirectory.from_config(alembic_config())
    return {script.revision for script in scripts.walk_revisions()}, scripts.get_current_head()


def _info(path: Path, revision: str) -> BackupInfo:
    """Describe a backup, refusing one from a schema this release does not know."""
    known, head = _revisions()
    if revision not in known:
        raise BackupError(
            f"{path} was taken at schema revision {revision!r}, which this version of "
            "Groundwork does not know (a newer release made it?). Restore it with that release."
        )
    return BackupInfo(path, revision, revision == head)


def create_backup(database_url: str, destination: Path, *, force: bool = False) -> BackupInfo:
    """Write a consistent backup of the database to ``destination`` (mode 0600)."""
    if _backend(database_url) == "sqlite":
        revision = sqlite.backup(sqlite_path(database_url), destination, force)
    else:
        revision = postgres.backup(database_url, destination, force)
    return _info(destination, revision)


def holds_records(database_url: str) -> bool:
    """Whether any table of the database has a row (a missing SQLite file holds none)."""
    if _backend(database_url) == "sqlite" and not sqlite_path(database_url).exists():
        return False
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            quote = engine.dialect.identifier_preparer.quote
            for table in inspect(connection).get_table_names():
                if table == "alembic_version":
                    continue
                # A table name the database listed itself, quoted: no user input reaches it.
                sql = f"SELECT 1 FROM {quote(table)} LIMIT 1"  # noqa: S608  # nosec B608
                probe = text(sql)
                if connection.execute(probe).first():
                    return True
    except SQLAlchemyError as error:
        # The driver's own message, when there is one, without SQLAlchemy's wrapping.
        reason = error.orig if isinstance(error, DBAPIError) else error
        raise BackupError(f"The target database could not be read: {reason}") from error
    finally:
        engine.dispose()
    return False


def restore_backup(database_url: str, source: Path, *, force: bool = False) -> BackupInfo:
    """Replace the database with the backup at ``source``; refuse a target holding records."""
    backend = _backend(database_url)
    reader = sqlite.read_revision if backend == "sqlite" else postgres.read_revision
    info = _info(source, reader(source))
    if not force and holds_records(database_url):
        raise BackupError(
            "The target database already holds records. Restore into an empty database, "
            "or pass --force to replace everything in it with the backup. Nothing was changed."
        )
    if backend == "sqlite":
        sqlite.restore(source, sqlite_path(database_url))
    else:
        postgres.restore(source, database_url)
    return info
