"""search entries and their full-text index

``search_entries`` holds the plain text of each published course overview, module and
lesson; the full-text index over it is FTS5 on SQLite and a GIN tsvector index on
PostgreSQL (``app.search.index``). Filled here from the content already published.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 21:45:00
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.search.index import create_index, drop_index
from app.search.text import clean, plain_text

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Whether it may run while the previous release serves (app/migration_safety.py).
#: Fills search_entries from the published content; courses the older release
#: publishes during the roll would be missing from search.
ONLINE_SAFE = False


def _objectives(value: object) -> list[str]:
    """Objective texts from a JSON column, whichever way the driver returns it."""
    items = json.loads(value) if isinstance(value, str) else (value or [])
    return [item["text"] for item in items]


def _topics(value: object) -> list[str]:
    items = json.loads(value) if isinstance(value, str) else (value or [])
    return [topic.replace("-", " ") for topic in items]


def upgrade() -> None:
    """Apply the change."""
    entries = op.create_table(
        "search_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=True),
        sa.Column("lesson_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "lesson_id IS NULL OR module_id IS NOT NULL",
            name=op.f("ck_search_entries_lesson_entries_name_their_module"),
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_search_entries_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["lesson_id"],
            ["lessons.id"],
            name=op.f("fk_search_entries_lesson_id_lessons"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["module_id"],
            ["modules.id"],
            name=op.f("fk_search_entries_module_id_modules"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_entries")),
    )
    with op.batch_alter_table("search_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_search_entries_course_id"), ["course_id"], unique=False
        )
    connection = op.get_bind()
    create_index(connection)
    rows = []
    for course in connection.execute(
        sa.text(
            "SELECT id, title, summary, description_html, objectives, topics FROM courses "
            "WHERE published_at IS NOT NULL"
        )
    ).mappings():
        overview = [
            course["summary"],
            plain_text(course["description_html"]),
            *_objectives(course["objectives"]),
            *_topics(course["topics"]),
        ]
        rows.append(
            {
                "course_id": course["id"],
                "module_id": None,
                "lesson_id": None,
                "title": course["title"],
                "body": clean(" ".join(overview)),
            }
        )
    for module in connection.execute(
        sa.text(
            "SELECT m.id, m.course_id, m.title, m.summary, m.objectives FROM modules m "
            "JOIN courses c ON c.id = m.course_id "
            "WHERE m.retired_at IS NULL AND c.published_at IS NOT NULL"
        )
    ).mappings():
        about = [module["summary"], *_objectives(module["objectives"])]
        rows.append(
            {
                "course_id": module["course_id"],
                "module_id": module["id"],
                "lesson_id": None,
                "title": module["title"],
                "body": clean(" ".join(about)),
            }
        )
    for lesson in connection.execute(
        sa.text(
            "SELECT l.id, l.module_id, m.course_id, l.title, l.body_html FROM lessons l "
            "JOIN modules m ON m.id = l.module_id JOIN courses c ON c.id = m.course_id "
            "WHERE l.retired_at IS NULL AND m.retired_at IS NULL AND c.published_at IS NOT NULL"
        )
    ).mappings():
        rows.append(
            {
                "course_id": lesson["course_id"],
                "module_id": lesson["module_id"],
                "lesson_id": lesson["id"],
                "title": lesson["title"],
                "body": plain_text(lesson["body_html"]),
            }
        )
    if rows:
        op.bulk_insert(entries, rows)


def downgrade() -> None:
    """Revert the change."""
    drop_index(op.get_bind())
    with op.batch_alter_table("search_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_search_entries_course_id"))
    op.drop_table("search_entries")
