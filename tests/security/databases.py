"""Scratch databases for these tests: a file on SQLite, a database of our own on PostgreSQL.

On PostgreSQL every database made here is named ``groundwork_test_<purpose>_<random>``
and dropped afterwards; no other database on the server is touched.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.db import normalise_url
from tests.conftest import ON_POSTGRES, SERVER_URL, make_app


def sqlite_file(url: str) -> Path:
    """The file an SQLite URL names."""
    return Path(make_url(url).database or "")


@contextmanager
def scratch_database(purpose: str, folder: Path, template: str | None = None) -> Iterator[str]:
    """A new database (empty, or a copy of ``template``'s URL) for the duration of the block."""
    if not ON_POSTGRES:
        target = folder / f"{purpose}-{secrets.token_hex(4)}.sqlite3"
        if template is not None:
            with (
                closing(sqlite3.connect(sqlite_file(template))) as source,
                closing(sqlite3.connect(target)) as copy,
            ):
                source.backup(copy)
        yield f"sqlite:///{target}"
        return
    server = make_url(normalise_url(SERVER_URL))
    name = f"groundwork_test_{purpose}_{secrets.token_hex(6)}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    clause = ""
    if template is not None:
        clause = f' TEMPLATE "{make_url(normalise_url(template)).database}"'
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"{clause}'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def app_on_copy(purpose: str, folder: Path, template: str) -> Iterator[Flask]:
    """An app (rate limits off, app context pushed) on a private copy of ``template``."""
    with scratch_database(purpose, folder, template=template) as copy:
        app = make_app(copy, RATELIMIT_ENABLED=False)
        with app.app_context():
            yield app
        app.extensions["db_engine"].dispose()
