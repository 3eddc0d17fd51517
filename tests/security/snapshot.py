"""A fingerprint of every row in the database, to prove a refused request changed nothing."""

from __future__ import annotations

import hashlib

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from app.models import metadata

Snapshot = dict[str, tuple[int, str]]


def snapshot(engine: Engine) -> Snapshot:
    """Row count and a SHA-256 of the rows (in primary-key order) of every table."""
    result: Snapshot = {}
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            rows = connection.execute(select(table).order_by(*table.primary_key.columns)).all()
            digest = hashlib.sha256(repr([tuple(row) for row in rows]).encode()).hexdigest()
            result[table.name] = (len(rows), digest)
    return result


def row_counts(engine: Engine) -> dict[str, int]:
    """How many rows each table holds."""
    with engine.connect() as connection:
        return {
            table.name: connection.scalar(select(func.count()).select_from(table)) or 0
            for table in metadata.sorted_tables
        }


def changed_tables(before: Snapshot, after: Snapshot) -> list[str]:
    """The tables whose rows differ between two snapshots."""
    return [name for name in before if before[name] != after.get(name)]


class Snapshots:
    """Snapshots of one database that skip the work when nothing was committed since the last.

    On SQLite a connection of its own reads ``PRAGMA data_version``, which changes whenever
    any other connection commits to the file; this one only reads, so an unchanged version
    means unchanged rows and the last snapshot stands. Each fuzzed post takes two snapshots
    of about fifty tables, and most posts are refused and write nothing. Elsewhere every
    snapshot is taken in full.
    """

    def __init__(self, engine: Engine) -> None:
        """Watch `engine`'s database; call close() when done."""
        self.engine = engine
        self.watcher = engine.connect() if engine.dialect.name == "sqlite" else None
        self.version: object = None
        self.last: Snapshot | None = None

    def take(self) -> Snapshot:
        """The rows now, as snapshot() gives them."""
        version = None
        if self.watcher is not None:
            version = self.watcher.exec_driver_sql("PRAGMA data_version").scalar()
            if self.last is not None and version == self.version:
                return self.last
        self.last, self.version = snapshot(self.engine), version
        return self.last

    def close(self) -> None:
        """Give the watching connection back."""
        if self.watcher is not None:
            self.watcher.close()
