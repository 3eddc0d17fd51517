"""Deployment check: a schema change applied while the previous release serves.

Not one of the project's migrations: deploy/check copies the code into a "next
release" folder, adds this file to its migrations (``down_revision`` set to the
project's newest), applies it with ``flask db upgrade --online`` in the middle of quiz
day while the old release serves, then rolls the app servers onto the next release.
It touches the busiest table on purpose: every autosave writes ``attempt_answers``.

Revision ID: deploy_check
Revises: (the project's newest migration)
"""

import sqlalchemy as sa
from alembic import op

revision = "deploy_check"
down_revision = "HEAD"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """A nullable column on the busiest table, and a new table with an index."""
    # ADD COLUMN waits for an ACCESS EXCLUSIVE lock behind the autosaves in flight, and
    # every later autosave queues behind it: give up after 5 s rather than stall them.
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.add_column("attempt_answers", sa.Column("reviewed_note", sa.String(200), nullable=True))
    op.create_table(
        "release_notes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("release", sa.String(40), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
    )
    op.create_index("ix_release_notes_release", "release_notes", ["release"])


def downgrade() -> None:
    """Remove them again."""
    op.drop_table("release_notes")
    op.drop_column("attempt_answers", "reviewed_note")
