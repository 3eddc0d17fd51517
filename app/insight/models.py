"""Running totals behind the insight page, kept up to date as learners work.

The page reads one row per question, per ticked choice and per lesson instead of
scanning every answer and every lesson record (about 2.8 and 2.2 million rows at the
benchmark's scale). The rows are written in the same transaction as the grade or the
lesson completion they count (``app.insight.tallies``), so they cannot disagree with
what they sum; ``flask insight recount`` rebuilds them from the records, and a test
proves both ways give the same figures. (Each enrollment's furthest lesson, the other
input of the drop-off chart, is kept on the enrollment.)
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base


class QuestionTally(Base):
    """Sums over the first-attempt answers to one question (see ``ItemSums``).

    x is 1 when the answer was right, y the number of the attempt's other questions
    answered right; the columns hold n, the sum of x, of y, of x*y and of y*y.
    """

    __tablename__ = "question_tallies"
    __table_args__ = (
        CheckConstraint("n >= 0", name="n_not_negative"),
        CheckConstraint("sum_x BETWEEN 0 AND n", name="sum_x_within_n"),
        CheckConstraint("sum_y >= 0 AND sum_xy BETWEEN 0 AND sum_y", name="sum_y_consistent"),
        CheckConstraint("sum_yy >= sum_y", name="sum_yy_consistent"),
    )

    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True
    )
    n: Mapped[int] = mapped_column(default=0)
    sum_x: Mapped[int] = mapped_column(default=0)
    sum_y: Mapped[int] = mapped_column(default=0)
    sum_xy: Mapped[int] = mapped_column(default=0)
    sum_yy: Mapped[int] = mapped_column(default=0)


class ChoiceTally(Base):
    """How many first-attempt answers to a question ticked the choice at ``choice_key``."""

    __tablename__ = "choice_tallies"
    __table_args__ = (CheckConstraint("picked >= 0", name="picked_not_negative"),)

    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True
    )
    #: The choice's position in its question (the key answers record).
    choice_key: Mapped[int] = mapped_column(primary_key=True)
    picked: Mapped[int] = mapped_column(default=0)


class LessonTally(Base):
    """How many learners have completed a lesson (counted once each, when they complete it)."""

    __tablename__ = "lesson_tallies"
    __table_args__ = (CheckConstraint("completed >= 0", name="completed_not_negative"),)

    lesson_id: Mapped[int] = mapped_column(
        ForeignKey("lessons.id", ondelete="CASCADE"), primary_key=True
    )
    completed: Mapped[int] = mapped_column(default=0)
