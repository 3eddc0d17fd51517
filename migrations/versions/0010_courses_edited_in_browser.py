"""courses edited in the browser

``courses.edited_in_browser_at``: set when a browser publish applies content, cleared when
the course files are applied, so ``flask courses import`` (run by every ``make run``) leaves
an instructor's published work alone. Filled from the audit log: a course whose latest
content event is a browser publish was edited in the browser.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 21:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Whether it may run while the previous release serves (app/migration_safety.py).
#: Backfills courses.edited_in_browser_at, which the older release's editor does not
#: set: a course edited on an old server during the roll would lose the mark.
ONLINE_SAFE = False

CONTENT_EVENTS = ("course.published", "course.created_from_files", "course.updated_from_files")


def upgrade() -> None:
    """Apply the change."""
    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("edited_in_browser_at", sa.DateTime(timezone=True), nullable=True)
        )
    connection = op.get_bind()
    events = sa.table(
        "audit_events",
        sa.column("id", sa.Integer),
        sa.column("occurred_at", sa.DateTime(timezone=True)),
        sa.column("action", sa.String),
        sa.column("subject_type", sa.String),
        sa.column("subject_id", sa.String),
    )
    courses = sa.table(
        "courses",
        sa.column("id", sa.Integer),
        sa.column("edited_in_browser_at", sa.DateTime(timezone=True)),
    )
    rows = connection.execute(
        sa.select(events.c.subject_id, events.c.action, events.c.occurred_at)
        .where(events.c.subject_type == "course", events.c.action.in_(CONTENT_EVENTS))
        .order_by(events.c.occurred_at, events.c.id)
    )
    latest: dict[str, tuple[str, object]] = {}
    for subject_id, action, occurred_at in rows:
        latest[subject_id] = (action, occurred_at)
    for subject_id, (action, occurred_at) in latest.items():
        if action == "course.published" and subject_id.isdigit():
            connection.execute(
                courses.update()
                .where(courses.c.id == int(subject_id))
                .values(edited_in_browser_at=occurred_at)
            )


def downgrade() -> None:
    """Revert the change."""
    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.drop_column("edited_in_browser_at")
