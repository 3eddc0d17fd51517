"""certificate pdfs

Each certificate's PDF as first rendered, stored once and served from the database.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 22:15:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply the change."""
    op.create_table(
        "certificate_pdfs",
        sa.Column("certificate_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("layout", sa.String(length=40), nullable=False),
        sa.Column("rendered_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "length(sha256) = 64", name=op.f("ck_certificate_pdfs_sha256_is_hex_digest")
        ),
        sa.CheckConstraint("length(layout) > 0", name=op.f("ck_certificate_pdfs_layout_named")),
        sa.ForeignKeyConstraint(
            ["certificate_id"],
            ["certificates.id"],
            name=op.f("fk_certificate_pdfs_certificate_id_certificates"),
        ),
        sa.PrimaryKeyConstraint("certificate_id", name=op.f("pk_certificate_pdfs")),
    )


def downgrade() -> None:
    """Revert the change."""
    op.drop_table("certificate_pdfs")
