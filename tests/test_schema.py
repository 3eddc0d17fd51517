"""The migrations build exactly the schema the models describe, and enforce its invariants."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError

from app.accounts.models import Role
from app.audit.services import record
from app.db import db
from app.migrate import downgrade, upgrade
from app.models import metadata


def test_migrations_match_the_models(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
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


def test_a_migration_that_fails_on_sqlite_changes_nothing(app):
    """SQLite runs DDL outside transactions unless told; a failed upgrade must leave no trace."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL DDL is transactional by nature")
    engine = db.engine
    downgrade(engine, "0004")
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

    with engine.connect() as connection:
        version = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        tables = {row[0] for row in connection.exec_driver_sql("SELECT name FROM sqlite_master")}
    assert version == "0004"
    assert not {"lesson_tallies", "question_tallies", "_alembic_tmp_enrollments"} & tables
