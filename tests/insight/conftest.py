"""The insight tests' app: the suite's own, with the insight blueprint attached if missing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from tests.conftest import make_app


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    """The application under test with ``/teaching/<slug>/insight`` registered."""
    application = make_app(database_url)
    if "insight" not in application.blueprints:
        from app.insight.routes import bp

        application.register_blueprint(bp)
    with application.app_context():
        yield application
    application.extensions["db_engine"].dispose()
