"""PostgreSQL: pg_dump's custom format out, pg_restore in one transaction back.

The tools run as child processes with an argument list (never a shell). The password
travels in the PGPASSWORD environment variable, never on the command line where
``ps`` would show it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess  # nosec B404  # runs pg_dump and pg_restore only, without a shell
from dataclasses import dataclass
from pathlib import Path

from psycopg.conninfo import make_conninfo
from sqlalchemy.engine import make_url

from app.backups.errors import BackupError
from app.backups.files import readable_file, write_privately
from app.db import normalise_url

#: How long a restore waits for a lock before giving up (the site should be stopped).
LOCK_TIMEOUT = "30s"
_INSTALL_HINT = (
    "Install the PostgreSQL client tools of the server's major version "
    "(Debian and Ubuntu: apt install postgresql-client) and try again."
)
_REVISION_ROW = re.compile(
    r"^COPY \S*alembic_version \(version_num\) FROM stdin;\n([^\n]+)\n", re.M
)


@dataclass(frozen=True)
class Connection:
    """How the tools reach the database: a conninfo string and the environment."""

    conninfo: str
    environment: dict[str, str]


def connection_for(database_url: str) -> Connection:
    """libpq connection settings from DATABASE_URL, with the password kept out of argv."""
    url = make_url(normalise_url(database_url))
    if not url.database:
        raise BackupError("DATABASE_URL names no database.")
    settings: dict[str, str] = {
        key: value for key, value in url.query.items() if isinstance(value, str)
    }
    for key, value in (("host", url.host), ("port", url.port), ("user", url.username)):
        if value is not None:
            settings[key] = str(value)
    settings["dbname"] = url.database
    environment = dict(os.environ)
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    return Connection(make_conninfo(**settings), environment)


def tool(name: str) -> str:
    """The full path of a PostgreSQL client program, or a refusal that says how to get it."""
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} was not found on PATH. {_INSTALL_HINT}")
    return found


def _run(arguments: list[str], connection: Connection | None = None) -> str:
    """Run a client program and return its output; its error output becomes the refusal."""
    environment = connection.environment if connection else dict(os.environ)
    try:
        finished = subprocess.run(  # noqa: S603 (our program, no shell, a list)  # nosec B603
            arguments, env=environment, capture_output=True, text=True, check=False
        )
    except OSError as error:
        raise BackupError(f"{Path(arguments[0]).name} could not be started: {error}.") from error
    if finished.returncode != 0:
        detail = finished.stderr.strip() or f"exit status {finished.returncode}"
        raise BackupError(f"{Path(arguments[0]).name} failed: {detail}")
    return finished.stdout


def backup(database_url: str, destination: Path, force: bool) -> str:
    """Dump the database into ``destination`` (custom format); return its schema revision."""
    connection = connection_for(database_url)
    dump, restore_tool = tool("pg_dump"), tool("pg_restore")
    revision = ""

    def fill(partial: Path) -> None:
        nonlocal revision
        _run(
            [dump, "--format=custom", "--no-password", f"--lock-wait-timeout={LOCK_TIMEOUT}",
             f"--file={partial}", f"--dbname={connection.conninfo}"],
            connection,
        )  # fmt: skip
        revision = _revision_in(restore_tool, partial)

    write_privately(destination, force, fill)
    return revision


def read_revision(backup_file: Path) -> str:
    """The schema revision a dump was taken at, after checking pg_restore can read it."""
    return _revision_in(tool("pg_restore"), readable_file(backup_file))


def _revision_in(restore_tool: str, dump: Path) -> str:
    """Read the alembic_version row out of a dump without restoring anything."""
    try:
        _run([restore_tool, "--list", str(dump)])
    except BackupError as error:
        raise BackupError(f"{dump} is not a pg_dump custom-format backup ({error}).") from error
    script = _run([restore_tool, "--data-only", "--table=alembic_version", "--file=-", str(dump)])
    found = _REVISION_ROW.search(script)
    if found is None or found.group(1) == "\\.":
        raise BackupError(f"{dump} holds no Groundwork schema revision (no alembic_version).")
    return found.group(1).strip()


def restore(backup_file: Path, database_url: str) -> None:
    """Replace the database's objects and rows with the dump's, all or nothing."""
    connection = connection_for(database_url)
    try:
        _restore(backup_file, connection)
    except BackupError as error:
        raise BackupError(
            f"{error} (the restore ran as one transaction: nothing changed)"
        ) from error


def _restore(backup_file: Path, connection: Connection) -> None:
    """Run pg_restore; a lock held too long (the site still running) fails it, not hangs it."""
    options = connection.environment.get("PGOPTIONS", "")
    environment = {
        **connection.environment,
        "PGOPTIONS": f"{options} -c lock_timeout={LOCK_TIMEOUT}".strip(),
    }
    connection = Connection(connection.conninfo, environment)
    _run(
        [tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
         "--exit-on-error", "--no-password", f"--dbname={connection.conninfo}",
         str(readable_file(backup_file))],
        connection,
    )  # fmt: skip
