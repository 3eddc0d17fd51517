"""CE claim reviews and lesson seat time

Courses' CE claims now wait for the provider: ``ce_claim_reviews`` keeps each request
and its decision. Each lesson gets its least seat time: ``min_seconds`` (never zero),
filled here from the lesson's word count at 238 words a minute, as
``app.content.seattime`` derives it, and ``declared_min_seconds`` for a value the
course file sets.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 21:17:02.786170
"""

import math
import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Whether it may run while the previous release serves (app/migration_safety.py).
#: Makes lessons.min_seconds NOT NULL with check constraints: the older release's
#: course import writes lessons without it.
ONLINE_SAFE = False

# Frozen copies of app.content.seattime's rule as it stood when this ran.
_WORD = re.compile(r"[^\W_]+(?:['\u2019\-][^\W_]+)*")
_LINK_TARGET = re.compile(r"\]\([^)]*\)")


def _reading_seconds(body: str) -> int:
    words = len(_WORD.findall(_LINK_TARGET.sub("]", body or "")))
    return max(1, math.ceil(words * 60 / 238))


def upgrade() -> None:
    """Apply the change."""
    op.create_table(
        "ce_claim_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("previous_claim", sa.JSON(), nullable=True),
        sa.Column("claim", sa.JSON(), nullable=False),
        sa.Column("base_fingerprint", sa.String(length=64), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "(status = 'pending') = (decided_at IS NULL)",
            name=op.f("ck_ce_claim_reviews_decided_unless_pending"),
        ),
        sa.CheckConstraint(
            "status <> 'declined' OR length(reason) > 0",
            name=op.f("ck_ce_claim_reviews_declined_with_reason"),
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'approved', 'declined', 'superseded')",
            name=op.f("ck_ce_claim_reviews_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_ce_claim_reviews_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_ce_claim_reviews_decided_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["users.id"],
            name=op.f("fk_ce_claim_reviews_requested_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ce_claim_reviews")),
    )
    with op.batch_alter_table("ce_claim_reviews", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ce_claim_reviews_course_id"), ["course_id"], unique=False
        )
        batch_op.create_index(
            "uq_ce_claim_reviews_pending_per_course",
            ["course_id"],
            unique=True,
            sqlite_where=sa.text("status = 'pending'"),
            postgresql_where=sa.text("status = 'pending'"),
        )

    with op.batch_alter_table("lessons", schema=None) as batch_op:
        batch_op.add_column(sa.Column("min_seconds", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("declared_min_seconds", sa.Integer(), nullable=True))

    connection = op.get_bind()
    lessons = sa.table(
        "lessons", sa.column("id", sa.Integer), sa.column("body"), sa.column("min_seconds")
    )
    for lesson_id, body in connection.execute(sa.select(lessons.c.id, lessons.c.body)).all():
        connection.execute(
            lessons.update()
            .where(lessons.c.id == lesson_id)
            .values(min_seconds=_reading_seconds(body))
        )

    with op.batch_alter_table("lessons", schema=None) as batch_op:
        batch_op.alter_column("min_seconds", existing_type=sa.Integer(), nullable=False)
        batch_op.create_check_constraint(
            batch_op.f("ck_lessons_min_seconds_positive"), "min_seconds >= 1"
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_lessons_declared_min_seconds_applies"),
            "declared_min_seconds IS NULL OR declared_min_seconds = min_seconds",
        )


def downgrade() -> None:
    """Revert the change."""
    with op.batch_alter_table("lessons", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("ck_lessons_declared_min_seconds_applies"), type_="check"
        )
        batch_op.drop_constraint(batch_op.f("ck_lessons_min_seconds_positive"), type_="check")
        batch_op.drop_column("declared_min_seconds")
        batch_op.drop_column("min_seconds")

    with op.batch_alter_table("ce_claim_reviews", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_ce_claim_reviews_pending_per_course",
            sqlite_where=sa.text("status = 'pending'"),
            postgresql_where=sa.text("status = 'pending'"),
        )
        batch_op.drop_index(batch_op.f("ix_ce_claim_reviews_course_id"))

    op.drop_table("ce_claim_reviews")
