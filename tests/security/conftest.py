"""Fixtures for the security tests: one world database per session, copied for each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.db import make_engine
from app.migrate import upgrade
from tests.conftest import make_app
from tests.security.databases import scratch_database
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
        yield url, world
