"""``flask backups``: create a backup of the database, or restore one."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from app.backups.services import BackupError, BackupInfo, create_backup, restore_backup
from app.db import db


@click.group("backups")
def backups() -> None:
    """Back up and restore the database (see docs/backup.md)."""


def _schema_note(info: BackupInfo) -> str:
    """What to tell the operator about the backup's schema revision."""
    if info.current:
        return f"schema revision {info.revision}, current"
    return f"schema revision {info.revision}; run `flask db upgrade` to bring it up to date"


@backups.command("create")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--force", is_flag=True, help="Replace PATH if it already exists.")
@with_appcontext
def create_command(path: Path, force: bool) -> None:
    """Write a consistent backup of the database to PATH, readable by its owner only."""
    try:
        info = create_backup(current_app.config["DATABASE_URL"], path, force=force)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backed up the database to {path} ({_schema_note(info)}).")


@backups.command("restore")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--force", is_flag=True, help="Replace a database that already holds records (all of them)."
)
@with_appcontext
def restore_command(path: Path, force: bool) -> None:
    """Restore the backup at PATH into the database; stop the site first."""
    db.session.close()  # hold no connection the restore would have to wait for
    current_app.extensions["db_engine"].dispose()
    try:
        info = restore_backup(current_app.config["DATABASE_URL"], path, force=force)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored {path} ({_schema_note(info)}).")
