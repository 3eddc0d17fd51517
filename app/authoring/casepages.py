"""The case editor: a module's case in the draft, scene by scene, with the checker's messages
beside the fields, a server-drawn graph with a text alternative, and a preview that plays it.

Pages for the course's team only (`get_team_course`). Edits go to the draft like every
other authoring edit; publishing checks the case with the rest of the course.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from app.accounts.access import instructor_required
from app.authoring import caseedits, edits, services
from app.authoring.caseforms import CaseSettingsForm, SceneForm
from app.authoring.edits import EditError
from app.cases import drawing
from app.cases.debrief import RATING_LABELS
from app.cases.text import case_markdown
from app.catalog.models import Course
from app.catalog.team import get_team_course
from app.content.casegraph import GraphProblem, check_case
from app.content.spec import CaseSpec, CourseSpec, ModuleSpec
from app.forms import WebForm

bp = Blueprint("caseauthoring", __name__, url_prefix="/teaching")


def _module(spec: CourseSpec, module_slug: str) -> ModuleSpec:
    try:
        return edits.module(spec, module_slug)
    except EditError:
        abort(404)


def _case_url(course: Course, module_slug: str) -> str:
    return url_for("caseauthoring.case", slug=course.slug, module_slug=module_slug)


def _problems(module: ModuleSpec, case: CaseSpec) -> list[GraphProblem]:
    return check_case(
        case, [o.id for o in module.objectives], [lesson.slug for lesson in module.lessons]
    )


def _save(course: Course, module_slug: str, case: CaseSpec | None, success: str) -> bool:
    """Put `case` in the draft's module; False (with the reason flashed) if it cannot apply."""
    try:
        services.edit_draft(
            course, current_user, lambda spec: caseedits.set_case(spec, module_slug, case)
        )
    except EditError as error:
        flash(str(error), "error")
        return False
    flash(success, "success")
    return True


@bp.route("/<slug>/modules/<module_slug>/case", methods=["GET", "POST"], endpoint="case")
@instructor_required
def edit_case(slug: str, module_slug: str) -> str | Response:
    """The case's settings, its scenes with the checker's messages, and its graph."""
    course = get_team_course(slug)
    spec = services.working_spec(course)
    module = _module(spec, module_slug)
    case = module.case
    form = CaseSettingsForm(
        data={
            "title": case.title,
            "summary": case.summary,
            "requirement": case.requirement,
            "start": case.start,
            "advisories": "\n".join(case.advisories),
        }
        if case is not None and request.method == "GET"
        else None
    )
    form.start.choices = (
        [SelectChoice(s.id, f"{s.title} ({s.id})") for s in case.scenes] if case else []
    )
    if case is None:
        del form.start  # a new case starts at its opening scene
    if form.validate_on_submit():
        base = case or caseedits.starter_case(
            form.title.data, form.summary.data, module.objectives[0].id
        )
        new = dataclasses.replace(
            base,
            title=form.title.data,
            summary=form.summary.data,
            requirement=form.requirement.data,
            advisories=form.advisory_list(),
            start=form.start.data if case is not None else base.start,
        )
        message = (
            "Case saved to the draft." if case else "Case added to the draft: edit its scenes."
        )
        _save(course, module_slug, new, message)
        return redirect(_case_url(course, module_slug))
    problems = _problems(module, case) if case else []
    by_scene: dict[int | None, list[GraphProblem]] = defaultdict(list)
    for problem in problems:
        by_scene[problem.scene].append(problem)
    return render_template(
        "authoring/case.html",
        course=course,
        module=module,
        case=case,
        form=form,
        problems=problems,
        by_scene=by_scene,
        graph=Markup(drawing.svg(case)) if case else None,  # noqa: S704 (escaped in drawing)  # nosec B704
        edges=drawing.edges(case) if case else [],
        labels=RATING_LABELS,
        action_form=WebForm(),
    )


@bp.route("/<slug>/modules/<module_slug>/case/remove", methods=["POST"])
@instructor_required
def remove_case(slug: str, module_slug: str) -> Response:
    """Take the case out of the module in the draft (runs of the published case are kept)."""
    course = get_team_course(slug)
    if WebForm().validate_on_submit():
        _save(course, module_slug, None, "Case taken out of the module in the draft.")
    else:
        flash("The form had expired; nothing changed. Please try again.", "error")
    return redirect(url_for("authoring.course", slug=course.slug))


def _scene_form(module: ModuleSpec, case: CaseSpec, scene_id: str | None) -> SceneForm:
    scene = case.scene(scene_id) if scene_id else None
    data = None
    if scene is not None and request.method == "GET":
        ending = scene.ending
        data = {
            "scene_id": scene.id,
            "title": scene.title,
            "narrative": scene.narrative,
            "client_says": scene.client_says,
            "status": "\n".join(f"{line.label}: {line.value}" for line in scene.status),
            "choices": [c.to_dict() for c in scene.choices],
            "is_ending": ending is not None,
            "outcome": ending.outcome if ending else "",
            "ending_rating": ending.rating if ending else "best",
            "score": ending.score if ending else None,
            "debrief": ending.debrief if ending else "",
            "objectives": list(ending.objectives) if ending else [],
            "lessons": list(ending.lessons) if ending else [],
        }
    form = SceneForm(data=data)
    targets = [
        SelectChoice("", "Choose a scene"),
        *(SelectChoice(s.id, f"{s.title} ({s.id})") for s in case.scenes),
    ]
    for row in form.choices:
        row.form.next.choices = targets
    form.objectives.choices = [SelectChoice(o.id, o.text) for o in module.objectives]
    form.lessons.choices = [SelectChoice(le.slug, le.title) for le in module.lessons]
    if scene is not None:
        form.scene_id.data = scene.id  # the id never changes: choices name it
    return form


@bp.route(
    "/<slug>/modules/<module_slug>/case/scenes/new", methods=["GET", "POST"], endpoint="scene"
)
@bp.route(
    "/<slug>/modules/<module_slug>/case/scenes/<scene_id>",
    methods=["GET", "POST"],
    endpoint="scene",
)
@instructor_required
def edit_scene(slug: str, module_slug: str, scene_id: str | None = None) -> str | Response:
    """Write or revise one scene: narrative, status panel, and choices or an ending."""
    course = get_team_course(slug)
    spec = services.working_spec(course)
    module = _module(spec, module_slug)
    case = module.case
    if case is None or (scene_id is not None and case.scene(scene_id) is None):
        abort(404)
    form = _scene_form(module, case, scene_id)
    if form.validate_on_submit():
        new_id = scene_id or form.scene_id.data
        try:
            updated = caseedits.put_scene(case, form.scene(new_id), scene_id)
        except EditError as error:
            form.scene_id.errors = [str(error)]
        else:
            if _save(course, module_slug, updated, "Scene saved to the draft."):
                return redirect(
                    url_for(
                        "caseauthoring.scene",
                        slug=course.slug,
                        module_slug=module_slug,
                        scene_id=new_id,
                    )
                )
            return redirect(_case_url(course, module_slug))
    index = next((i for i, s in enumerate(case.scenes) if s.id == scene_id), None)
    here = [p for p in _problems(module, case) if index is not None and p.scene == index]
    return render_template(
        "authoring/case_scene.html",
        course=course,
        module=module,
        case=case,
        scene=case.scene(scene_id) if scene_id else None,
        form=form,
        scene_problems=[p for p in here if p.choice is None and p.key is None],
        field_problems={p.key: p.message for p in here if p.choice is None and p.key},
        choice_problems={(p.choice, p.key): p.message for p in here if p.choice is not None},
        action_form=WebForm(),
    )


@bp.route("/<slug>/modules/<module_slug>/case/scenes/<scene_id>/remove", methods=["POST"])
@instructor_required
def remove_scene(slug: str, module_slug: str, scene_id: str) -> Response:
    """Take a scene out of the case in the draft."""
    course = get_team_course(slug)
    spec = services.working_spec(course)
    case = _module(spec, module_slug).case
    if case is None:
        abort(404)
    if WebForm().validate_on_submit():
        try:
            updated = caseedits.remove_scene(case, scene_id)
        except EditError as error:
            flash(str(error), "error")
        else:
            _save(course, module_slug, updated, "Scene taken out of the case in the draft.")
    else:
        flash("The form had expired; nothing changed. Please try again.", "error")
    return redirect(_case_url(course, module_slug))


@bp.route("/<slug>/modules/<module_slug>/case/preview", endpoint="preview")
@instructor_required
def preview(slug: str, module_slug: str) -> str:
    """Play the draft's case: each choice is a link, nothing is recorded.

    `?at=<scene>` shows a scene; `&from=<scene>&choice=<n>` adds the feedback of the
    choice that led there.
    """
    course = get_team_course(slug)
    spec = services.working_spec(course)
    module = _module(spec, module_slug)
    case = module.case
    if case is None:
        abort(404)
    scene = case.scene(request.args.get("at", case.start))
    if scene is None:
        abort(404)
    came_from = case.scene(request.args.get("from", ""))
    number = request.args.get("choice", "")
    last = None
    if (
        came_from is not None
        and number.isascii()
        and number.isdigit()
        and 1 <= int(number[:3]) <= len(came_from.choices)
    ):
        last = came_from.choices[int(number) - 1]
    return render_template(
        "authoring/case_preview.html",
        course=course,
        module=module,
        case=case,
        scene=scene,
        last=last,
        md=case_markdown(module.slug),
        labels=RATING_LABELS,
    )
