"""A course's unpublished draft: the whole course as a spec document, edited in place."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow


class CourseDraft(Base):
    """Edits waiting to be published; learners keep seeing the published course meanwhile."""

    __tablename__ = "course_drafts"

    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True
    )
    #: ``CourseSpec.to_dict()``: the same shape as the course files.
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: The published version the draft was started from.
    base_version: Mapped[int]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
