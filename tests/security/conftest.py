"""Fixtures for the security tests: one world database per session, copied for each test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from app.db import make_engine
from app.migrate import upgrade
from tests.conftest import ON_POSTGRES, make_app, replace_database_file
from tests.security.databases import scratch_database, sqlite_file
from tests.security.world import World, build_world


@pytest.fixture(scope="session")
def world_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, World]]:
    """A migrated database holding the world (see world.py), built once."""
    with scratch_database("fuzz_world", tmp_path_factory.mktemp("fuzz")) as url:
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        app = make_app(url, RATELIMIT_ENABLED=False)
        with app.app_context():
            world = build_world(app)
        app.extensions["db_engine"].dispose()
        # Closing the last connection checkpointed the WAL: the file alone is the world.
        assert ON_POSTGRES or not Path(f"{sqlite_file(url)}-wal").exists()
        yield url, world


@pytest.fixture
def world_app(
    request: pytest.FixtureRequest, world_database: tuple[str, World], tmp_path: Path
) -> Iterator[tuple[Flask, World]]:
    """An app with rate limits off on a copy of the world of its own, context pushed.

    On SQLite it is the worker's app on a file copy, so its compiled templates and SQL
    statements carry over from test to test; a new app compiled them all again, which was
    most of the time of a fuzzed post. On PostgreSQL a database cloned from the world gets
    an app of its own.
    """
    url, world = world_database
    if ON_POSTGRES:
        with scratch_database("fuzz", tmp_path, template=url) as copy:
            app = make_app(copy, RATELIMIT_ENABLED=False)
            with app.app_context():
                yield app, world
            app.extensions["db_engine"].dispose()
        return
    replace_database_file(sqlite_file(url), request.getfixturevalue("test_database_path"))
    app = request.getfixturevalue("pristine_app").reset(RATELIMIT_ENABLED=False)
    try:
        with app.app_context():
            yield app, world
    finally:
        app.extensions["db_engine"].dispose()
