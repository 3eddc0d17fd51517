"""The SQLAlchemy engine and the one-session-per-request lifecycle."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import DateTime, Delete, MetaData, Table, Update, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult, Engine, Result
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware UTC datetime on every database (SQLite drops the offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        """Store UTC; refuse naive datetimes so no local time slips in."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        """Return an aware UTC datetime."""
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    """Declarative base with constraint names Alembic can diff on every database."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dt.datetime: UTCDateTime()}


#: How a service locks a row it is about to change: FOR NO KEY UPDATE on PostgreSQL (left
#: out on SQLite, which serialises writers). Writers of the row take turns, while inserts
#: that only reference it (a foreign key's check takes FOR KEY SHARE) do not wait, so two
#: requests locking rows the other's audit event or answers refer to cannot deadlock.
FOR_CHANGE: dict[str, Any] = {"key_share": True}


def utcnow() -> dt.datetime:
    """The current time, aware, in UTC."""
    return dt.datetime.now(dt.UTC)


def normalise_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs written the usual way."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str) -> Engine:
    """Create an engine with the per-database settings the app relies on."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Turn on foreign keys and WAL so SQLite enforces the schema and serves readers."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


class Database:
    """Binds an engine to each app and hands out one session per app context."""

    def init_app(self, app: Flask) -> None:
        """Create the app's engine and close the request's session on teardown."""
        engine = make_engine(app.config["DATABASE_URL"])
        app.extensions["db_engine"] = engine
        app.extensions["db_sessionmaker"] = sessionmaker(engine, expire_on_commit=False)
        app.teardown_appcontext(self._close_session)

    @property
    def engine(self) -> Engine:
        """The current app's engine."""
        return current_app.extensions["db_engine"]

    @property
    def session(self) -> Session:
        """The session of the current app context, created on first use."""
        if "db_session" not in g:
            g.db_session = current_app.extensions["db_sessionmaker"]()
        return g.db_session

    @staticmethod
    def _close_session(_exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()


db = Database()


def change_once(statement: Update | Delete, *, refuse: Exception | None = None) -> bool:
    """Run a conditional UPDATE or DELETE and say whether it changed exactly one row.

    Its WHERE names the state the caller decided from (still pending, not yet attested),
    so of two requests deciding at once the database lets one match and the other change
    nothing: the first wins, without a lock held between reading and writing. With
    ``refuse``, the loser's session is rolled back and ``refuse`` raised instead of
    returning False. The session's objects are not synchronised; refresh what you show.
    """
    result = db.session.execute(statement.execution_options(synchronize_session=False))
    if rows_matched(result) == 1:
        return True
    if refuse is not None:
        db.session.rollback()
        raise refuse
    return False


def rows_matched(result: Result[Any]) -> int:
    """How many rows an UPDATE, DELETE or INSERT touched: claims and compare-and-set checks."""
    # Session.execute is typed to return Result whatever the statement; only its DML form,
    # CursorResult, carries rowcount.
    if not isinstance(result, CursorResult):
        raise TypeError("rows_matched() needs the result of an UPDATE, DELETE or INSERT")
    return result.rowcount


def upsert_insert(model: type[Base] | Table) -> postgresql.Insert | sqlite.Insert:
    """An INSERT into ``model`` (a class or a table) that takes ON CONFLICT clauses.

    PostgreSQL and SQLite spell ``ON CONFLICT`` alike, but SQLAlchemy builds the clause
    from each dialect's own ``insert``; this picks the one the app's engine speaks.
    """
    if db.engine.dialect.name == "postgresql":
        return postgresql.insert(model)
    return sqlite.insert(model)
