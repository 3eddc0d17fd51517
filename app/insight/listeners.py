"""Insight keeps its running totals by listening to the moments it counts.

Each listener runs inside the emitter's transaction, so a tally moves exactly when the
attempt, completion or new course version it counts is committed.
"""

from __future__ import annotations

from app import events
from app.insight.tallies import count_first_attempt, count_lesson_completed, recount_furthest


def tally_attempt(moment: events.AttemptGraded) -> None:
    """Count a learner's first attempt at a quiz in the item and choice tallies.

    A final post-test drawn from a blueprint (`draw_seed` set) asks module questions the
    learner has met before in their module quiz, so it is left out of the item analysis.
    """
    if moment.attempt.draw_seed is None:
        count_first_attempt(moment.attempt, moment.grade)


def tally_lesson(moment: events.LessonCompleted) -> None:
    """Count a completed lesson and move the learner's furthest lesson up to it."""
    count_lesson_completed(moment.enrollment, moment.lesson_id, moment.outline)


def refurthest(moment: events.CoursePublished) -> None:
    """A new version may move, add or retire lessons: redo whose furthest lesson is which.
    A course's first publication has no learners yet."""
    if not moment.created:
        recount_furthest(moment.course.id)


def connect() -> None:
    """Subscribe insight's listeners (the factory calls this once per app)."""
    events.attempt_graded.connect(tally_attempt)
    events.lesson_completed.connect(tally_lesson)
    events.course_published.connect(refurthest)
