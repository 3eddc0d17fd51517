"""A learner's answer to a content advisory, and the provider's crisis lines."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow


class AdvisoryChoice(Base):
    """What a learner chose at one step's advisory: ``now`` (entered) or ``later``.

    Kept per learner and step, so the advisory is not asked on every visit once the
    learner has chosen to continue. ``later`` is remembered too, and never completes anything.
    """

    __tablename__ = "advisory_choices"
    __table_args__ = (
        UniqueConstraint("user_id", "step_kind", "step_id"),
        CheckConstraint("step_kind IN ('lesson', 'quiz', 'case')", name="step_kind_known"),
        CheckConstraint("choice IN ('now', 'later')", name="choice_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    step_kind: Mapped[str] = mapped_column(String(20))
    step_id: Mapped[int]
    choice: Mapped[str] = mapped_column(String(10))
    chosen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class CrisisLine(Base):
    """One crisis resource the provider lists on every page: a country, a service, a contact."""

    __tablename__ = "crisis_lines"
    __table_args__ = (UniqueConstraint("position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int]
    country: Mapped[str] = mapped_column(String(80))
    service: Mapped[str] = mapped_column(String(120))
    contact: Mapped[str] = mapped_column(String(200))
