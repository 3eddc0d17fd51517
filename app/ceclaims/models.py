"""Requests to change a course's CE claim, and the provider's decision on each."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow


class ReviewStatus(enum.StrEnum):
    """Where a CE claim review stands."""

    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"
    #: A later publication or request replaced it before anyone decided.
    SUPERSEDED = "superseded"


class CeClaimReview(Base):
    """An instructor's publication that changes the CE claim, waiting for the provider."""

    __tablename__ = "ce_claim_reviews"
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'approved', 'declined', 'superseded')", name="status_known"
        ),
        CheckConstraint(
            "(status = 'pending') = (decided_at IS NULL)", name="decided_unless_pending"
        ),
        CheckConstraint("status <> 'declined' OR length(reason) > 0", name="declined_with_reason"),
        # One request at a time waits for each course.
        Index(
            "uq_ce_claim_reviews_pending_per_course",
            "course_id",
            unique=True,
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=ReviewStatus.PENDING.value)
    #: ``CourseSpec.to_dict()`` of the draft as submitted: what approval publishes.
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: ``CeClaim.to_dict()`` of the published course (None before its first publication).
    previous_claim: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    claim: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: The published content the request was made against; approval refuses if it moved.
    base_fingerprint: Mapped[str] = mapped_column(String(64))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None]
    #: Why the provider declined (shown to the instructor).
    reason: Mapped[str | None] = mapped_column(Text)

    @property
    def is_pending(self) -> bool:
        """Whether the provider has yet to decide."""
        return self.status == ReviewStatus.PENDING.value
