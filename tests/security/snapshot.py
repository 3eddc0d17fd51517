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
