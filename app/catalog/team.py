"""The one check for pages that belong to a course's team (its instructors and admins)."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from app.catalog.models import Course
from app.catalog.services import course_for_team


def get_team_course(slug: str) -> Course:
    """The course if the current user is on its team or an admin: 404 if unknown, else 403."""
    course, allowed = course_for_team(slug, current_user)
    if course is None:
        abort(404)
    if not allowed:
        abort(403)
    return course
