"""The participant evaluation accreditors require for every activity."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, utcnow

#: Ratings are 1 (strongly disagree) to 5 (strongly agree).
RATING_SCALE = (1, 2, 3, 4, 5)
RATING_LABELS = {
    1: "Strongly disagree",
    2: "Disagree",
    3: "Neither agree nor disagree",
    4: "Agree",
    5: "Strongly agree",
}


class CourseEvaluation(Base):
    """One learner's evaluation of one course."""

    __tablename__ = "course_evaluations"
    __table_args__ = (
        UniqueConstraint("user_id", "course_id"),
        CheckConstraint("relevance BETWEEN 1 AND 5", name="relevance_scale"),
        CheckConstraint("teaching_quality BETWEEN 1 AND 5", name="teaching_scale"),
        CheckConstraint("free_of_bias IN ('yes', 'no', 'unsure')", name="bias_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    course_version: Mapped[int]
    submitted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: "The content is relevant to my practice."
    relevance: Mapped[int]
    #: "The teaching was of high quality."
    teaching_quality: Mapped[int]
    #: "The content was free of commercial bias": yes, no or unsure.
    free_of_bias: Mapped[str] = mapped_column(String(10))
    comments: Mapped[str] = mapped_column(Text, default="")

    ratings: Mapped[list[ObjectiveRating]] = relationship(cascade="all, delete-orphan")


class ObjectiveRating(Base):
    """How far a learner agrees that one learning objective was met."""

    __tablename__ = "objective_ratings"
    __table_args__ = (
        UniqueConstraint("evaluation_id", "objective_id"),
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating_scale"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(
        ForeignKey("course_evaluations.id", ondelete="CASCADE"), index=True
    )
    #: The course objective's id (its slug in the course files).
    objective_id: Mapped[str] = mapped_column(String(80))
    rating: Mapped[int]
