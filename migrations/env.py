"""Alembic environment: runs against the connection the app hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import engine_from_config, pool

from app.db import UTCDateTime
from app.models import metadata
from app.search.index import is_index_object

config = context.config


def render_item(type_: str, obj: object, autogen_context: object) -> str | bool:
    """Write the app's UTC column type as a plain timezone-aware DateTime in migrations."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Leave the full-text index to its own migration: no model describes it."""
    return not is_index_object(name, type_)


def run_migrations(connection) -> None:  # type: ignore[no-untyped-def]
    """Configure Alembic on ``connection`` and run the migrations."""
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=render_item,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run_migrations(connection)
else:  # plain `alembic` on the command line: use sqlalchemy.url from the config
    engine = engine_from_config(
        config.get_section(config.config_ini_section) or {},
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with engine.begin() as conn:
        run_migrations(conn)
