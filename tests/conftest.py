"""Fixtures: an app on its own database per test, a CSRF-aware client, and user factories.

The suite runs on SQLite by default. With ``TEST_DATABASE_URL`` naming a PostgreSQL
server (for example ``postgresql://postgres@127.0.0.1:5432/postgres``) it creates a
database of its own there (one per xdist worker), migrates it, empties it after each
test and drops it at the end; it never touches a database it did not create.

Building an app costs about a tenth of a second (Werkzeug compiles every URL rule), more
than most tests, so each worker builds one and every test gets it back as new: its
configuration and extensions as built, fresh rate-limit counters, and a database of its
own (a file copy of the migrated template on SQLite). Tests that change the app in ways
a reset cannot undo (adding a route) are marked ``fresh_app`` and get an app of their own.
"""

from __future__ import annotations

import copy
import filecmp
import os
import secrets
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis
from flask import Flask, g
from flask import session as flask_session
from flask.testing import FlaskClient
from flask_wtf.csrf import generate_csrf
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url

from app import create_app
from app.accounts.models import Role, User
from app.accounts.passwords import Argon2Cost
from app.accounts.services import Profile, create_account
from app.db import make_engine, normalise_url
from app.extensions import limiter
from app.migrate import upgrade
from app.models import metadata

SERVER_URL = os.environ.get("TEST_DATABASE_URL", "")
ON_POSTGRES = SERVER_URL.startswith(("postgres://", "postgresql"))
TEST_SECRET = "test-secret-key-" + "0" * 32
#: Argon2id's smallest cost: real hashes in the same format, at a fraction of a millisecond.
CHEAP_HASH = Argon2Cost(memory_kib=8, iterations=1, parallelism=1)
#: This process's xdist worker ("gw0", "gw1", ...), or "main" when the suite runs alone.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip PostgreSQL-only tests on SQLite runs (CI runs them on PostgreSQL)."""
    if ON_POSTGRES:
        return
    skip = pytest.mark.skip(reason="needs TEST_DATABASE_URL pointing at PostgreSQL")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


def _no_fsync(dbapi_connection: Any, _record: Any) -> None:
    """Let SQLite skip fsync: a test database that outlives a power cut has no use, and on
    a busy disk the fsync at every commit was the suite's largest wait."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA synchronous=OFF")


@pytest.fixture(scope="session", autouse=True)
def sqlite_without_fsync() -> Iterator[None]:
    """Every SQLite connection any engine in this process opens skips fsync."""
    event.listen(Engine, "connect", _no_fsync)
    yield
    event.remove(Engine, "connect", _no_fsync)


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A freshly migrated database: a template file on SQLite, a new database on PostgreSQL."""
    if not ON_POSTGRES:
        path = tmp_path_factory.mktemp("db") / "template.sqlite3"
        engine = make_engine(f"sqlite:///{path}")
        upgrade(engine)
        engine.dispose()
        # Closing the last connection checkpoints the WAL into the file, which tests copy.
        assert not Path(f"{path}-wal").exists(), "the template's WAL was not checkpointed"
        yield str(path)
        return
    server = make_url(normalise_url(SERVER_URL))
    name = f"groundwork_test_{WORKER}_{secrets.token_hex(6)}"
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


@pytest.fixture(scope="session")
def test_database_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where this worker's tests find their SQLite database: one path, a new file each test.

    One path lets the worker's app keep one engine, and with it SQLAlchemy's cache of
    compiled statements (kept per engine), instead of compiling every query every test.
    """
    return tmp_path_factory.mktemp("test-db") / "test.sqlite3"


@pytest.fixture
def database_url(template_database: str, test_database_path: Path) -> Iterator[str]:
    """A database with the full schema and no rows, for one test."""
    if not ON_POSTGRES:
        # The template is closed and checkpointed (no -wal file), so its bytes are the
        # whole database: a file copy takes well under a millisecond, a backup ~15 ms.
        replace_database_file(template_database, test_database_path)
        yield f"sqlite:///{test_database_path}"
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


@dataclass(frozen=True)
class PristineApp:
    """A worker's app and what it held when built, so each test can have it back as new."""

    app: Flask
    config: dict[str, Any]
    extensions: dict[str, Any]

    def reset(self, **overrides: Any) -> Flask:
        """The app as built (with ``overrides`` to settings read per request or by the
        limiter), with fresh rate-limit counters and no per-app caches."""
        application = self.app
        application.config.clear()
        application.config.update(copy.deepcopy(self.config))
        application.config.update(overrides)
        application.extensions.clear()  # drops caches: signing keys, the version cache
        application.extensions.update(self.extensions)  # the engine, the limiter, ...
        # Binding the limiter again gives it new memory storage, and takes it back from any
        # other app a test built (the limiter is one object shared by every app).
        limiter.init_app(application)
        return application


@pytest.fixture(scope="session")
def pristine_app(template_database: str, test_database_path: Path) -> PristineApp:
    """This worker's app, built once on the path every test's database takes."""
    url = template_database if ON_POSTGRES else f"sqlite:///{test_database_path}"
    application = make_app(url)
    return PristineApp(
        application, copy.deepcopy(dict(application.config)), dict(application.extensions)
    )


@pytest.fixture
def app(request: pytest.FixtureRequest, database_url: str) -> Iterator[Flask]:
    """The application under test on this test's own database, with an app context pushed."""
    if request.node.get_closest_marker("fresh_app") is not None:
        application = make_app(database_url)
    else:
        pristine: PristineApp = request.getfixturevalue("pristine_app")
        application = pristine.reset()
    try:
        with application.app_context():
            yield application
    finally:
        # Closes its connections (the next test's file replaces this one); the engine,
        # and its statement cache, stay for the next test.
        application.extensions["db_engine"].dispose()


@pytest.fixture(scope="session")
def _built_databases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The SQLite files `built_database` kept this session, by name."""
    return {"folder": tmp_path_factory.mktemp("built")}


#: Builds rows into the current test's database (an app context is pushed).
Build = Callable[[], None]


@pytest.fixture
def built_database(
    app: Flask,
    template_database: str,
    test_database_path: Path,
    _built_databases: dict[str, Path],
) -> Callable[[str, Build], bool]:
    """Give this test the database `build` makes, building it once per worker on SQLite.

    ``built_database(name, build)`` runs ``build`` the first time a worker asks for
    ``name`` and keeps a copy of the file it leaves; later tests get a file copy (well
    under a millisecond where building took seconds: a seed, the shipped curriculum), as
    the empty schema is copied for every test. It returns True when ``build`` ran, so a
    test can check what only the build's output shows. On PostgreSQL ``build`` runs each
    time. The build must depend only on ``name``, never on the test.
    """

    def give(name: str, build: Build) -> bool:
        kept = _built_databases.get(name)
        if kept is not None:
            _close_connections(app)
            # Replacing the file would lose any row the test wrote before asking.
            assert filecmp.cmp(test_database_path, template_database, shallow=False), (
                "ask built_database for a database before the test writes to it"
            )
            replace_database_file(kept, test_database_path)
            return False
        build()
        if not ON_POSTGRES:
            _close_connections(app)
            kept = _built_databases["folder"] / f"{name}.sqlite3"
            # SQLite's backup API copies every committed page, WAL included, into one file.
            source, target = sqlite3.connect(test_database_path), sqlite3.connect(kept)
            try:
                source.backup(target)
            finally:
                target.close()
                source.close()
            _built_databases[name] = kept
        return True

    return give


def _close_connections(app: Flask) -> None:
    """End the app context's session and close the pool before the file is replaced."""
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
    app.extensions["db_engine"].dispose()


def replace_database_file(source: Path | str, database: Path) -> None:
    """Put a copy of `source` at `database` as a new file, with no WAL of the old one."""
    for leftover in (f"{database}-wal", f"{database}-shm"):
        Path(leftover).unlink(missing_ok=True)
    # A new inode: a connection a test left open keeps the old file, never this one.
    fresh = database.with_suffix(".new")
    shutil.copyfile(source, fresh)
    fresh.replace(database)


class FormClient(FlaskClient):
    """A test client whose POSTs carry a CSRF token, as a browser's form would.

    Each request gets an app context of its own (and so its own ``g`` and database
    session) even while the test holds one open, as in production.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        """Make the request in a new app context, which the request uses and then ends."""
        with self.application.app_context():
            return super().open(*args, **kwargs)

    def csrf_token(self) -> str:
        """The token a form of this session's pages carries, as the browser posting it has.

        Every form's token is a secret kept in the session, signed by Flask-WTF's
        ``generate_csrf``; the first page with a form that a session loads puts the secret
        in its cookie. Here the same function signs the same cookie's secret, putting one
        in first if the session has none, as that page would. Loading a page for its token
        was 45% of the suite's requests (885 of 1,971 in the accounts, authoring and
        quizzes tests), and still the sign-in form and account page before and after
        every sign-in once tokens were signed here for sessions that had a secret.
        """
        with self.session_transaction() as session:
            field = self.application.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
            with self.application.app_context(), self.application.test_request_context():
                flask_session.update(session)
                token = generate_csrf()
                if field not in session:  # the page would have set it in the cookie
                    session[field] = flask_session[field]
            return token

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
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A rate-limit key prefix of this test's own; its keys are deleted afterwards.

    Without Redis the test is skipped, saying so, except under CI (``CI`` set), where
    .ci/run has started Redis and its absence is a failure.
    """
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.ConnectionError:
        message = f"needs Redis at {REDIS_URL} (set TEST_REDIS_URL; .ci/run starts one)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    prefix = f"groundwork-test-{secrets.token_hex(6)}"
    yield prefix
    for key in client.scan_iter(f"*{prefix}*"):
        client.delete(key)
