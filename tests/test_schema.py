"""The migrations build exactly the schema the models describe, and enforce its invariants."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from app.accounts.models import Role
from app.audit.services import record
from app.db import db, make_engine
from app.migrate import alembic_config, downgrade, upgrade
from app.models import metadata
from app.search.index import is_index_object


def test_migrations_match_the_models(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                # The full-text index differs per database and is made by its migration.
                "include_name": lambda name, type_, _parents: not is_index_object(name, type_),
            },
        )
        assert compare_metadata(context, metadata) == []


def test_emails_are_unique_whatever_the_case(app, make_user):
    make_user(email="same@example.com")
    with pytest.raises(IntegrityError):
        db.session.execute(
            text(
                "INSERT INTO users (email, password_hash, legal_name, profession, role, is_active, "
                "session_version, created_at) VALUES ('SAME@example.com', 'x', 'X', 'Other', "
                "'learner', true, 1, CURRENT_TIMESTAMP)"
            )
        )
        db.session.flush()
    db.session.rollback()


def test_the_audit_log_is_append_only(app, make_user):
    admin = make_user(Role.ADMIN)
    event = record("test.event", "user", admin.id, actor_id=admin.id)
    db.session.commit()
    for statement in (
        f"UPDATE audit_events SET action = 'rewritten' WHERE id = {event.id}",
        f"DELETE FROM audit_events WHERE id = {event.id}",
    ):
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text(statement))
        db.session.rollback()


def _version_and_tables(engine) -> tuple[str, set[str]]:  # type: ignore[no-untyped-def]
    with engine.connect() as connection:
        version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        return version, set(inspect(connection).get_table_names())


def test_a_migration_that_fails_midway_changes_nothing(app):
    """Revision 0005 creates three tables; when the third cannot be made, none remains.

    (SQLite's driver runs DDL outside transactions unless told otherwise.)
    """
    engine = db.engine
    downgrade(engine, "0004")
    with engine.begin() as connection:  # in the way of the third table the upgrade creates
        connection.execute(text("CREATE TABLE question_tallies (question_id INTEGER)"))
    try:
        with pytest.raises(DBAPIError):
            upgrade(engine)
        version, tables = _version_and_tables(engine)
        assert version == "0004"
        assert not {"lesson_tallies", "choice_tallies"} & tables
    finally:
        with engine.begin() as connection:
            connection.execute(text("DROP TABLE question_tallies"))
        upgrade(engine)
    # Whatever the newest revision is now, not 0005: later migrations must not break this test.
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert _version_and_tables(engine)[0] == head


def test_sqlite_migrations_check_every_reference_before_committing(tmp_path):
    """Foreign keys are off while SQLite tables are rebuilt, so they are checked at the end."""
    engine = make_engine(f"sqlite:///{tmp_path / 'references.sqlite3'}")
    upgrade(engine, "0004")
    with engine.connect() as connection:  # a dangling reference the upgrade's check will find
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
        connection.exec_driver_sql(
            "INSERT INTO lesson_progress (user_id, lesson_id, first_viewed_at, seconds_on_task) "
            "VALUES (999, 999, CURRENT_TIMESTAMP, 0)"
        )
        connection.commit()
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.commit()

    with pytest.raises(RuntimeError, match="broken references"):
        upgrade(engine)

    version, tables = _version_and_tables(engine)
    assert version == "0004"
    assert not {"lesson_tallies", "question_tallies", "_alembic_tmp_enrollments"} & tables
    engine.dispose()
