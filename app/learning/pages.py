"""What every learner page needs: the course or 404, the learner's enrollment or a redirect
to enroll, and the links between a course's steps.

The lesson, quiz, evaluation and certificate pages all use these; they live here, not in
a routes module, so no blueprint imports another's views.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user

from app.catalog.models import Course
from app.learning import queries
from app.learning.models import Enrollment
from app.learning.outlines import for_version
from app.learning.progress import CourseOutline, LessonStep, ModuleOutline, NextStep


def get_course(slug: str) -> Course:
    """A published course with its content, or 404."""
    course = queries.course_with_content(slug)
    if course is None:
        abort(404)
    return course


def get_open_course(slug: str) -> Course:
    """A published (or archived) course's row, its structure left to its outline, or 404."""
    course = queries.published_course(slug)
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
    cases: Mapping[int, str] = field(default_factory=dict)

    # Methods, not subscripts in the template: Jinja renders a missing key as an empty
    # href, while a lookup here fails loudly if links and outline ever disagree.
    def lesson(self, lesson_id: int) -> str:
        """The lesson's page."""
        return self.lessons[lesson_id]

    def quiz(self, quiz_id: int) -> str:
        """The quiz's introduction page."""
        return self.quizzes[quiz_id]

    def case(self, case_id: int) -> str:
        """The case simulation's player."""
        return self.cases[case_id]


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
            # By endpoint name: the cases domain stands above learning and owns the player.
            cases={
                module.case_id: url_for("cases.play", course_slug=slug, case_id=module.case_id)
                for module in outline.modules
                if module.case_id
            },
        )

    return for_version(course, ("outline links", request.script_root), build)


def require_enrollment(course: Course) -> Enrollment:
    """The current user's enrollment; without one, the request ends here with a redirect to
    the course page asking them to enroll (raised, so views need no check of their own)."""
    enrollment = queries.find_enrollment(current_user, course)
    if enrollment is None:
        flash("Enroll in the course to open its lessons and quizzes.", "info")
        # A proxy HTTPException: Flask sends its response as it is, past the error pages.
        abort(redirect(url_for("catalog.course", slug=course.slug)))
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
    if step.kind == "case" and step.module and step.module.case_id:
        return url_for("cases.play", course_slug=course.slug, case_id=step.module.case_id)
    if step.kind == "final" and step.final_quiz_id:
        return url_for("quizzes.intro", course_slug=course.slug, quiz_id=step.final_quiz_id)
    if step.kind == "done":
        return url_for("certificates.claim", slug=course.slug)
    return url_for("catalog.course", slug=course.slug)
