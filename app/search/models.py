"""The searchable text of published course content, one row per course, module, lesson and
case simulation.

The table is the same on every database; the full-text index over it is not (an FTS5
table kept in step by triggers on SQLite, a GIN expression index on PostgreSQL), so it
is made by the migration (``app.search.index``), not described here.
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base


class SearchEntry(Base):
    """The words of one course overview, module, lesson or case, as learners can read them."""

    __tablename__ = "search_entries"
    __table_args__ = (
        CheckConstraint(
            "lesson_id IS NULL OR module_id IS NOT NULL", name="lesson_entries_name_their_module"
        ),
        CheckConstraint(
            "case_id IS NULL OR (module_id IS NOT NULL AND lesson_id IS NULL)",
            name="case_entries_name_their_module",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    #: Set for a module's and a lesson's entry; None for the course overview.
    module_id: Mapped[int | None] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"))
    #: Set for a lesson's entry.
    lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"))
    #: Set for a case simulation's entry (with its module).
    case_id: Mapped[int | None] = mapped_column(ForeignKey("module_cases.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    #: Plain text (Markdown rendered, tags dropped): what the snippet is cut from.
    body: Mapped[str] = mapped_column(Text)
