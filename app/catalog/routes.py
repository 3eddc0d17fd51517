"""Public catalog pages and the signed-in dashboard."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required

from app.catalog import services

bp = Blueprint("catalog", __name__)


@bp.route("/")
def index() -> str:
    """The catalog of published courses, filterable by topic."""
    courses = services.published_courses()
    topics = sorted({t for c in courses for t in c.topics})
    topic = request.args.get("topic", "", type=str)
    if topic:
        courses = [c for c in courses if topic in c.topics]
    return render_template("catalog/index.html", courses=courses, topics=topics, topic=topic)


@bp.route("/courses/<slug>")
def course(slug: str) -> str:
    """A course's description, objectives, syllabus and CE information."""
    found = services.published_course(slug)
    if found is None:
        abort(404)
    return render_template("catalog/course.html", course=found,
                           minutes=services.course_minutes(found))


@bp.route("/dashboard")
@login_required
def dashboard() -> str:
    """The signed-in home page."""
    taught = services.taught_courses(current_user) if current_user.is_instructor else []
    return render_template("catalog/dashboard.html", courses=services.published_courses(),
                           taught=taught)
