"""remember-me tokens kept on the server

One row per remembered device, used once and replaced, expiring on the server. Every
account's session version is bumped: the remember-me cookies issued before this
release carried no issue time and never expired on the server, so they end here
(everyone signs in once more).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 21:20:17.213675
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Whether it may run while the previous release serves (app/migration_safety.py).
#: Bumps every session version to end the old remember-me cookies, which the older
#: release would go on issuing until it stops.
ONLINE_SAFE = False


def upgrade() -> None:
    """Apply the change."""
    op.create_table(
        "remember_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("selector", sa.String(length=32), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("session_version", sa.Integer(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "expires_at > issued_at", name=op.f("ck_remember_tokens_expires_after_issue")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_remember_tokens_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_remember_tokens")),
        sa.UniqueConstraint("selector", name=op.f("uq_remember_tokens_selector")),
    )
    op.create_index(
        op.f("ix_remember_tokens_user_id"), "remember_tokens", ["user_id"], unique=False
    )
    op.execute("UPDATE users SET session_version = session_version + 1")


def downgrade() -> None:
    """Revert the change (session versions stay bumped: that only ended old sessions)."""
    op.drop_index(op.f("ix_remember_tokens_user_id"), table_name="remember_tokens")
    op.drop_table("remember_tokens")
