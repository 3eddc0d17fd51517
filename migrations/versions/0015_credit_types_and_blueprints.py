"""credit types per profession, final post-test blueprints

Courses keep the credit types they offer and the blueprint their final post-test draws
from; certificates keep the credit type they printed (or that they certify attendance
only); a quiz attempt keeps the seed it drew its questions with. Every column is nullable
with no server default, so the old code, which never names them, runs on unchanged:
safe to apply while the previous release serves.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 03:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the nullable columns."""
    with op.batch_alter_table("courses") as batch_op:
        batch_op.add_column(sa.Column("credits", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("blueprint", sa.JSON(), nullable=True))
    with op.batch_alter_table("certificates") as batch_op:
        batch_op.add_column(sa.Column("credit_body", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("attendance_only", sa.Boolean(), nullable=True))
    with op.batch_alter_table("quiz_attempts") as batch_op:
        batch_op.add_column(sa.Column("draw_seed", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    """Drop them."""
    with op.batch_alter_table("quiz_attempts") as batch_op:
        batch_op.drop_column("draw_seed")
    with op.batch_alter_table("certificates") as batch_op:
        batch_op.drop_column("attendance_only")
        batch_op.drop_column("credit_body")
    with op.batch_alter_table("courses") as batch_op:
        batch_op.drop_column("blueprint")
        batch_op.drop_column("credits")
