"""The case player: one scene at a time, final choices, replay, the debrief, and insight."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app.accounts.access import instructor_required
from app.cases import services
from app.cases.debrief import RATING_LABELS, debrief
from app.cases.models import CaseRun
from app.cases.services import CaseError
from app.cases.text import case_markdown
from app.catalog.models import Course, ModuleCase
from app.catalog.team import get_team_course
from app.content.casegraph import rated_well
from app.content.spec import CaseSpec
from app.db import db
from app.delivery.services import pending_advisory
from app.forms import WebForm
from app.learning import services as learning
from app.learning.models import Enrollment
from app.learning.outlines import outline, progress_for
from app.learning.pages import (
    OutlineLinks,
    get_open_course,
    outline_links,
    require_enrollment,
    step_url,
)
from app.learning.progress import CourseProgress, ModuleOutline

bp = Blueprint("cases", __name__)

#: What module completion asks of a case, in the learner's words.
REQUIREMENT_TEXT = {
    "none": "Practice: this case does not count towards completing the module.",
    "ending": "Required: reach any ending to complete the module.",
    "acceptable_ending": (
        "Required: reach an ending rated acceptable or best to complete the module."
    ),
}


def _module_with_case(course: Course, case_id: int) -> tuple[ModuleOutline, ModuleCase]:
    """The current module whose case this is, and the case, or 404."""
    module = next((m for m in outline(course).modules if m.case_id == case_id), None)
    case = services.case_of_course(course, case_id) if module is not None else None
    if module is None or case is None:
        abort(404)
    return module, case


def _own_run(case: ModuleCase, raw: str | None) -> CaseRun:
    """The current user's run of this case named by a form or URL value, else 404."""
    number = _whole_number(raw, digits=11)
    run = db.session.get(CaseRun, number) if number is not None else None
    if run is None or run.user_id != current_user.id or run.case_id != case.id:
        abort(404)
    return run


def advisories_of(case: ModuleCase) -> list[str]:
    """The advisory codes the published case declares (its spec as imported)."""
    codes = case.spec.get("advisories", [])
    return [code for code in codes if isinstance(code, str)] if isinstance(codes, list) else []


def _whole_number(raw: str | None, digits: int = 6) -> int | None:
    """A whole number of at most `digits` ASCII digits from a form value, else None.

    `str.isdigit` alone would pass "²" (and other digits `int` refuses).
    """
    if raw is None or not raw.isascii() or not raw.isdigit() or len(raw) > digits:
        return None
    return int(raw)


def _context(course: Course, module: ModuleOutline, case: ModuleCase) -> dict[str, object]:
    progress = progress_for(current_user, course, require_enrollment(course))
    return {
        "md": case_markdown(module.slug),
        "course": course,
        "module": module,
        "case": case,
        "progress": progress,
        "links": outline_links(course, progress.outline),
        "step_url": step_url,
        "requirement": REQUIREMENT_TEXT.get(case.requirement, ""),
        "labels": RATING_LABELS,
        "form": WebForm(),
    }


def _locked(context: dict[str, object], module: ModuleOutline) -> tuple[str, int] | None:
    progress = context["progress"]
    assert isinstance(progress, CourseProgress)
    blocking = progress.blocking_module(module)
    if blocking is None:
        return None
    page = render_template(
        "cases/locked.html",
        blocking=blocking,
        next_step=progress.next_step(),
        **context,
    )
    return page, 403


@bp.route("/courses/<course_slug>/cases/<int:case_id>", endpoint="play")
@login_required
def play(course_slug: str, case_id: int) -> tuple[str, int] | Response:
    """The scene the learner's run is at; an ended run goes to its debrief."""
    course = get_open_course(course_slug)
    module, case = _module_with_case(course, case_id)
    enrollment = require_enrollment(course)
    context = _context(course, module, case)
    locked = _locked(context, module)
    if locked:
        return locked
    learning.leave_lessons(current_user, enrollment)
    advisory = pending_advisory(current_user, "case", case.id, advisories_of(case))
    if advisory:
        # Not entered yet: no run starts until the learner chooses to continue now.
        return render_template("cases/advisory.html", advisory=advisory, **context), 200
    run = services.start_or_resume(current_user, case, course)
    if not run.is_open:
        return redirect(
            url_for("cases.debrief_page", course_slug=course.slug, case_id=case.id, run_id=run.id)
        )
    spec = services.snapshot_of(run)
    scene = spec.scene(run.current_scene)
    assert scene is not None, "a run is always at a scene of its snapshot"
    last = run.choices[-1] if run.choices else None
    last_feedback = None
    if last is not None:
        before = spec.scene(last.scene)
        if before is not None and 1 <= last.choice <= len(before.choices):
            last_feedback = before.choices[last.choice - 1]
    return render_template(
        "cases/scene.html",
        run=run,
        spec=spec,
        scene=scene,
        last=last,
        last_feedback=last_feedback,
        **context,
    ), 200


@dataclass(frozen=True)
class Posted:
    """A case form that may act: its course, enrollment, case, the learner's run, its page."""

    course: Course
    enrollment: Enrollment
    case: ModuleCase
    run: CaseRun
    here: str


def _posted(course_slug: str, case_id: int, expired: str) -> Posted | Response:
    """The checks every case form passes before it acts, or the redirect that refuses it.

    The form's token, the module's order, the case's advisory (answered "continue now"),
    and a run that is the learner's own of this case (else 404). ``expired`` says what the
    refusal of a stale form left unchanged.
    """
    course = get_open_course(course_slug)
    module, case = _module_with_case(course, case_id)
    enrollment = require_enrollment(course)
    here = url_for("cases.play", course_slug=course.slug, case_id=case.id)
    if not WebForm().validate_on_submit():
        flash(f"The form had expired; {expired}", "error")
        return redirect(here)
    if progress_for(current_user, course, enrollment).blocking_module(module) is not None:
        flash("This case is locked until the module before it is complete.", "error")
        return redirect(here)
    if pending_advisory(current_user, "case", case.id, advisories_of(case)):
        flash("Please read the content advisory and choose to continue first.", "error")
        return redirect(here)
    run = _own_run(case, request.form.get("run"))
    return Posted(course, enrollment, case, run, here)


@bp.route("/courses/<course_slug>/cases/<int:case_id>/choose", methods=["POST"])
@login_required
def choose(course_slug: str, case_id: int) -> Response:
    """Make a choice: final for this run; a stale or tampered one changes nothing."""
    posted = _posted(course_slug, case_id, "nothing was chosen. Please choose again.")
    if isinstance(posted, Response):
        return posted
    course, case, run, here = posted.course, posted.case, posted.run, posted.here
    step = _whole_number(request.form.get("step"))
    choice = _whole_number(request.form.get("choice"))
    scene = request.form.get("scene", "")
    if step is None or choice is None:
        flash("Choose one of the options this scene offers.", "error")
        return redirect(here + "#scene-title")
    try:
        services.choose(current_user, run, course, posted.enrollment, step, scene, choice)
    except CaseError as error:
        flash(str(error), "warning")
        return redirect(here + "#scene-title")
    if not run.is_open:
        return redirect(
            url_for("cases.debrief_page", course_slug=course.slug, case_id=case.id, run_id=run.id)
            + "#debrief-title"
        )
    return redirect(here + "#scene-title")


@bp.route("/courses/<course_slug>/cases/<int:case_id>/replay", methods=["POST"])
@login_required
def replay(course_slug: str, case_id: int) -> Response:
    """Start the case again from the beginning (earlier runs are kept)."""
    posted = _posted(course_slug, case_id, "nothing changed. Please try again.")
    if isinstance(posted, Response):
        return posted
    services.replay(current_user, posted.case, posted.course, posted.run.id)
    flash("You are starting the case again from the beginning.", "success")
    return redirect(posted.here + "#scene-title")


@bp.route("/courses/<course_slug>/cases/<int:case_id>/runs/<int:run_id>", endpoint="debrief_page")
@login_required
def debrief_page(course_slug: str, case_id: int, run_id: int) -> tuple[str, int] | Response:
    """The debrief of an ended run: path taken beside the recommended one, and feedback."""
    course = get_open_course(course_slug)
    module, case = _module_with_case(course, case_id)
    require_enrollment(course)
    run = _own_run(case, str(run_id))
    if run.ended_at is None:
        return redirect(url_for("cases.play", course_slug=course.slug, case_id=case.id))
    context = _context(course, module, case)
    spec = services.snapshot_of(run)
    result = debrief(spec, services.taken(run), run.current_scene)
    objectives = {o["id"]: o["text"] for o in _module_objectives(course, module.id)}
    links = context["links"]
    assert isinstance(links, OutlineLinks)
    lesson_titles = {le.slug: (le.number, le.title, links.lesson(le.id)) for le in module.lessons}
    return render_template(
        "cases/debrief.html",
        run=run,
        spec=spec,
        result=result,
        objectives=objectives,
        lesson_titles=lesson_titles,
        met=rated_well(run.ending_rating),
        runs=services.runs_of(current_user, case),
        **context,
    ), 200


def _module_objectives(course: Course, module_id: int) -> list[dict[str, str]]:
    module = next((m for m in course.modules if m.id == module_id), None)
    return list(module.objectives) if module is not None else []


@bp.route("/teaching/<slug>/modules/<module_slug>/case/insight", endpoint="insight")
@instructor_required
def insight(slug: str, module_slug: str) -> str:
    """For the course's team: endings reached, choices taken, scenes where learners go wrong."""
    course = get_team_course(slug)
    case = services.published_case(course, module_slug)
    if case is None:
        abort(404)
    return render_template(
        "cases/insight.html",
        course=course,
        module_slug=module_slug,
        case=case,
        spec=CaseSpec.from_dict(case.spec),
        insight=services.case_insight(case),
        labels=RATING_LABELS,
    )
