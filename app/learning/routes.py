"""The lesson player: enroll, read lessons, mark them complete, continue where you left off."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app.catalog.models import Course
from app.delivery.services import pending_advisory
from app.learning import services
from app.learning.outlines import outline, progress_for
from app.learning.pages import (
    find_lesson,
    get_open_course,
    outline_links,
    require_enrollment,
    step_url,
)
from app.learning.progress import CourseProgress, LessonStep, ModuleOutline
from app.learning.queries import lesson_body
from app.learning.services import LearningError

bp = Blueprint("learning", __name__)


@bp.route("/courses/<slug>/enroll", methods=["POST"])
@login_required
def enroll(slug: str) -> Response:
    """Enroll and go to the first lesson."""
    course = get_open_course(slug)
    try:
        services.enroll(current_user, course)
    except LearningError as error:
        flash(str(error), "error")
        return redirect(url_for("catalog.course", slug=slug))
    flash(f"You are enrolled in {course.title}.", "success")
    return redirect(url_for("learning.resume", slug=slug))


@bp.route("/courses/<slug>/continue")
@login_required
def resume(slug: str) -> Response:
    """Go to the next thing left to do in the course."""
    course = get_open_course(slug)
    enrollment = require_enrollment(course)
    progress = progress_for(current_user, course, enrollment)
    return redirect(step_url(course, progress.next_step()))


def _render_lesson(
    course: Course,
    module: ModuleOutline,
    lesson: LessonStep,
    progress: CourseProgress,
    status: int = 200,
) -> tuple[str, int]:
    before, after = progress.neighbours(lesson.id)
    blocking = progress.blocking_module(module)
    return render_template(
        "learning/lesson.html",
        course=course,
        module=module,
        lesson=lesson,
        body="" if blocking else lesson_body(lesson.id),
        progress=progress,
        links=outline_links(course, progress.outline),
        before=before,
        after=after,
        blocking=blocking,
        step_url=step_url,
        next_step=progress.next_step() if blocking else None,
        seconds_left=0
        if blocking or progress.lesson_complete(lesson)
        else services.seconds_left(current_user, course, lesson),
        needed=services.seat_time_needed(course, lesson),
    ), status


@bp.route("/courses/<course_slug>/<module_slug>/<lesson_slug>", endpoint="lesson")
@login_required
def read_lesson(course_slug: str, module_slug: str, lesson_slug: str) -> tuple[str, int]:
    """Read a lesson; a locked one says why and links to what comes first."""
    course = get_open_course(course_slug)
    module, lesson = find_lesson(outline(course), module_slug, lesson_slug)
    enrollment = require_enrollment(course)
    progress = progress_for(current_user, course, enrollment)
    if not progress.module_unlocked(module):
        return _render_lesson(course, module, lesson, progress, status=403)
    advisory = pending_advisory(current_user, "lesson", lesson.id, lesson.advisories)
    if advisory:
        # Not opened yet: no time on task here, and the lesson before stops counting too.
        services.leave_lessons(current_user, enrollment)
        return render_template(
            "learning/advisory.html",
            course=course,
            module=module,
            lesson=lesson,
            progress=progress,
            links=outline_links(course, progress.outline),
            advisory=advisory,
        ), 200
    services.open_lesson(current_user, enrollment, lesson.id, progress.record)
    return _render_lesson(course, module, lesson, progress)


@bp.route("/courses/<course_slug>/<module_slug>/<lesson_slug>/complete", methods=["POST"])
@login_required
def complete(course_slug: str, module_slug: str, lesson_slug: str) -> Response:
    """Mark a lesson complete and move on."""
    course = get_open_course(course_slug)
    module, lesson = find_lesson(outline(course), module_slug, lesson_slug)
    enrollment = require_enrollment(course)
    progress = progress_for(current_user, course, enrollment)
    here = url_for(
        "learning.lesson", course_slug=course_slug, module_slug=module_slug, lesson_slug=lesson_slug
    )
    if not progress.module_unlocked(module):
        flash("This lesson is locked until the module before it is complete.", "error")
        return redirect(here)
    if pending_advisory(current_user, "lesson", lesson.id, lesson.advisories):
        flash("Please read the content advisory and choose to continue first.", "error")
        return redirect(here)
    try:
        services.complete_lesson(current_user, enrollment, course, lesson.id, progress)
    except LearningError as error:
        flash(str(error), "warning")
        return redirect(here)
    progress = progress_for(current_user, course, enrollment)
    if progress.course_complete:
        flash(f"You have completed {course.title}.", "success")
    else:
        flash(f"Lesson complete: {lesson.title}.", "success")
    return redirect(step_url(course, progress.next_step()))
