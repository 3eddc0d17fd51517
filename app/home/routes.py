"""Public catalog pages and the signed-in dashboard.

The blueprint keeps the name ``catalog`` (the pages are the catalog's, and every
``url_for("catalog.…")`` and template stays as it was); the module lives in ``home``
because the pages show several domains at once.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required

from app.cases.services import case_minutes_by_module
from app.catalog import services
from app.certificates.catchup import announce, catch_up
from app.certificates.services import current_certificates
from app.certificates.standing import credited_hours
from app.content.credittypes import credit_lines
from app.learning import queries as learning
from app.learning.outlines import for_version, outline, progress_for
from app.learning.pages import step_url
from app.learning.progress import CourseProgress
from app.search.services import search

bp = Blueprint("catalog", __name__)


@bp.route("/")
def index() -> str:
    """The catalog of published courses, filterable by topic; a search lists matching lessons."""
    courses = services.published_courses()
    topics = sorted({t for c in courses for t in c.topics})
    topic = request.args.get("topic", "", type=str)[:80]
    query = request.args.get("q", "", type=str)[:200].strip()
    if topic:
        courses = [c for c in courses if topic in c.topics]
    hits = search(query, course_ids=[c.id for c in courses] if topic else None) if query else []
    return render_template(
        "catalog/index.html", courses=courses, topics=topics, topic=topic, query=query, hits=hits
    )


@bp.route("/courses/<slug>", endpoint="course")
def show_course(slug: str) -> str:
    """A course's description, objectives, syllabus, CE information, and Enroll or Continue."""
    course = learning.course_with_content(slug, described=True)
    if course is None:
        abort(404)
    enrollment = progress = None
    if current_user.is_authenticated:
        enrollment = learning.find_enrollment(current_user, course)
        if enrollment is not None:
            progress = progress_for(current_user, course, enrollment)
    return render_template(
        "catalog/course.html",
        course=course,
        enrollment=enrollment,
        progress=progress,
        minutes=services.course_minutes(course),
        # Reading each case's path costs about half a millisecond: once per course version.
        case_minutes=for_version(course, "case_minutes", lambda: case_minutes_by_module(course)),
        credits=credit_lines(course.credits),
    )


@bp.route("/dashboard")
@login_required
def dashboard() -> str:
    """My courses with progress and the next step, completed courses, CE hours earned."""
    announce(catch_up(current_user))  # certificates an approval period held back, issued now
    enrollments = {
        course.id: enrollment for enrollment, course in learning.enrollments_of(current_user)
    }
    courses = learning.courses_with_content(list(enrollments))
    records = learning.learner_records(current_user, enrollments)
    mine = [
        (
            enrollments[course.id],
            course,
            CourseProgress(outline(course), records[course.id]),
        )
        # Every enrolled course, whatever its status now: an archived one keeps its
        # progress, hours and certificate here, marked as archived.
        for course in courses
    ]
    in_progress = [m for m in mine if not m[2].course_complete]
    completed = [m for m in mine if m[2].course_complete]
    enrolled_ids = {c.id for _, c, _ in mine}
    certificates = current_certificates(current_user)
    return render_template(
        "catalog/dashboard.html",
        in_progress=in_progress,
        completed=completed,
        # Earned hours are those of valid certificates, as on the transcript (not revoked ones).
        hours=credited_hours(certificates.values()),
        taught=services.taught_courses(current_user) if current_user.is_instructor else [],
        courses=[c for c in services.published_courses() if c.id not in enrolled_ids],
        step_url=step_url,
        certificates=certificates,
    )
