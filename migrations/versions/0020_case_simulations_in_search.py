"""case simulations in search

``search_entries`` gains ``case_id``: one entry per published case simulation (its summary and
each scene's title, narrative, what the client says, an ending's outcome and debrief), filled
here from the cases already published. On SQLite the table is rebuilt to add its constraints,
which drops the FTS5 triggers with it, so the full-text index is made again afterwards.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 06:45:00
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.search.index import create_index, drop_index
from app.search.text import case_text

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Whether it may run while the previous release serves (app/migration_safety.py).
#: Rebuilds the full-text index and fills the case entries; the old code, publishing during
#: the roll, would drop a course's case entries until it is next published.
ONLINE_SAFE = False

CASE_CHECK = "case_id IS NULL OR (module_id IS NOT NULL AND lesson_id IS NULL)"


def _spec(value: object) -> dict[str, object]:
    """A case's spec from its JSON column, whichever way the driver returns it."""
    return json.loads(value) if isinstance(value, str) else dict(value or {})  # type: ignore[call-overload]


def upgrade() -> None:
    """Add the column, remake the index, and index every published case."""
    connection = op.get_bind()
    drop_index(connection)
    with op.batch_alter_table("search_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("case_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_search_entries_case_id_module_cases"),
            "module_cases",
            ["case_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_search_entries_case_entries_name_their_module"), CASE_CHECK
        )
    create_index(connection)
    if connection.dialect.name == "sqlite":
        # External content: the rows already there are indexed by a rebuild, not triggers.
        connection.exec_driver_sql("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
    rows = [
        {
            "course_id": case["course_id"],
            "module_id": case["module_id"],
            "case_id": case["id"],
            "title": case["title"],
            "body": case_text(_spec(case["spec"])),
        }
        for case in connection.execute(
            sa.text(
                "SELECT k.id, k.module_id, m.course_id, k.title, k.spec FROM module_cases k "
                "JOIN modules m ON m.id = k.module_id JOIN courses c ON c.id = m.course_id "
                "WHERE k.retired_at IS NULL AND m.retired_at IS NULL "
                "AND c.published_at IS NOT NULL"
            )
        ).mappings()
    ]
    if rows:
        entries = sa.table(
            "search_entries",
            sa.column("course_id", sa.Integer()),
            sa.column("module_id", sa.Integer()),
            sa.column("case_id", sa.Integer()),
            sa.column("title", sa.String()),
            sa.column("body", sa.Text()),
        )
        op.bulk_insert(entries, rows)


def downgrade() -> None:
    """Forget the case entries and the column."""
    connection = op.get_bind()
    connection.exec_driver_sql("DELETE FROM search_entries WHERE case_id IS NOT NULL")
    drop_index(connection)
    with op.batch_alter_table("search_entries", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("ck_search_entries_case_entries_name_their_module"), type_="check"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_search_entries_case_id_module_cases"), type_="foreignkey"
        )
        batch_op.drop_column("case_id")
    create_index(connection)
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
