"""Writing generated rows fast: COPY on PostgreSQL, batched executemany elsewhere.

Rows carry their own primary keys (the planner assigns them), so parents and children
go in without a round trip per row; on PostgreSQL the id sequences are moved past
them afterwards.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import JSON, Connection, Table, func, insert, select

#: Columns of each generated table, in the order the planner builds its tuples.
COLUMNS: dict[str, tuple[str, ...]] = {
    "users": (
        "id", "email", "password_hash", "legal_name", "profession", "license_number",
        "license_state", "role", "is_active", "email_confirmed_at", "session_version",
        "created_at", "last_sign_in_at",
    ),
    "enrollments": (
        "id", "user_id", "course_id", "enrolled_at", "completed_at", "completed_version",
        "current_lesson_id", "visit_started_at", "attested_at",
    ),
    "lesson_progress": (
        "id", "user_id", "lesson_id", "first_viewed_at", "seconds_on_task", "completed_at",
    ),
    "module_completions": ("id", "user_id", "module_id", "completed_at"),
    "quiz_attempts": (
        "id", "user_id", "quiz_id", "number", "state", "started_at", "submitted_at",
        "pass_mark", "score", "passed", "snapshot",
    ),
    "attempt_answers": ("id", "attempt_id", "question_id", "selected", "is_correct"),
    "course_evaluations": (
        "id", "user_id", "course_id", "course_version", "submitted_at", "relevance",
        "teaching_quality", "free_of_bias", "comments",
    ),
    "objective_ratings": ("id", "evaluation_id", "objective_id", "rating"),
    "certificates": (
        "id", "public_id", "user_id", "course_id", "enrollment_id", "learner_name",
        "profession", "license_number", "license_state", "course_title", "course_version",
        "ce_hours", "delivery_format", "completed_on", "issued_at", "provider_name",
        "approval_statement", "replaces_id", "replaced_at", "revoked_at", "revoked_reason",
        "revoked_by_id",
    ),
}  # fmt: skip
#: Parents before children, so foreign keys hold at every insert.
TABLE_ORDER = tuple(COLUMNS)


class BulkWriter:
    """Inserts row tuples into tables on one connection, inside its transaction."""

    def __init__(self, connection: Connection, batch_size: int = 10_000) -> None:
        self.connection = connection
        self.batch_size = batch_size
        self.postgres = connection.dialect.name == "postgresql"
        #: Snapshots are shared by every attempt at a quiz: serialise each once.
        self._json_cache: dict[int, tuple[Any, str]] = {}

    def write(self, table: Table, rows: Sequence[tuple[Any, ...]]) -> None:
        """Insert ``rows`` (tuples in ``COLUMNS`` order) into ``table``."""
        if not rows:
            return
        if not self.connection.in_transaction():
            raise RuntimeError("BulkWriter.write needs a transaction: use connection.begin()")
        columns = COLUMNS[table.name]
        if self.postgres:
            self._copy(table, columns, rows)
            return
        for start in range(0, len(rows), self.batch_size):
            batch = rows[start : start + self.batch_size]
            self.connection.execute(
                insert(table), [dict(zip(columns, r, strict=True)) for r in batch]
            )

    def _json(self, value: Any) -> str:
        cached = self._json_cache.get(id(value))
        if cached is not None and cached[0] is value:
            return cached[1]
        encoded = json.dumps(value)
        if isinstance(value, list) and value and isinstance(value[0], dict):
            self._json_cache[id(value)] = (value, encoded)
        return encoded

    def _copy(
        self, table: Table, columns: tuple[str, ...], rows: Sequence[tuple[Any, ...]]
    ) -> None:
        """COPY FROM STDIN through psycopg: the fastest way into PostgreSQL."""
        json_at = [i for i, name in enumerate(columns) if isinstance(table.c[name].type, JSON)]
        raw = self.connection.connection.driver_connection
        names = ", ".join(f'"{name}"' for name in columns)
        statement = f'COPY "{table.name}" ({names}) FROM STDIN'
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                if json_at:
                    values = list(row)
                    for i in json_at:
                        values[i] = self._json(values[i])
                    copy.write_row(values)
                else:
                    copy.write_row(row)


def move_sequences_past(connection: Connection, tables: Sequence[Table]) -> None:
    """On PostgreSQL, make each table's id sequence continue after the largest id."""
    if connection.dialect.name != "postgresql":
        return
    for table in tables:
        after = select(func.coalesce(func.max(table.c.id), 0) + 1).scalar_subquery()
        sequence = func.pg_get_serial_sequence(table.name, "id")
        connection.execute(select(func.setval(sequence, after, False)))
