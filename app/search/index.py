"""The full-text index over ``search_entries``, made per database by the migration.

SQLite: an external-content FTS5 table (Porter stemming, accents folded) that triggers
keep in step with ``search_entries``. PostgreSQL: a GIN index on the English tsvector
of the title (weight A) and the body (weight B), the expression ``services`` queries.
"""

from __future__ import annotations

from sqlalchemy.engine import Connection

FTS_TABLE = "search_fts"
PG_INDEX = "ix_search_entries_document"


def pg_document(table: str = "") -> str:
    """The tsvector the PostgreSQL index holds; a query must name the same expression."""
    prefix = f"{table}." if table else ""
    return (
        f"setweight(to_tsvector('english'::regconfig, {prefix}title), 'A') || "
        f"setweight(to_tsvector('english'::regconfig, {prefix}body), 'B')"
    )


# Literal SQL: nothing here comes from input, and FTS_TABLE names the same table.
_SQLITE_CREATE = (
    "CREATE VIRTUAL TABLE search_fts USING fts5(title, body, content='search_entries', "
    "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER search_entries_ai AFTER INSERT ON search_entries BEGIN "
    "INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "CREATE TRIGGER search_entries_ad AFTER DELETE ON search_entries BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); END",
    "CREATE TRIGGER search_entries_au AFTER UPDATE ON search_entries BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); "
    "INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
)
_SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS search_entries_au",
    "DROP TRIGGER IF EXISTS search_entries_ad",
    "DROP TRIGGER IF EXISTS search_entries_ai",
    "DROP TABLE IF EXISTS search_fts",
)


def create_index(connection: Connection) -> None:
    """Make the full-text index for the connection's database."""
    if connection.dialect.name == "sqlite":
        for statement in _SQLITE_CREATE:
            connection.exec_driver_sql(statement)
    else:
        connection.exec_driver_sql(
            f"CREATE INDEX {PG_INDEX} ON search_entries USING gin (({pg_document()}))"
        )


def drop_index(connection: Connection) -> None:
    """Remove the full-text index."""
    if connection.dialect.name == "sqlite":
        for statement in _SQLITE_DROP:
            connection.exec_driver_sql(statement)
    else:
        connection.exec_driver_sql(f"DROP INDEX IF EXISTS {PG_INDEX}")


def is_index_object(name: str | None, type_: str) -> bool:
    """Whether a reflected table or index belongs to the index (no model describes it)."""
    if name is None:
        return False
    if type_ == "table":
        return name == FTS_TABLE or name.startswith(f"{FTS_TABLE}_")
    return type_ == "index" and name == PG_INDEX
