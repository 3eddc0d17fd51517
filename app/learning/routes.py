"""The lesson player: enroll, read lessons, mark them complete, continue where you left off."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app.catalog.models import Course
from app.learning import services
from app.learning.models import Enrollment
from app.learning.progress import CourseOutline, CourseProgress, LessonStep, ModuleOutline, NextStep
from app.learning.services import LearningError

bp = Blueprint("learning", __name__)


def get_course(slug: str) -> Course:
    """A published course with its content, or 404."""
    course = services.course_with_content(slug)
    if course is None:
        abort(404)
    return course


def get_open_course(slug: str) -> Course:
    """A published (or archived) course's row, its structure left to its outline, or 404."""
    course = services.published_course(slug)
    if course is None:
        abort(404)
    return course


def find_lesson(
    outline: CourseOutline, module_slug: str, lesson_slug: str
) -> tuple[ModuleOutline, LessonStep]:
    """A current lesson of the course by its slugs, or 404."""
    for module in outline.modules:
        if module.slug == module_slug:
            for lesson in module.lessons:
                if lesson.slug == lesson_slug:
                    return module, lesson
    abort(404)


@dataclass(frozen=True)
class OutlineLinks:
    """Where the course outline's entries lead."""

    course: str
    lessons: Mapping[int, str]
    quizzes: Mapping[int, str]

    # Methods, not subscripts in the template: Jinja renders a missing key as an empty
    # href, while a lookup here fails loudly if links and outline ever disagree.
    def lesson(self, lesson_id: int) -> str:
        """The lesson's page."""
        return self.lessons[lesson_id]

    def quiz(self, quiz_id: int) -> str:
        """The quiz's introduction page."""
        return self.quizzes[quiz_id]


def outline_links(course: Course, outline: CourseOutline) -> OutlineLinks:
    """The outline's links for this version of the course, built once per worker (they
    change only with the slugs, which only a new version changes)."""

    def build() -> OutlineLinks:
        slug = course.slug
        return OutlineLinks(
            course=url_for("catalog.course", slug=slug),
            lessons={
                lesson.id: url_for(
                    "learning.lesson",
                    course_slug=slug,
                    module_slug=module.slug,
                    lesson_slug=lesson.slug,
                )
                for module in outline.modules
                for lesson in module.lessons
            },
            quizzes={
                module.quiz_id: url_for("quizzes.intro", course_slug=slug, quiz_id=module.quiz_id)
                for module in outline.modules
                if module.quiz_id
            },
        )

    return services.for_version(course, ("outline links", request.script_root), build)


def require_enrollment(course: Course) -> Enrollment | Response:
    """The current user's enrollment, or a redirect to the course page asking them to enroll."""
    enrollment = services.find_enrollment(current_user, course)
    if enrollment is None:
        flash("Enroll in the course to open its lessons and quizzes.", "info")
        return redirect(url_for("catalog.course", slug=course.slug))
    return enrollment


def step_url(course: Course, step: NextStep) -> str:
    """Where a next step lives."""
    if step.kind == "lesson" and step.module and step.lesson:
        return url_for(
            "learning.lesson",
            course_slug=course.slug,
            module_slug=step.module.slug,
            lesson_slug=step.lesson.slug,
        )
    if step.kind == "quiz" and step.module and step.module.quiz_id:
        return url_for("quizzes.intro", course_slug=course.slug, quiz_id=step.module.quiz_id)
    if step.kind == "final" and step.final_quiz_id:
        return url_for("quizzes.intro", course_slug=course.slug, quiz_id=step.final_quiz_id)
    if step.kind == "done":
        return url_for("certificates.claim", slug=course.slug)
    return url_for("catalog.course", slug=course.slug)


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
    if isinstance(enrollment, Response):
        return enrollment
    progress = services.progress_for(current_user, course, enrollment)
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
        body="" if blocking else services.lesson_body(lesson.id),
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


@bp.route("/courses/<course_slug>/<module_slug>/<lesson_slug>")
@login_required
def lesson(course_slug: str, module_slug: str, lesson_slug: str) -> tuple[str, int] | Response:
    """Read a lesson; a locked one says why and links to what comes first."""
    course = get_open_course(course_slug)
    module, found = find_lesson(services.outline(course), module_slug, lesson_slug)
    enrollment = require_enrollment(course)
    if isinstance(enrollment, Response):
        return enrollment
    progress = services.progress_for(current_user, course, enrollment)
    if not progress.module_unlocked(module):
        return _render_lesson(course, module, found, progress, status=403)
    services.open_lesson(current_user, enrollment, found.id, progress.record)
    return _render_lesson(course, module, found, progress)


@bp.route("/courses/<course_slug>/<module_slug>/<lesson_slug>/complete", methods=["POST"])
@login_required
def complete(course_slug: str, module_slug: str, lesson_slug: str) -> Response:
    """Mark a lesson complete and move on."""
    course = get_open_course(course_slug)
    module, found = find_lesson(services.outline(course), module_slug, lesson_slug)
    enrollment = require_enrollment(course)
    if isinstance(enrollment, Response):
        return enrollment
    progress = services.progress_for(current_user, course, enrollment)
    here = url_for(
        "learning.lesson", course_slug=course_slug, module_slug=module_slug, lesson_slug=lesson_slug
    )
    if not progress.module_unlocked(module):
        flash("This lesson is locked until the module before it is complete.", "error")
        return redirect(here)
    try:
        services.complete_lesson(current_user, enrollment, course, found.id, progress)
    except LearningError as error:
        flash(str(error), "warning")
        return redirect(here)
    progress = services.progress_for(current_user, course, enrollment)
    if progress.course_complete:
        flash(f"You have completed {course.title}.", "success")
    else:
        flash(f"Lesson complete: {found.title}.", "success")
    return redirect(step_url(course, progress.next_step()))
