"""Preview the draft as learners would see it, before it is published."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from markupsafe import Markup

from app.accounts.access import instructor_required
from app.authoring import edits, services
from app.catalog.team import get_team_course
from app.content.casetime import case_minutes
from app.content.importer import lesson_href
from app.content.markdown import render_markdown

bp = Blueprint("preview", __name__, url_prefix="/teaching")


@bp.route("/<slug>/preview", endpoint="course")
@instructor_required
def preview_course(slug: str) -> str:
    """The course page as learners will see it."""
    course = get_team_course(slug)
    spec = services.working_spec(course)
    description = Markup(render_markdown(spec.description, link_resolver=lesson_href))  # noqa: S704 (nh3 output)  # nosec B704
    minutes = {m.slug: case_minutes(m.case) for m in spec.modules if m.case is not None}
    return render_template(
        "authoring/preview_course.html",
        course=course,
        spec=spec,
        description=description,
        case_minutes=minutes,
    )


@bp.route("/<slug>/preview/<module_slug>/quiz", endpoint="quiz")
@instructor_required
def preview_quiz(slug: str, module_slug: str) -> str:
    """A module's quiz with the correct answers, feedback and explanations marked."""
    course = get_team_course(slug)
    spec = services.working_spec(course)
    try:
        module = edits.module(spec, module_slug)
    except edits.EditError:
        abort(404)
    return render_template("authoring/preview_quiz.html", course=course, spec=spec, module=module)


@bp.route("/<slug>/preview/<module_slug>/<lesson_slug>", endpoint="lesson")
@instructor_required
def preview_lesson(slug: str, module_slug: str, lesson_slug: str) -> str:
    """A lesson rendered by the same renderer and sanitiser learners get."""
    course = get_team_course(slug)
    spec = services.working_spec(course)
    try:
        module = edits.module(spec, module_slug)
    except edits.EditError:
        abort(404)
    current = next((le for le in module.lessons if le.slug == lesson_slug), None)
    if current is None:
        abort(404)
    body = Markup(render_markdown(current.body, link_resolver=lesson_href))  # noqa: S704 (nh3 output)  # nosec B704
    return render_template(
        "authoring/preview_lesson.html",
        course=course,
        spec=spec,
        module=module,
        lesson=current,
        body=body,
    )
