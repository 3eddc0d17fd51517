"""``flask db``: the schema changes only through Alembic migrations."""

from __future__ import annotations

import click
from alembic import command
from alembic.config import Config
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import Engine

from app.config import PROJECT_ROOT

MIGRATIONS = PROJECT_ROOT / "migrations"


def alembic_config() -> Config:
    """Alembic settings pointing at the project's migrations folder."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database at ``engine`` up to ``revision``."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Take the database at ``engine`` down to ``revision``."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


@click.group("db")
def db_commands() -> None:
    """Manage the database schema."""


@db_commands.command("upgrade")
@click.argument("revision", default="head")
@with_appcontext
def upgrade_command(revision: str) -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    upgrade(current_app.extensions["db_engine"], revision)
    click.echo(f"Database upgraded to {revision}.")


@db_commands.command("downgrade")
@click.argument("revision")
@with_appcontext
def downgrade_command(revision: str) -> None:
    """Revert migrations down to REVISION."""
    downgrade(current_app.extensions["db_engine"], revision)
    click.echo(f"Database downgraded to {revision}.")


@db_commands.command("revision")
@click.option("-m", "--message", required=True, help="What the migration changes.")
@with_appcontext
def revision_command(message: str) -> None:
    """Write a new migration by comparing the models with the database."""
    config = alembic_config()
    with current_app.extensions["db_engine"].begin() as connection:
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True)
