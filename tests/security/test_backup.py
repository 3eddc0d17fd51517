"""Backups: ``flask backups create`` and ``restore`` bring back every learner's records.

The round trip runs on whichever database the suite runs on (SQLite, or PostgreSQL with
TEST_DATABASE_URL); restores go into scratch databases made and dropped here.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import text

from app.accounts.models import Role
from app.backups import postgres
from app.backups.cli import backups
from app.backups.services import BackupError, create_backup, holds_records
from app.certificates.models import Certificate
from app.db import db
from tests.certificates.helpers import earn_certificate
from tests.conftest import ON_POSTGRES, make_app
from tests.factories import make_course
from tests.learning.helpers import complete_module_lessons, pass_quiz
from tests.security.databases import scratch_database
from tests.security.snapshot import Snapshot, snapshot
from tests.security.world import sign_in as sign_in_as


def run(app: Flask, *args: str):  # type: ignore[no-untyped-def]
    """Run ``flask backups ARGS`` against ``app``, releasing the test's own connection first."""
    db.session.close()
    with app.app_context():
        return app.test_cli_runner().invoke(backups, list(args))


@pytest.fixture
def records(app, client, make_user, sign_in):  # type: ignore[no-untyped-def]
    """A valid and a revoked certificate, and a learner part-way with a failed attempt."""
    course = make_course()
    holder = sign_in()
    valid = earn_certificate(client, course, holder.id)
    client.post("/sign-out")
    revoked_holder = sign_in()
    revoked = earn_certificate(client, course, revoked_holder.id)
    client.post("/sign-out")
    midway = sign_in()
    client.post(f"/courses/{course.slug}/enroll")
    module = course.active_modules[0]
    complete_module_lessons(client, course, module)
    pass_quiz(client, course, module, midway.id, right=False)
    client.post("/sign-out")
    sign_in(Role.ADMIN)
    response = client.post(
        f"/admin/certificates/{revoked.public_id}/revoke",
        data={"reason": "Issued in error.", "confirm": "yes"},
    )
    assert response.status_code == 302
    client.post("/sign-out")
    return {
        "valid": valid.public_id,
        "name": valid.learner_name,
        "revoked": revoked.public_id,
        "email": holder.email,
    }


def _damage(app: Flask) -> None:
    """Lose progress and a learner's attempts, and tamper with a certificate."""
    with app.extensions["db_engine"].begin() as connection:
        connection.execute(text("DELETE FROM lesson_progress"))
        connection.execute(text("DELETE FROM attempt_answers"))
        connection.execute(text("UPDATE certificates SET learner_name = 'Someone Else'"))


def _assert_restored(url: str, expected: Snapshot, records: dict[str, str]) -> None:
    """Every row is back, certificates verify as they did, and the learner can sign in."""
    restored = make_app(url)
    try:
        with restored.app_context():
            assert snapshot(restored.extensions["db_engine"]) == expected
            client = restored.test_client()
            valid = client.get(f"/verify/{records['valid']}").get_data(as_text=True)
            assert "This certificate is valid" in valid and records["name"] in valid
            revoked = client.get(f"/verify/{records['revoked']}").get_data(as_text=True)
            assert "This certificate was revoked" in revoked
            sign_in_as(client, records["email"])
            page = client.get(f"/certificates/{records['valid']}")
            assert page.status_code == 200
    finally:
        restored.extensions["db_engine"].dispose()


def test_a_restore_brings_back_every_record_and_certificates_still_verify(
    app, records, tmp_path
) -> None:
    engine = app.extensions["db_engine"]
    expected = snapshot(engine)
    backup = tmp_path / "groundwork.backup"
    created = run(app, "create", str(backup))
    assert created.exit_code == 0, created.output
    assert "Backed up the database" in created.output and "current" in created.output
    _damage(app)
    assert snapshot(engine) != expected
    with scratch_database("restore", tmp_path) as fresh:
        restore = run(make_app(fresh), "restore", str(backup))
        assert restore.exit_code == 0, restore.output
        _assert_restored(fresh, expected, records)
    forced = run(app, "restore", "--force", str(backup))
    assert forced.exit_code == 0, forced.output
    _assert_restored(app.config["DATABASE_URL"], expected, records)


def test_a_restore_into_a_database_holding_records_needs_force(app, records, tmp_path) -> None:
    backup = tmp_path / "groundwork.backup"
    assert run(app, "create", str(backup)).exit_code == 0
    _damage(app)
    damaged = snapshot(app.extensions["db_engine"])
    refused = run(app, "restore", str(backup))
    assert refused.exit_code != 0
    assert "already holds records" in refused.output and "--force" in refused.output
    assert snapshot(app.extensions["db_engine"]) == damaged


def test_files_that_are_not_whole_backups_are_refused(app, records, tmp_path) -> None:
    backup = tmp_path / "groundwork.backup"
    assert run(app, "create", str(backup)).exit_code == 0
    junk = tmp_path / "junk.backup"
    junk.write_bytes(os.urandom(4096))
    half = tmp_path / "half.backup"
    half.write_bytes(backup.read_bytes()[: backup.stat().st_size // 2])
    with scratch_database("restore", tmp_path) as fresh:
        target = make_app(fresh)
        for bad in (junk, half, tmp_path / "missing.backup"):
            refused = run(target, "restore", str(bad))
            assert refused.exit_code != 0, bad
            assert "Error:" in refused.output and "Traceback" not in refused.output
        assert not holds_records(fresh)


def test_a_backup_is_private_and_never_overwrites(app, records, tmp_path) -> None:
    backup = tmp_path / "groundwork.backup"
    assert run(app, "create", str(backup)).exit_code == 0
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    first = backup.read_bytes()
    again = run(app, "create", str(backup))
    assert again.exit_code != 0 and "already exists" in again.output
    assert backup.read_bytes() == first
    assert run(app, "create", "--force", str(backup)).exit_code == 0
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_backup_of_a_schema_this_release_does_not_know_is_refused(app, records, tmp_path) -> None:
    backup = tmp_path / "future.backup"
    engine = app.extensions["db_engine"]
    with engine.begin() as connection:
        current = connection.scalar(text("SELECT version_num FROM alembic_version"))
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    try:
        with pytest.raises(BackupError, match="does not know"):
            create_backup(app.config["DATABASE_URL"], backup)
        with scratch_database("restore", tmp_path) as fresh:
            refused = run(make_app(fresh), "restore", str(backup))
            assert refused.exit_code != 0 and "does not know" in refused.output
    finally:
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": current})


def test_missing_postgresql_tools_are_named(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(BackupError, match=r"pg_dump was not found on PATH\. Install"):
        create_backup("postgresql://u@localhost/db", tmp_path / "x.backup")


def test_the_password_stays_off_the_command_line() -> None:
    connection = postgres.connection_for(
        "postgresql://clinic:s3cret%20pw@db.example:5433/groundwork?sslmode=require"
    )
    assert "s3cret" not in connection.conninfo
    assert connection.environment["PGPASSWORD"] == "s3cret pw"
    for part in ("host=db.example", "port=5433", "user=clinic", "dbname=groundwork",
                 "sslmode=require"):  # fmt: skip
        assert part in connection.conninfo


@pytest.mark.postgres
def test_a_failed_postgresql_restore_changes_nothing(app, records, tmp_path) -> None:
    assert ON_POSTGRES
    backup = tmp_path / "groundwork.backup"
    assert run(app, "create", str(backup)).exit_code == 0
    damaged = tmp_path / "damaged.backup"
    data = bytearray(backup.read_bytes())
    data[len(data) // 2 :] = os.urandom(len(data) - len(data) // 2)
    damaged.write_bytes(bytes(data))
    _damage(app)
    before = snapshot(app.extensions["db_engine"])
    refused = run(app, "restore", "--force", str(damaged))
    assert refused.exit_code != 0 and "pg_restore" in refused.output
    assert snapshot(app.extensions["db_engine"]) == before
    assert Certificate.__tablename__ in {
        name for (name,) in db.session.execute(text("SELECT tablename FROM pg_tables"))
    }
