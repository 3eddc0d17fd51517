"""Authoring pages: a course's draft, its modules, lessons and questions, publish and team."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from app.accounts.access import instructor_required
from app.authoring import edits, services
from app.authoring.edits import EditConflict, EditError
from app.authoring.forms import (
    CreateCourseForm,
    LessonForm,
    ModuleForm,
    QuestionForm,
    objectives_text,
    parse_objectives,
)
from app.authoring.services import AuthoringError
from app.catalog import services as catalog
from app.catalog.kinds import QuestionKind
from app.catalog.models import Course
from app.catalog.team import get_team_course
from app.ceclaims.services import courses_waiting, latest_review
from app.content.markdown import render_markdown
from app.content.spec import CourseSpec, LessonSpec, ModuleSpec, QuestionSpec, QuizSpec

bp = Blueprint("authoring", __name__, url_prefix="/teaching")

T = TypeVar("T")
#: An edit to the draft, as the pure functions of app.authoring.edits make them.
Change = Callable[[CourseSpec], CourseSpec]
STEPS = {"up": -1, "down": 1}


def overview(course: Course) -> Response:
    """Back to the course's authoring page."""
    return redirect(url_for("authoring.course", slug=course.slug))


@bp.route("/")
@instructor_required
def index() -> str:
    """The courses I teach."""
    courses = catalog.taught_courses(current_user)
    drafts = {c.id for c in courses if services.find_draft(c) is not None}
    waiting = courses_waiting([c.id for c in courses])
    return render_template("authoring/index.html", courses=courses, drafts=drafts, waiting=waiting)


@bp.route("/new", methods=["GET", "POST"])
@instructor_required
def new_course() -> str | Response:
    """Start a course; it stays a draft until published."""
    form = CreateCourseForm()
    if form.validate_on_submit():
        try:
            course = services.create_course(
                current_user,
                form.slug.data,
                form.title.data,
                form.summary.data,
                form.ce_hours.data.normalize(),  # InputRequired: never None here
                form.level.data,
                form.delivery_format.data,
            )
        except AuthoringError as error:
            form.slug.errors = [str(error)]
        else:
            flash(
                "The course is created as a draft. Add modules and lessons, then publish.",
                "success",
            )
            return overview(course)
    return render_template("authoring/new.html", form=form)


@bp.route("/<slug>", endpoint="course")
@instructor_required
def show_course(slug: str) -> str:
    """The working version of the course with everything an author can do."""
    course = get_team_course(slug)
    spec = services.working_spec(course)
    return render_template(
        "authoring/course.html",
        course=course,
        spec=spec,
        draft=services.find_draft(course),
        changes=services.pending_changes(course),
        owner=services.is_owner(current_user, course),
        review=latest_review(course),
    )


def _edit(course: Course, change: Change, success: str) -> Response:
    """Save ``change`` to the draft and go back to the course; a conflict is the caller's
    to show, with the author's text still in the form."""
    try:
        services.edit_draft(course, current_user, change)
    except EditConflict:
        raise
    except EditError as error:
        flash(str(error), "error")
    else:
        flash(success, "success")
    return overview(course)


def _save_item(
    course: Course, form: FlaskForm, change: Change, success: str
) -> tuple[Response | None, EditConflict | None]:
    """Save an edit of one module, lesson or question: the redirect, or the stale save.

    A save is stale when someone saved the item after the author opened it. The author's
    text stays in the form, now based on the version the conflict page shows them, so
    saving again from there replaces that version knowingly (`_item_page` answers 409).
    """
    try:
        return _edit(course, change, success), None
    except EditConflict as error:
        form.base.data = edits.fingerprint(error.theirs)
        return None, error


def _item_page(template: str, conflict: EditConflict | None, **context: Any) -> tuple[str, int]:
    """An item's editing page: 409 Conflict when it shows a stale save, else 200."""
    return render_template(template, conflict=conflict, **context), 409 if conflict else 200


@bp.route("/<slug>/modules/<module_slug>/<action>", methods=["POST"])
@instructor_required
def module_action(slug: str, module_slug: str, action: str) -> Response:
    """Move a module up or down, or take it out of the draft."""
    course = get_team_course(slug)
    if action == "remove":
        return _edit(
            course,
            lambda s: edits.remove_module(s, module_slug),
            "Module removed from the draft; learners' records of it are kept.",
        )
    if action not in STEPS:
        abort(404)
    return _edit(
        course, lambda s: edits.move_module(s, module_slug, STEPS[action]), "Module moved."
    )


@bp.route("/<slug>/modules/<module_slug>/<kind>/<item_slug>/<action>", methods=["POST"])
@instructor_required
def item_action(slug: str, module_slug: str, kind: str, item_slug: str, action: str) -> Response:
    """Move a lesson or question up or down, or take it out of the draft."""
    course = get_team_course(slug)
    operations: dict[tuple[str, str], Change] = {
        ("lessons", "remove"): lambda s: edits.remove_lesson(s, module_slug, item_slug),
        ("questions", "remove"): lambda s: edits.remove_question(s, module_slug, item_slug),
    }
    for direction, step in STEPS.items():
        # partial binds this step now; a lambda would see the loop's last one.
        operations[("lessons", direction)] = partial(
            edits.move_lesson, module_slug=module_slug, slug=item_slug, step=step
        )
        operations[("questions", direction)] = partial(
            edits.move_question, module_slug=module_slug, slug=item_slug, step=step
        )
    operation = operations.get((kind, action))
    if operation is None:
        abort(404)
    done = "removed from the draft" if action == "remove" else "moved"
    return _edit(course, operation, f"{kind[:-1].capitalize()} {done}.")


@bp.route("/<slug>/modules/new", methods=["GET", "POST"], endpoint="module")
@bp.route("/<slug>/modules/<module_slug>", methods=["GET", "POST"], endpoint="module")
@instructor_required
def edit_module(slug: str, module_slug: str | None = None) -> tuple[str, int] | Response:
    """Add a module, or edit one's title, summary and objectives."""
    course = get_team_course(slug)
    spec = services.working_spec(course)
    current = _find(lambda: edits.module(spec, module_slug)) if module_slug else None
    form = ModuleForm(
        data={
            "title": current.title,
            "summary": current.summary,
            "objectives": objectives_text(current.objectives),
            "quiz_advisories": list(current.quiz.advisories),
            "time_limit_minutes": current.quiz.time_limit_minutes,
            "base": edits.fingerprint(current),
        }
        if current and request.method == "GET"
        else None
    )
    conflict = None
    if form.validate_on_submit():
        objectives = parse_objectives(form.objectives.data)
        title, summary, base = form.title.data, form.summary.data, form.base.data or None
        quiz_settings = {
            "advisories": tuple(form.quiz_advisories.data or ()),
            "time_limit_minutes": form.time_limit_minutes.data,
        }
        if module_slug:
            saved, conflict = _save_item(
                course,
                form,
                lambda s: edits.revise_module(
                    s, module_slug, title, summary, objectives, base, quiz_settings
                ),
                "Module saved.",
            )
            if saved is not None:
                return saved
        else:
            new_slug = edits.slugify(
                form.title.data, [*(m.slug for m in spec.modules), "new"], "module"
            )
            new = ModuleSpec(
                slug=new_slug,
                title=form.title.data,
                summary=form.summary.data,
                objectives=objectives,
                lessons=(),
                quiz=QuizSpec(title=f"{form.title.data}: quiz", questions=(), **quiz_settings),
            )
            return _edit(course, lambda s: edits.put_module(s, new), "Module saved.")
    return _item_page("authoring/module.html", conflict, course=course, module=current, form=form)


def _find(lookup: Callable[[], T]) -> T:
    """Run a draft lookup, turning a missing item into a 404."""
    try:
        return lookup()
    except EditError:
        abort(404)


@bp.route("/<slug>/modules/<module_slug>/lessons/new", methods=["GET", "POST"], endpoint="lesson")
@bp.route(
    "/<slug>/modules/<module_slug>/lessons/<lesson_slug>",
    methods=["GET", "POST"],
    endpoint="lesson",
)
@instructor_required
def edit_lesson(
    slug: str, module_slug: str, lesson_slug: str | None = None
) -> tuple[str, int] | Response:
    """Write or revise a lesson in Markdown, with a preview rendered as learners will see it."""
    course = get_team_course(slug)
    spec = services.working_spec(course)
    owner = _find(lambda: edits.module(spec, module_slug))
    current = next((le for le in owner.lessons if le.slug == lesson_slug), None)
    if lesson_slug and current is None:
        abort(404)
    form = LessonForm(
        data={
            "title": current.title,
            "minutes": current.minutes,
            "min_seconds": current.min_seconds,
            "advisories": list(current.advisories),
            "body": current.body,
            "base": edits.fingerprint(current),
        }
        if current and request.method == "GET"
        else None
    )
    preview = None
    conflict = None
    form.module_slug = module_slug
    form.known_lessons = frozenset((m.slug, le.slug) for m in spec.modules for le in m.lessons)
    if form.validate_on_submit():
        body = form.body.data.replace("\r\n", "\n")
        if request.form.get("action") == "preview":
            preview = render_markdown(body)
        else:
            new_slug = (
                current.slug
                if current
                else edits.slugify(
                    form.title.data, [*(le.slug for le in owner.lessons), "new"], "lesson"
                )
            )
            new = LessonSpec(
                slug=new_slug,
                title=form.title.data,
                minutes=form.minutes.data,
                body=body,
                min_seconds=form.min_seconds.data,
                advisories=tuple(form.advisories.data or ()),
            )
            base = form.base.data or None
            saved, conflict = _save_item(
                course,
                form,
                lambda s: edits.put_lesson(s, module_slug, new, lesson_slug, base),
                "Lesson saved to the draft.",
            )
            if saved is not None:
                return saved
    return _item_page(
        "authoring/lesson.html",
        conflict,
        course=course,
        module=owner,
        lesson=current,
        form=form,
        preview=preview,
    )


@bp.route(
    "/<slug>/modules/<module_slug>/questions/new", methods=["GET", "POST"], endpoint="question"
)
@bp.route(
    "/<slug>/modules/<module_slug>/questions/<question_slug>",
    methods=["GET", "POST"],
    endpoint="question",
)
@instructor_required
def edit_question(
    slug: str, module_slug: str, question_slug: str | None = None
) -> tuple[str, int] | Response:
    """Write or revise a quiz question: kind, objective, prompt, choices, explanation."""
    course = get_team_course(slug)
    spec = services.working_spec(course)
    owner = _find(lambda: edits.module(spec, module_slug))
    current = next((q for q in owner.quiz.questions if q.slug == question_slug), None)
    if question_slug and current is None:
        abort(404)
    data = None
    if current and request.method == "GET":
        data = {
            "kind": current.kind,
            "objective": current.objective,
            "prompt": current.prompt,
            "explanation": current.explanation,
            "choices": [
                {"text": c.text, "correct": c.correct, "feedback": c.feedback or ""}
                for c in current.choices
            ],
            "base": edits.fingerprint(current),
        }
    form = QuestionForm(data=data)
    conflict = None
    form.objective.choices = [(o.id, f"{o.id}: {o.text}") for o in owner.objectives]
    if form.validate_on_submit():
        new_slug = (
            current.slug
            if current
            else edits.slugify(
                form.prompt.data[:60], [*(q.slug for q in owner.quiz.questions), "new"], "question"
            )
        )
        new = QuestionSpec(
            slug=new_slug,
            kind=QuestionKind(form.kind.data),  # one of the form's choices
            objective=form.objective.data,
            prompt=form.prompt.data.strip(),
            explanation=form.explanation.data.strip(),
            choices=form.parsed_choices(),
        )
        base = form.base.data or None
        saved, conflict = _save_item(
            course,
            form,
            lambda s: edits.put_question(s, module_slug, new, question_slug, base),
            "Question saved to the draft.",
        )
        if saved is not None:
            return saved
    return _item_page(
        "authoring/question.html",
        conflict,
        course=course,
        module=owner,
        question=current,
        form=form,
    )
