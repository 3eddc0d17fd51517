"""What "ready to serve" means: the database answers, Redis answers, the schema is current.

Each check returns ``None`` when all is well or a short plain reason; nothing here writes.
"""

from __future__ import annotations

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from limits.storage import Storage
from sqlalchemy import text
from sqlalchemy.engine import Engine

from app.migrate import alembic_config


def expected_heads() -> set[str]:
    """The newest migration(s) in migrations/versions: what this code expects."""
    return set(ScriptDirectory.from_config(alembic_config()).get_heads())


def known_revisions() -> set[str]:
    """Every migration this code has, old and new."""
    scripts = ScriptDirectory.from_config(alembic_config())
    return {script.revision for script in scripts.walk_revisions()}


def database_problem(engine: Engine, heads: set[str], known: set[str] | None = None) -> str | None:
    """Why the database cannot serve this code, or None: unreachable, or schema not at head.

    A database at a revision this code does not know is ahead of it: the next release
    applied its migrations, which must be safe online (app/migration_safety.py), before
    its servers replace this one. This code keeps serving until then; refusing would take
    every old server out of the load balancer at once in the middle of a rolling deploy.
    """
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            current = set(MigrationContext.configure(connection).get_current_heads())
    except Exception as error:  # any driver error means "not ready"
        return f"database unreachable ({type(error).__name__})"
    if current and known is not None and not current & known:
        return None  # ahead: a newer release's online migrations
    if current != heads:
        have = ", ".join(sorted(current)) or "none"
        want = ", ".join(sorted(heads))
        return f"migrations not current (database at {have}, code expects {want})"
    return None


def redis_problem(storage: Storage | None, storage_uri: str) -> str | None:
    """Why the shared rate-limit store cannot be used, or None (memory storage needs nothing)."""
    if not storage_uri.startswith(("redis://", "rediss://", "redis+")):
        return None
    try:
        healthy = bool(storage is not None and storage.check())
    except Exception as error:  # any client error means "not ready"
        return f"redis unreachable ({type(error).__name__})"
    return None if healthy else "redis unreachable"
