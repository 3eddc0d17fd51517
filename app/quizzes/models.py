"""Quiz attempts, each with a frozen snapshot of what it asked, and their answers."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, utcnow
from app.quizzes.snapshot import QuestionSnapshot


class AttemptState(enum.StrEnum):
    """An attempt is in progress until it is submitted and graded, once."""

    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"


class QuizAttempt(Base):
    """One try at a quiz by one learner."""

    __tablename__ = "quiz_attempts"
    __table_args__ = (
        UniqueConstraint("user_id", "quiz_id", "number"),
        Index(
            "uq_quiz_attempts_one_open",
            "user_id",
            "quiz_id",
            unique=True,
            sqlite_where=text("state = 'in_progress'"),
            postgresql_where=text("state = 'in_progress'"),
        ),
        CheckConstraint("state IN ('in_progress', 'submitted')", name="state_known"),
        CheckConstraint("number >= 1", name="number_positive"),
        CheckConstraint(
            "(state = 'submitted') = (submitted_at IS NOT NULL)", name="submitted_when"
        ),
        CheckConstraint(
            "state <> 'submitted' OR (score IS NOT NULL AND passed IS NOT NULL)",
            name="graded_when_submitted",
        ),
        CheckConstraint(
            "NOT closed_at_deadline OR (deadline_at IS NOT NULL AND state = 'submitted')",
            name="closed_at_deadline_when_timed",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"), index=True)
    #: 1 for the first attempt at this quiz, 2 for the retake, ...
    number: Mapped[int]
    state: Mapped[str] = mapped_column(String(20), default=AttemptState.IN_PROGRESS.value)
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[dt.datetime | None]
    #: The course's pass mark when the attempt began.
    pass_mark: Mapped[int]
    score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    passed: Mapped[bool | None]
    #: The questions as asked, in the order shown, with choices and which were correct.
    snapshot: Mapped[list[QuestionSnapshot]] = mapped_column(JSON)
    #: The seed a blueprint final post-test drew this attempt's questions with (None for
    #: quizzes that ask all their questions); the drawn questions are in the snapshot.
    draw_seed: Mapped[int | None] = mapped_column(BigInteger)
    #: When a timed attempt's time runs out, fixed at its start (limit x extra time).
    deadline_at: Mapped[dt.datetime | None]
    #: True when the deadline graded the saved answers (the learner did not submit in time).
    closed_at_deadline: Mapped[bool] = mapped_column(default=False, server_default=false())

    answers: Mapped[list[AttemptAnswer]] = relationship(
        back_populates="attempt", cascade="all, delete-orphan"
    )

    @property
    def is_open(self) -> bool:
        """Whether the attempt can still be answered."""
        return self.state == AttemptState.IN_PROGRESS.value

    def answer_map(self) -> dict[int, frozenset[int]]:
        """Saved answers: question id -> chosen choice keys."""
        return {a.question_id: frozenset(a.selected) for a in self.answers}


class AttemptAnswer(Base):
    """The choices picked for one question of one attempt."""

    __tablename__ = "attempt_answers"
    __table_args__ = (UniqueConstraint("attempt_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("quiz_attempts.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), index=True)
    #: Choice keys (positions in the snapshot).
    selected: Mapped[list[int]] = mapped_column(JSON)
    #: Set when the attempt is graded.
    is_correct: Mapped[bool | None]

    attempt: Mapped[QuizAttempt] = relationship(back_populates="answers")


class Accommodation(Base):
    """Extra time and extra attempts for one learner in one course, set with a reason.

    They compose: every attempt, the extra ones too, gets the extra time.
    """

    __tablename__ = "accommodations"
    __table_args__ = (
        UniqueConstraint("user_id", "course_id"),
        CheckConstraint("time_multiplier BETWEEN 1 AND 4", name="time_multiplier_range"),
        CheckConstraint("extra_attempts BETWEEN 0 AND 10", name="extra_attempts_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    #: Time limits are multiplied by this (1 = no extra time; 2 = double time).
    time_multiplier: Mapped[Decimal] = mapped_column(Numeric(3, 2), default=Decimal(1))
    #: Attempts on top of the course's attempt limit.
    extra_attempts: Mapped[int] = mapped_column(default=0)
    reason: Mapped[str] = mapped_column(Text)
    set_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
