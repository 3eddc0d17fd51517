"""/healthz and /readyz: what a proxy or orchestrator sees, and what they never do."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import text

from app.migrate import downgrade, upgrade
from tests.conftest import REDIS_URL, make_app


def test_healthz_answers_ok_without_a_cookie(client) -> None:
    """A liveness probe every few seconds must not create sessions."""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_data(as_text=True).strip() == "ok"
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_is_ready_with_database_at_head(client) -> None:
    """A migrated database and memory rate limits: ready."""
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_data(as_text=True).strip() == "ready"
    assert "Set-Cookie" not in response.headers


def test_readyz_refuses_while_migrations_are_behind(app: Flask, client) -> None:
    """Code newer than the schema must not take traffic: 503 naming the revisions."""
    engine = app.extensions["db_engine"]
    downgrade(engine, "0006")
    try:
        response = client.get("/readyz")
    finally:
        upgrade(engine)  # the shared PostgreSQL test database is truncated, not rebuilt
    assert response.status_code == 503
    body = response.get_data(as_text=True)
    assert "migrations not current" in body
    assert "database at 0006" in body


def test_readyz_serves_a_database_a_newer_release_migrated(app: Flask, client) -> None:
    """Mid-deploy the schema is ahead (the next release's online migrations): keep serving.

    Refusing would pull every old server out of the load balancer before a new one is up.
    """
    engine = app.extensions["db_engine"]
    with engine.begin() as connection:
        (current,) = connection.execute(text("SELECT version_num FROM alembic_version")).one()
        connection.execute(text("UPDATE alembic_version SET version_num = 'next-release'"))
    try:
        response = client.get("/readyz")
    finally:
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": current})
    assert response.status_code == 200
    assert response.get_data(as_text=True).strip() == "ready"


def test_readyz_refuses_when_the_database_is_unreachable(tmp_path) -> None:
    """A database that cannot be opened gives 503 and a plain reason, never a 500."""
    application = make_app(f"sqlite:///{tmp_path}/missing-folder/db.sqlite3")
    response = application.test_client().get("/readyz")
    assert response.status_code == 503
    assert "database unreachable" in response.get_data(as_text=True)
    assert "Set-Cookie" not in response.headers


def test_readyz_refuses_when_redis_is_unreachable(database_url: str) -> None:
    """Rate limits shared through a Redis that does not answer: not ready."""
    application = make_app(database_url, RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0")
    response = application.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_data(as_text=True).strip() == "not ready: redis unreachable"
    application.extensions["db_engine"].dispose()


def test_readyz_is_ready_with_redis_running(database_url: str, redis_prefix: str) -> None:
    """The Redis .ci/run starts answers, so the site is ready."""
    application = make_app(
        database_url, RATELIMIT_STORAGE_URI=REDIS_URL, RATELIMIT_KEY_PREFIX=redis_prefix
    )
    response = application.test_client().get("/readyz")
    assert response.status_code == 200
    application.extensions["db_engine"].dispose()


def test_probes_refuse_writes(client) -> None:
    """An attacker cannot use the probes to write: POST is not allowed."""
    assert client.post("/readyz", csrf=False).status_code == 405
    assert client.post("/healthz", csrf=False).status_code == 405
