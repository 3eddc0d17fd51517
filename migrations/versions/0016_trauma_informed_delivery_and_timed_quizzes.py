"""trauma-informed delivery, accommodations and timed quizzes

Lessons and quizzes say what they depict (``advisories``, a JSON list, ``[]`` for the
rows already there); ``advisory_choices`` keeps each learner's "continue now" or "later"
per step. Courses may carry their own grounding exercise. Crisis lines become the
provider's setting (``crisis_lines``), seeded with the line the footer named until now.
Quizzes may be timed; an attempt keeps its deadline and whether the deadline graded it;
``accommodations`` hold a learner's extra time and attempts per course.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 03:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Whether it may run while the previous release serves (app/migration_safety.py).
#: Adds check constraints to quizzes and quiz_attempts, validated over every existing row
#: under a lock that blocks quiz-day writes while it scans; the seeded crisis line is new
#: data the old code never reads.
ONLINE_SAFE = False


def upgrade() -> None:
    """Apply the change."""
    op.create_table(
        "advisory_choices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("step_kind", sa.String(length=20), nullable=False),
        sa.Column("step_id", sa.Integer(), nullable=False),
        sa.Column("choice", sa.String(length=10), nullable=False),
        sa.Column("chosen_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "choice IN ('now', 'later')", name=op.f("ck_advisory_choices_choice_known")
        ),
        sa.CheckConstraint(
            "step_kind IN ('lesson', 'quiz', 'case')",
            name=op.f("ck_advisory_choices_step_kind_known"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_advisory_choices_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_advisory_choices")),
        sa.UniqueConstraint(
            "user_id",
            "step_kind",
            "step_id",
            name=op.f("uq_advisory_choices_user_id_step_kind_step_id"),
        ),
    )
    with op.batch_alter_table("advisory_choices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_advisory_choices_user_id"), ["user_id"], unique=False)
    crisis_lines = op.create_table(
        "crisis_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("country", sa.String(length=80), nullable=False),
        sa.Column("service", sa.String(length=120), nullable=False),
        sa.Column("contact", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crisis_lines")),
        sa.UniqueConstraint("position", name=op.f("uq_crisis_lines_position")),
    )
    op.bulk_insert(
        crisis_lines,
        [
            {
                "position": 1,
                "country": "United States",
                "service": "988 Suicide & Crisis Lifeline",
                "contact": "Call or text 988",
            }
        ],
    )
    op.create_table(
        "accommodations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("time_multiplier", sa.Numeric(precision=3, scale=2), nullable=False),
        sa.Column("extra_attempts", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("set_by_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "extra_attempts BETWEEN 0 AND 10",
            name=op.f("ck_accommodations_extra_attempts_range"),
        ),
        sa.CheckConstraint(
            "time_multiplier BETWEEN 1 AND 4",
            name=op.f("ck_accommodations_time_multiplier_range"),
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_accommodations_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["set_by_id"], ["users.id"], name=op.f("fk_accommodations_set_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_accommodations_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accommodations")),
        sa.UniqueConstraint(
            "user_id", "course_id", name=op.f("uq_accommodations_user_id_course_id")
        ),
    )
    with op.batch_alter_table("accommodations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_accommodations_course_id"), ["course_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_accommodations_user_id"), ["user_id"], unique=False)
    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("grounding", sa.Text(), nullable=True))
    with op.batch_alter_table("lessons", schema=None) as batch_op:
        batch_op.add_column(sa.Column("advisories", sa.JSON(), server_default="[]", nullable=False))
    with op.batch_alter_table("quizzes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("advisories", sa.JSON(), server_default="[]", nullable=False))
        batch_op.add_column(sa.Column("time_limit_minutes", sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            "time_limit_range", "time_limit_minutes IS NULL OR time_limit_minutes BETWEEN 1 AND 240"
        )
    with op.batch_alter_table("quiz_attempts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deadline_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("closed_at_deadline", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.create_check_constraint(
            "closed_at_deadline_when_timed",
            "NOT closed_at_deadline OR (deadline_at IS NOT NULL AND state = 'submitted')",
        )


def downgrade() -> None:
    """Undo it."""
    with op.batch_alter_table("quiz_attempts", schema=None) as batch_op:
        batch_op.drop_constraint("closed_at_deadline_when_timed", type_="check")
        batch_op.drop_column("closed_at_deadline")
        batch_op.drop_column("deadline_at")
    with op.batch_alter_table("quizzes", schema=None) as batch_op:
        batch_op.drop_constraint("time_limit_range", type_="check")
        batch_op.drop_column("time_limit_minutes")
        batch_op.drop_column("advisories")
    with op.batch_alter_table("lessons", schema=None) as batch_op:
        batch_op.drop_column("advisories")
    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.drop_column("grounding")
    with op.batch_alter_table("accommodations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_accommodations_user_id"))
        batch_op.drop_index(batch_op.f("ix_accommodations_course_id"))
    op.drop_table("accommodations")
    op.drop_table("crisis_lines")
    with op.batch_alter_table("advisory_choices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_advisory_choices_user_id"))
    op.drop_table("advisory_choices")
