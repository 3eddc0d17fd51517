"""lti tool

The LTI 1.3 tool's tables: registered platforms and their deployments, one-time tickets
(OIDC state with its nonce, hand-offs to a new window, account links), platform accounts,
resource links and the learners who launched them. New tables the old code never names:
safe to apply while it serves.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 03:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the six tables."""
    op.create_table(
        "lti_platforms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("issuer", sa.String(length=300), nullable=False),
        sa.Column("client_id", sa.String(length=200), nullable=False),
        sa.Column("auth_url", sa.String(length=500), nullable=False),
        sa.Column("token_url", sa.String(length=500), nullable=False),
        sa.Column("jwks_url", sa.String(length=500), nullable=False),
        sa.Column("frame_origins", sa.String(length=1000), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "length(issuer) > 0 AND length(client_id) > 0", name=op.f("ck_lti_platforms_named")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lti_platforms")),
        sa.UniqueConstraint("issuer", "client_id", name="uq_lti_platforms_issuer_client"),
    )
    op.create_table(
        "lti_deployments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform_id", sa.Integer(), nullable=False),
        sa.Column("deployment_id", sa.String(length=200), nullable=False),
        sa.CheckConstraint("length(deployment_id) > 0", name=op.f("ck_lti_deployments_named")),
        sa.ForeignKeyConstraint(
            ["platform_id"],
            ["lti_platforms.id"],
            name=op.f("fk_lti_deployments_platform_id_lti_platforms"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lti_deployments")),
        sa.UniqueConstraint("platform_id", "deployment_id", name="uq_lti_deployments_id"),
    )
    op.create_table(
        "lti_tickets",
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("platform_id", sa.Integer(), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("data", sa.Text(), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('login', 'handoff', 'link')", name=op.f("ck_lti_tickets_kind_is_known")
        ),
        sa.CheckConstraint(
            "kind != 'login' OR nonce IS NOT NULL", name=op.f("ck_lti_tickets_login_has_nonce")
        ),
        sa.CheckConstraint(
            "kind != 'handoff' OR user_id IS NOT NULL",
            name=op.f("ck_lti_tickets_handoff_has_user"),
        ),
        sa.CheckConstraint(
            "kind != 'link' OR data IS NOT NULL", name=op.f("ck_lti_tickets_link_has_data")
        ),
        sa.ForeignKeyConstraint(
            ["platform_id"],
            ["lti_platforms.id"],
            name=op.f("fk_lti_tickets_platform_id_lti_platforms"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_lti_tickets_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_lti_tickets")),
    )
    op.create_table(
        "lti_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform_id", sa.Integer(), nullable=False),
        sa.Column("sub", sa.String(length=255), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("length(sub) > 0", name=op.f("ck_lti_accounts_sub_given")),
        sa.ForeignKeyConstraint(
            ["platform_id"],
            ["lti_platforms.id"],
            name=op.f("fk_lti_accounts_platform_id_lti_platforms"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_lti_accounts_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lti_accounts")),
        sa.UniqueConstraint("platform_id", "sub", name="uq_lti_accounts_sub"),
        sa.UniqueConstraint("platform_id", "user_id", name="uq_lti_accounts_user"),
    )
    with op.batch_alter_table("lti_accounts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lti_accounts_user_id"), ["user_id"], unique=False)
    op.create_table(
        "lti_resource_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform_id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.String(length=255), nullable=False),
        sa.Column("deployment_id", sa.String(length=200), nullable=False),
        sa.Column("target", sa.String(length=250), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("lineitem_url", sa.String(length=500), nullable=True),
        sa.CheckConstraint(
            "target LIKE 'course:%' OR target LIKE 'module:%' OR target LIKE 'quiz:%'"
            " OR target LIKE 'case:%'",
            name=op.f("ck_lti_resource_links_target_is_known"),
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_lti_resource_links_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["platform_id"],
            ["lti_platforms.id"],
            name=op.f("fk_lti_resource_links_platform_id_lti_platforms"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lti_resource_links")),
        sa.UniqueConstraint("platform_id", "link_id", name="uq_lti_resource_links_link"),
    )
    with op.batch_alter_table("lti_resource_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lti_resource_links_target"), ["target"], unique=False)
    op.create_table(
        "lti_link_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("sub", sa.String(length=255), nullable=False),
        sa.Column("best_score", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.CheckConstraint(
            "best_score IS NULL OR (best_score >= 0 AND best_score <= 100)",
            name=op.f("ck_lti_link_members_score_range"),
        ),
        sa.ForeignKeyConstraint(
            ["link_id"],
            ["lti_resource_links.id"],
            name=op.f("fk_lti_link_members_link_id_lti_resource_links"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_lti_link_members_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lti_link_members")),
        sa.UniqueConstraint("link_id", "user_id", name="uq_lti_link_members_user"),
    )
    with op.batch_alter_table("lti_link_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lti_link_members_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    """Drop the tables, dependants first."""
    for table in (
        "lti_link_members",
        "lti_resource_links",
        "lti_accounts",
        "lti_tickets",
        "lti_deployments",
        "lti_platforms",
    ):
        op.drop_table(table)
