"""case simulations

A module's branching case (`module_cases`, its spec kept whole as JSON), learners' runs of
it with the snapshot each played (`case_runs`), and every choice made (`case_run_choices`).
New tables only: safe to apply while the old code serves (it never names them).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 03:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RATINGS = "('best', 'acceptable', 'risky', 'harmful')"


def upgrade() -> None:
    """Create the three tables and their indexes."""
    op.create_table(
        "module_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("requirement", sa.String(length=20), nullable=False),
        sa.Column("spec", sa.JSON(), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "requirement IN ('none', 'ending', 'acceptable_ending')",
            name=op.f("ck_module_cases_requirement_known"),
        ),
        sa.ForeignKeyConstraint(
            ["module_id"],
            ["modules.id"],
            name=op.f("fk_module_cases_module_id_modules"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_module_cases")),
        sa.UniqueConstraint("module_id", name=op.f("uq_module_cases_module_id")),
    )
    op.create_table(
        "case_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("course_version", sa.Integer(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("current_scene", sa.String(length=80), nullable=False),
        sa.Column("steps", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ending_rating", sa.String(length=20), nullable=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("number >= 1", name=op.f("ck_case_runs_number_positive")),
        sa.CheckConstraint("steps >= 0", name=op.f("ck_case_runs_steps_non_negative")),
        sa.CheckConstraint(
            "(ended_at IS NULL) = (ending_rating IS NULL) AND (ended_at IS NULL) = (score IS NULL)",
            name=op.f("ck_case_runs_ended_with_outcome"),
        ),
        sa.CheckConstraint(
            f"ending_rating IS NULL OR ending_rating IN {RATINGS}",
            name=op.f("ck_case_runs_ending_rating_known"),
        ),
        sa.CheckConstraint(
            "score IS NULL OR (score >= 0 AND score <= 100)", name=op.f("ck_case_runs_score_range")
        ),
        sa.CheckConstraint(
            "ended_at IS NULL OR replaced_at IS NULL", name=op.f("ck_case_runs_ended_or_replaced")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["module_cases.id"], name=op.f("fk_case_runs_case_id_module_cases")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_case_runs_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_runs")),
        sa.UniqueConstraint(
            "user_id", "case_id", "number", name=op.f("uq_case_runs_user_id_case_id_number")
        ),
    )
    op.create_index(op.f("ix_case_runs_case_id"), "case_runs", ["case_id"])
    op.create_index(op.f("ix_case_runs_user_id"), "case_runs", ["user_id"])
    op.create_index(
        "uq_case_runs_one_open",
        "case_runs",
        ["user_id", "case_id"],
        unique=True,
        sqlite_where=sa.text("ended_at IS NULL AND replaced_at IS NULL"),
        postgresql_where=sa.text("ended_at IS NULL AND replaced_at IS NULL"),
    )
    op.create_table(
        "case_run_choices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("scene", sa.String(length=80), nullable=False),
        sa.Column("choice", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("rating", sa.String(length=20), nullable=False),
        sa.Column("next_scene", sa.String(length=80), nullable=False),
        sa.Column("chosen_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("step >= 1", name=op.f("ck_case_run_choices_step_positive")),
        sa.CheckConstraint("choice >= 1", name=op.f("ck_case_run_choices_choice_positive")),
        sa.CheckConstraint(f"rating IN {RATINGS}", name=op.f("ck_case_run_choices_rating_known")),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["case_runs.id"],
            name=op.f("fk_case_run_choices_run_id_case_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_run_choices")),
        sa.UniqueConstraint("run_id", "step", name=op.f("uq_case_run_choices_run_id_step")),
    )


def downgrade() -> None:
    """Drop them."""
    op.drop_table("case_run_choices")
    op.drop_index("uq_case_runs_one_open", table_name="case_runs")
    op.drop_index(op.f("ix_case_runs_user_id"), table_name="case_runs")
    op.drop_index(op.f("ix_case_runs_case_id"), table_name="case_runs")
    op.drop_table("case_runs")
    op.drop_table("module_cases")
