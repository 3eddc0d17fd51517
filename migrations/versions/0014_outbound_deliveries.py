"""outbound deliveries

Deliveries to other systems (LMS grades, xAPI statements, webhook calls) are written here
in the transaction of the moment they report and handed over by a worker
(``flask outbound work``), so no request waits for another system. A new table that the
old code never names: safe to apply while it serves.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 03:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the table and the index the worker reads."""
    op.create_table(
        "outbound_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=40), nullable=False),
        sa.Column("destination", sa.String(length=300), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claim_token", sa.String(length=32), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.CheckConstraint(
            "(status = 'sending') = (claimed_at IS NOT NULL AND claim_token IS NOT NULL)",
            name=op.f("ck_outbound_deliveries_sending_is_claimed"),
        ),
        sa.CheckConstraint(
            "(status = 'delivered') = (delivered_at IS NOT NULL)",
            name=op.f("ck_outbound_deliveries_delivered_has_time"),
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'sending', 'delivered', 'failed')",
            name=op.f("ck_outbound_deliveries_status_is_known"),
        ),
        sa.CheckConstraint(
            "attempts >= 0", name=op.f("ck_outbound_deliveries_attempts_not_negative")
        ),
        sa.CheckConstraint(
            "length(channel) > 0", name=op.f("ck_outbound_deliveries_channel_named")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbound_deliveries")),
        sa.UniqueConstraint("channel", "dedupe_key", name="uq_outbound_deliveries_key"),
    )
    with op.batch_alter_table("outbound_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_outbound_deliveries_due", ["status", "next_attempt_at"], unique=False
        )


def downgrade() -> None:
    """Drop the table."""
    with op.batch_alter_table("outbound_deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_outbound_deliveries_due")
    op.drop_table("outbound_deliveries")
