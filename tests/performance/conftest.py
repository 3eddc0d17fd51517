"""Counting SQL statements per request."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from flask import Flask
from sqlalchemy import event


@dataclass
class QueryCounter:
    """Counts the statements the app's engine runs inside ``counting()``."""

    statements: list[str] = field(default_factory=list)
    active: bool = False

    @contextmanager
    def counting(self) -> Iterator[list[str]]:
        """Count from here to the end of the block."""
        self.statements.clear()
        self.active = True
        try:
            yield self.statements
        finally:
            self.active = False


@pytest.fixture
def count_queries(app: Flask) -> Iterator[QueryCounter]:
    """A counter hooked to the app's engine."""
    counter = QueryCounter()
    engine = app.extensions["db_engine"]

    def record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if counter.active:
            counter.statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    yield counter
    event.remove(engine, "before_cursor_execute", record)
