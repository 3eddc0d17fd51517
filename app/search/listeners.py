"""Search keeps its index in step with what learners can read."""

from __future__ import annotations

from app import events
from app.search.services import index_course


def reindex(moment: events.CoursePublished) -> None:
    """Index the version just published, in its transaction: nothing retired stays findable."""
    index_course(moment.course)


def connect() -> None:
    """Subscribe search's listener (the factory calls this once per app)."""
    events.course_published.connect(reindex)
