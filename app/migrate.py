"""``flask db``: the schema changes only through Alembic migrations."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import click
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import Connection, Engine

from app.config import PROJECT_ROOT
from app.migration_safety import Verdict, judge

MIGRATIONS = PROJECT_ROOT / "migrations"


def alembic_config() -> Config:
    """Alembic settings pointing at the project's migrations folder."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


@contextmanager
def _migrating(engine: Engine) -> Iterator[Connection]:
    """A connection to migrate on, in one transaction that commits all or nothing.

    On SQLite two things need care. Python's driver runs DDL outside any transaction, so
    here it is told to leave transactions alone and one is begun explicitly: a failed
    migration then leaves no half-made table behind. And Alembic changes a table by
    copying it and dropping the original, which foreign-key enforcement refuses once other
    rows point at it, so enforcement is off while migrating (as SQLite's documentation
    prescribes for such changes), every reference is checked before the commit, and
    enforcement is back on before the connection returns to the pool.
    """
    with engine.connect() as connection:
        if connection.dialect.name != "sqlite":
            with connection.begin():
                yield connection
            return
        driver = connection.connection.driver_connection
        if not isinstance(driver, sqlite3.Connection):
            raise TypeError(f"expected the sqlite3 driver, not {type(driver).__name__}")
        managed = driver.isolation_level
        driver.isolation_level = None
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")  # outside a transaction
        connection.commit()
        try:
            with connection.begin():
                connection.exec_driver_sql("BEGIN")
                yield connection
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                if broken:
                    raise RuntimeError(f"The migration left broken references: {broken[:5]}")
        finally:
            connection.rollback()
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()
            driver.isolation_level = managed


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database at ``engine`` up to ``revision``."""
    config = alembic_config()
    with _migrating(engine) as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def pending(engine: Engine) -> list[tuple[str, Verdict]]:
    """Migrations not yet applied to ``engine``'s database, oldest first, each judged."""
    scripts = ScriptDirectory.from_config(alembic_config())
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()
    steps = list(scripts.iterate_revisions("heads", current or "base"))
    steps.reverse()
    return [(step.revision, judge(open(step.path, encoding="utf-8").read())) for step in steps]


def downgrade(engine: Engine, revision: str) -> None:
    """Take the database at ``engine`` down to ``revision``."""
    config = alembic_config()
    with _migrating(engine) as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


@click.group("db")
def db_commands() -> None:
    """Manage the database schema."""


@db_commands.command("upgrade")
@click.argument("revision", default="head")
@click.option(
    "--online",
    is_flag=True,
    help="Refuse unless every pending migration is safe while the previous release serves.",
)
@with_appcontext
def upgrade_command(revision: str, online: bool) -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    engine = current_app.extensions["db_engine"]
    if online:
        offline = [(rev, v) for rev, v in pending(engine) if not v.online]
        if offline:
            for rev, verdict in offline:
                click.echo(f"{rev}: not safe online: {'; '.join(verdict.reasons)}", err=True)
            raise click.ClickException("Stop the app servers for these migrations.")
    upgrade(engine, revision)
    click.echo(f"Database upgraded to {revision}.")


@db_commands.command("downgrade")
@click.argument("revision")
@with_appcontext
def downgrade_command(revision: str) -> None:
    """Revert migrations down to REVISION."""
    downgrade(current_app.extensions["db_engine"], revision)
    click.echo(f"Database downgraded to {revision}.")


@db_commands.command("pending")
@with_appcontext
def pending_command() -> None:
    """List the migrations not yet applied, and whether each is safe while the app serves."""
    steps = pending(current_app.extensions["db_engine"])
    for revision, verdict in steps:
        marked = " (marked ONLINE_SAFE = False)" if verdict.declared is False else ""
        how = "online" if verdict.online else f"offline{marked}: " + "; ".join(verdict.reasons)
        click.echo(f"{revision}  {how}")
    if not steps:
        click.echo("Nothing pending: the database is at the newest migration.")


@db_commands.command("revision")
@click.option("-m", "--message", required=True, help="What the migration changes.")
@with_appcontext
def revision_command(message: str) -> None:
    """Write a new migration by comparing the models with the database."""
    config = alembic_config()
    with current_app.extensions["db_engine"].begin() as connection:
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True)
