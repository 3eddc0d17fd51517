"""audit events keep the request id

The X-Request-Id nginx gives each request is stored with the audit events it caused, so
an event leads to its access-log lines. Nullable, no default: safe to apply while the old
code serves (it never names the column).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 22:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the nullable column."""
    with op.batch_alter_table("audit_events") as batch_op:
        batch_op.add_column(sa.Column("request_id", sa.String(length=64), nullable=True))


def downgrade() -> None:
    """Drop it."""
    with op.batch_alter_table("audit_events") as batch_op:
        batch_op.drop_column("request_id")
