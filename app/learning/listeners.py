"""What learning does when something happens elsewhere (or in its own lesson player)."""

from __future__ import annotations

from app import events
from app.learning.services import settle_completion


def settle_after_lesson(moment: events.LessonCompleted) -> None:
    """A completed lesson may complete its module and the course."""
    settle_completion(moment.user, moment.course, moment.enrollment)


def settle_after_attempt(moment: events.AttemptGraded) -> None:
    """A passed quiz may complete its module and the course; a failed one changes nothing."""
    if moment.grade.passed:
        settle_completion(moment.user, moment.course, moment.enrollment)


def settle_after_case(moment: events.CaseEnded) -> None:
    """A case run that reached an ending may meet its module's case rule and complete it."""
    settle_completion(moment.user, moment.course, moment.enrollment)


def connect() -> None:
    """Subscribe learning's listeners (the factory calls this once per app)."""
    events.lesson_completed.connect(settle_after_lesson)
    events.attempt_graded.connect(settle_after_attempt)
    events.case_ended.connect(settle_after_case)
