"""Runs of case simulations: each keeps the case as played and every choice, in order."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, utcnow

_RATINGS = "('best', 'acceptable', 'risky', 'harmful')"


class CaseRun(Base):
    """One play-through of a case by one learner, from the start to an ending (or replaced).

    At most one run per learner and case is open (neither ended nor replaced): that is the
    one the player resumes, on any device. `snapshot` is the case's spec as it was when the
    run began, so a later edit never rewrites a past run.
    """

    __tablename__ = "case_runs"
    __table_args__ = (
        UniqueConstraint("user_id", "case_id", "number"),
        Index(
            "uq_case_runs_one_open",
            "user_id",
            "case_id",
            unique=True,
            sqlite_where=text("ended_at IS NULL AND replaced_at IS NULL"),
            postgresql_where=text("ended_at IS NULL AND replaced_at IS NULL"),
        ),
        CheckConstraint("number >= 1", name="number_positive"),
        CheckConstraint("steps >= 0", name="steps_non_negative"),
        CheckConstraint(
            "(ended_at IS NULL) = (ending_rating IS NULL) AND (ended_at IS NULL) = (score IS NULL)",
            name="ended_with_outcome",
        ),
        CheckConstraint(
            f"ending_rating IS NULL OR ending_rating IN {_RATINGS}", name="ending_rating_known"
        ),
        CheckConstraint("score IS NULL OR (score >= 0 AND score <= 100)", name="score_range"),
        CheckConstraint("ended_at IS NULL OR replaced_at IS NULL", name="ended_or_replaced"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("module_cases.id"), index=True)
    #: 1 for the learner's first run of this case, 2 for the first replay, ...
    number: Mapped[int]
    #: The course version the run began on, and the case as it was then.
    course_version: Mapped[int]
    snapshot: Mapped[dict[str, object]] = mapped_column(JSON)
    current_scene: Mapped[str] = mapped_column(String(80))
    #: Choices made so far; a POST names the step it answers, so a replayed one is refused.
    steps: Mapped[int] = mapped_column(default=0)
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[dt.datetime | None]
    ending_rating: Mapped[str | None] = mapped_column(String(20))
    score: Mapped[int | None]
    #: When the learner started again from the beginning, leaving this run unfinished.
    replaced_at: Mapped[dt.datetime | None]

    choices: Mapped[list[CaseRunChoice]] = relationship(
        back_populates="run", order_by="CaseRunChoice.step", cascade="all, delete-orphan"
    )

    @property
    def is_open(self) -> bool:
        """Whether the learner can still choose in this run."""
        return self.ended_at is None and self.replaced_at is None


class CaseRunChoice(Base):
    """One choice made in a run: where, which, how the author rated it, and where it led."""

    __tablename__ = "case_run_choices"
    __table_args__ = (
        UniqueConstraint("run_id", "step"),
        CheckConstraint("step >= 1", name="step_positive"),
        CheckConstraint("choice >= 1", name="choice_positive"),
        CheckConstraint(f"rating IN {_RATINGS}", name="rating_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("case_runs.id", ondelete="CASCADE"))
    step: Mapped[int]
    scene: Mapped[str] = mapped_column(String(80))
    #: The choice's position in its scene (1-based) and its text, as the snapshot had them.
    choice: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    rating: Mapped[str] = mapped_column(String(20))
    next_scene: Mapped[str] = mapped_column(String(80))
    chosen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    run: Mapped[CaseRun] = relationship(back_populates="choices")
