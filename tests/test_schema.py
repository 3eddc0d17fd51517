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
