"""CE claim reviews react to content applied over them."""

from __future__ import annotations

from app import events
from app.ceclaims.services import supersede_pending


def supersede_on_approved_import(moment: events.CoursePublished) -> None:
    """Files imported with the provider's approval replace whatever claim an instructor
    asked for: set the waiting request aside, in the import's transaction."""
    if moment.approved_by is not None:
        supersede_pending(moment.course.id)


def connect() -> None:
    """Subscribe the CE claim reviews' listener (the factory calls this once per app)."""
    events.course_published.connect(supersede_on_approved_import)
