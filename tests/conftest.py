"""Fixtures: an app on its own database per test, a CSRF-aware client, and user factories.

The suite runs on SQLite by default. With ``TEST_DATABASE_URL`` naming a PostgreSQL
server (for example ``postgresql://postgres@127.0.0.1:5432/postgres``) it creates a
database of its own there, migrates it, empties it after each test and drops it at
the end; it never touches a database it did not create.
"""

from __future__ import annotations

import contextvars
import os
import re
import secrets
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis
from flask import Flask
from flask.globals import _cv_app
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app import create_app
from app.accounts.models import Role, User
from app.accounts.passwords import Argon2Cost
from app.accounts.services import Profile, create_account
from app.db import make_engine, normalise_url
from app.migrate import upgrade
from app.models import metadata

SERVER_URL = os.environ.get("TEST_DATABASE_URL", "")
ON_POSTGRES = SERVER_URL.startswith(("postgres://", "postgresql"))
TEST_SECRET = "test-secret-key-" + "0" * 32
#: Argon2id's smallest cost: real hashes in the same format, at a fraction of a millisecond.
CHEAP_HASH = Argon2Cost(memory_kib=8, iterations=1, parallelism=1)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip PostgreSQL-only tests on SQLite runs (CI runs them on PostgreSQL)."""
    if ON_POSTGRES:
        return
    skip = pytest.mark.skip(reason="needs TEST_DATABASE_URL pointing at PostgreSQL")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A freshly migrated database: a template file on SQLite, a new database on PostgreSQL."""
    if not ON_POSTGRES:
        path = tmp_path_factory.mktemp("db") / "template.sqlite3"
        engine = make_engine(f"sqlite:///{path}")
        upgrade(engine)
        engine.dispose()
        yield str(path)
        return
    server = make_url(normalise_url(SERVER_URL))
    name = f"groundwork_test_{secrets.token_hex(6)}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = server.set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def database_url(template_database: str, tmp_path: Path) -> Iterator[str]:
    """A database with the full schema and no rows, for one test."""
    if not ON_POSTGRES:
        target = tmp_path / "test.sqlite3"
        with sqlite3.connect(template_database) as source, sqlite3.connect(target) as copy:
            source.backup(copy)
        yield f"sqlite:///{target}"
        return
    yield template_database
    engine = make_engine(template_database)
    tables = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
    with engine.begin() as connection:
        # TRUNCATE skips the row triggers that keep the audit log append-only.
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


def make_app(database_url: str, **overrides: Any) -> Flask:
    """An app for tests: fast password hashing, mail kept in the outbox."""
    settings = {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": TEST_SECRET,
        "PASSWORD_HASH_COST": CHEAP_HASH,
        "MAIL_SERVER": "",
        "SERVER_NAME": "groundwork.test",
        "SITE_URL": "http://groundwork.test",
        "RATELIMIT_STORAGE_URI": "memory://",
        # Said every time: the limiter is one object, and init_app keeps a False left by
        # an earlier app that turned limits off (RATELIMIT_ENABLED=False).
        "RATELIMIT_ENABLED": True,
    }
    settings.update(overrides)
    app = create_app(settings)
    app.test_client_class = FormClient
    return app


#: ``app.learning.services.seat_time_needed`` as the app defines it, kept while it is patched.
_REAL_SEAT_TIME: list[Any] = []


@pytest.fixture(scope="session", autouse=True)
def lessons_complete_at_once() -> Iterator[None]:
    """Tests of other things complete lessons at once, as before lessons had a minimum
    time (the course's own ``min_seconds_per_lesson`` still applies); session-wide, so
    worlds built once for many tests see it too."""
    from app.learning import services

    _REAL_SEAT_TIME.append(services.seat_time_needed)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            services, "seat_time_needed", lambda course, lesson: course.min_seconds_per_lesson
        )
        yield


@pytest.fixture(autouse=True)
def seat_time(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests marked ``seat_time`` get every lesson's real minimum time."""
    if request.node.get_closest_marker("seat_time") is not None:
        from app.learning import services

        monkeypatch.setattr(services, "seat_time_needed", _REAL_SEAT_TIME[0])


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    """The application under test, with an app context pushed."""
    application = make_app(database_url)
    with application.app_context():
        yield application
    application.extensions["db_engine"].dispose()


_CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class FormClient(FlaskClient):
    """A test client whose POSTs carry a CSRF token, as a browser's form would.

    Each request runs in a fresh context, so it gets its own app context (and its own
    ``g`` and database session) even while the test holds one open, as in production.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        """Make the request outside the test's app context."""
        return contextvars.copy_context().run(self._open_alone, *args, **kwargs)

    def _open_alone(self, *args: Any, **kwargs: Any) -> Any:
        _cv_app.set(None)  # type: ignore[arg-type]
        return FlaskClient.open(self, *args, **kwargs)

    def csrf_token(self) -> str:
        """Read the token from a form, as a browser's form carries it: the sign-out form on
        every page once signed in, the sign-in form before."""
        for path in ("/", "/sign-in"):
            page = super().get(path, headers={"Accept": "text/html"})
            match = _CSRF_FIELD.search(page.get_data(as_text=True))
            if match:
                return match.group(1)
        raise AssertionError("neither the catalog nor the sign-in page has a form with a token")

    def post(self, *args: Any, csrf: bool = True, **kwargs: Any) -> Any:
        """POST with the form's CSRF token unless ``csrf=False``."""
        data = kwargs.get("data")
        if csrf and (data is None or isinstance(data, dict)):
            data = dict(data or {})
            if "csrf_token" not in data:  # a token given is used as it is, not fetched
                data["csrf_token"] = self.csrf_token()
            kwargs["data"] = data
        return super().post(*args, **kwargs)


@pytest.fixture
def client(app: Flask) -> FormClient:
    """A browser-like client."""
    return app.test_client()  # type: ignore[return-value]


@pytest.fixture
def runner(app: Flask):  # type: ignore[no-untyped-def]
    """Runs ``flask`` CLI commands against the test app."""
    return app.test_cli_runner()


@dataclass
class UserFactory:
    """Creates confirmed accounts with known passwords."""

    count: int = 0
    password: str = "correct horse battery"

    def __call__(self, role: Role = Role.LEARNER, email: str | None = None, **profile: Any) -> User:
        """A new confirmed account with ``role``."""
        self.count += 1
        email = email or f"{role.value}{self.count}@example.com"
        details = Profile(
            legal_name=profile.get("legal_name", f"Test {role.value.title()} {self.count}"),
            profession=profile.get("profession", "Psychologist"),
            license_number=profile.get("license_number", f"PSY-{1000 + self.count}"),
            license_state=profile.get("license_state", "CA"),
        )
        return create_account(email, self.password, details, role)


@pytest.fixture
def make_user(app: Flask) -> UserFactory:
    """Factory for accounts: ``make_user(Role.ADMIN)``."""
    return UserFactory()


@pytest.fixture
def sign_in(client: FormClient, make_user: UserFactory):  # type: ignore[no-untyped-def]
    """Sign the test client in as a user (a new one of ``role`` unless one is given)."""

    def _sign_in(role: Role = Role.LEARNER, user: User | None = None) -> User:
        user = user or make_user(role)
        response = client.post(
            "/sign-in", data={"email": user.email, "password": make_user.password}
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return _sign_in


#: The Redis that .ci/run starts; tests keep to keys under their own prefix.
REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A rate-limit key prefix of this test's own; its keys are deleted afterwards."""
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.fail("Redis is not running at 127.0.0.1:6379 (.ci/run starts it)")
    prefix = f"groundwork-test-{secrets.token_hex(6)}"
    yield prefix
    for key in client.scan_iter(f"*{prefix}*"):
        client.delete(key)
