"""one credential per form

``api_tokens`` and ``oauth_clients`` gain ``form_key``, the random key of the page's form
that made the row, unique per owner: reloading the page that showed a new secret posts the
same form again, and now finds the credential it made instead of making a second one.
Rows made before have no key (NULLs never collide).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 16:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Whether it may run while the previous release serves (app/migration_safety.py).
#: The unique constraints build an index over each existing table, blocking its writes
#: while they build; both tables are small, but the check cannot know that.
ONLINE_SAFE = False


def upgrade() -> None:
    """Add the key columns and their per-owner unique constraints."""
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("form_key", sa.String(length=32), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_api_tokens_user_id_form_key"), ["user_id", "form_key"]
        )
    with op.batch_alter_table("oauth_clients", schema=None) as batch_op:
        batch_op.add_column(sa.Column("form_key", sa.String(length=32), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_oauth_clients_owner_id_form_key"), ["owner_id", "form_key"]
        )


def downgrade() -> None:
    """Drop the constraints and the key columns."""
    with op.batch_alter_table("oauth_clients", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_oauth_clients_owner_id_form_key"), type_="unique")
        batch_op.drop_column("form_key")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_api_tokens_user_id_form_key"), type_="unique")
        batch_op.drop_column("form_key")
