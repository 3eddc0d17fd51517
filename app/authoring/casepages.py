"""The case editor: a module's case in the draft, scene by scene, with the checker's messages
beside the fields, a server-drawn graph with a text alternative, and a preview that plays it.

Pages for the course's team only (`get_team_course`). Edits go to the draft like every
other authoring edit; publishing checks the case with the rest of the course.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from app.accounts.access import instructor_required
from app.authoring import caseedits, edits, services
from app.authoring.caseedits import RemovalConflict
from app.authoring.caseforms import CaseSettingsForm, RemoveForm, SceneForm
from app.authoring.edits import EditConflict, EditError
from app.cases import drawing
from app.cases.debrief import RATING_LABELS
from app.cases.text import case_markdown
from app.catalog.models import Course
from app.catalog.team import get_team_course
from app.content.casegraph import GraphProblem, check_case
from app.content.spec import CaseSpec, CourseSpec, ModuleSpec, SceneSpec

#: An edit to the draft, as the pure functions of app.authoring.caseedits make them.
Change = Callable[[CourseSpec], CourseSpec]

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


#: Said when a save names a case or scene a colleague has since taken out of the draft.
CASE_TAKEN_OUT = (
    "Not saved: a co-instructor (or you, in another tab) took this module's case out of the "
    "draft after you opened it. Your text is still in the form: add the case again, or go "
    "back to the course."
)


def _saved(course: Course, change: Change, success: str) -> EditConflict | None:
    """Apply ``change`` to the draft: None when saved (``success`` flashed), the conflict
    when the form was based on an older version; an edit that cannot apply raises."""
    try:
        services.edit_draft(course, current_user, change)
    except EditConflict as conflict:
        return conflict
    flash(success, "success")
    return None


def _settings_data(case: CaseSpec | None) -> dict[str, object]:
    """The settings form as loaded: the case's settings and their version."""
    if case is None:
        return {"base": caseedits.NO_CASE}
    return {
        "title": case.title,
        "summary": case.summary,
        "requirement": case.requirement,
        "start": case.start,
        "advisories": "\n".join(case.advisories),
        "base": edits.fingerprint(case),
    }


def _settings_form(case: CaseSpec | None, fill: bool) -> CaseSettingsForm:
    form = (
        CaseSettingsForm(data=_settings_data(case), formdata=None) if fill else CaseSettingsForm()
    )
    form.start.choices = (
        [SelectChoice(s.id, f"{s.title} ({s.id})") for s in case.scenes] if case else []
    )
    if case is None:
        del form.start  # a new case starts at its opening scene
    elif "start" not in request.form:
        # Posted from "Add the case" while a colleague added one: keep its start.
        form.start.data = case.start
    return form


def _case_page(
    course: Course,
    module_slug: str,
    form: CaseSettingsForm | None = None,
    conflict: EditConflict | None = None,
    status: int = 200,
) -> tuple[str, int]:
    """The case page as the draft has it now: 409 Conflict when it shows a stale edit."""
    module = _module(services.working_spec(course), module_slug)
    case = module.case
    if form is None:
        form = _settings_form(case, fill=True)
    problems = _problems(module, case) if case else []
    by_scene: dict[int | None, list[GraphProblem]] = defaultdict(list)
    for problem in problems:
        by_scene[problem.scene].append(problem)
    page = render_template(
        "authoring/case.html",
        course=course,
        module=module,
        case=case,
        form=form,
        conflict=conflict,
        removal=isinstance(conflict, RemovalConflict),
        problems=problems,
        by_scene=by_scene,
        graph=Markup(drawing.svg(case)) if case else None,  # noqa: S704 (escaped in drawing)  # nosec B704
        edges=drawing.edges(case) if case else [],
        labels=RATING_LABELS,
        remove_form=RemoveForm(
            data={"base": caseedits.whole_case_version(case) if case else ""}, formdata=None
        ),
    )
    return page, 409 if conflict else status


@bp.route("/<slug>/modules/<module_slug>/case", methods=["GET", "POST"], endpoint="case")
@instructor_required
def edit_case(slug: str, module_slug: str) -> tuple[str, int] | Response:
    """The case's settings, its scenes with the checker's messages, and its graph.

    The settings form carries the version it was loaded from; a save based on an older one
    is refused with 409, the author's text kept and the version now in the draft shown.
    """
    course = get_team_course(slug)
    module = _module(services.working_spec(course), module_slug)
    case = module.case
    form = _settings_form(case, fill=request.method == "GET")
    if not form.validate_on_submit():
        return _case_page(course, module_slug, form)
    if case is None and (form.base.data or caseedits.NO_CASE) != caseedits.NO_CASE:
        # Taken out after this form was loaded: offer what was typed as a new case.
        form.base.data = caseedits.NO_CASE
        flash(CASE_TAKEN_OUT, "error")
        return _case_page(course, module_slug, form, status=409)
    settings = {
        "title": form.title.data,
        "summary": form.summary.data,
        "requirement": form.requirement.data,
        "advisories": form.advisory_list(),
        "start": form.start.data if case is not None else None,
    }
    base = form.base.data or (caseedits.NO_CASE if case is None else None)
    # A new case's endings draw on the first objective (the checker names one missing).
    objective = module.objectives[0].id if module.objectives else ""
    try:
        conflict = _saved(
            course,
            lambda spec: caseedits.save_settings(spec, module_slug, settings, base, objective),
            "Case saved to the draft."
            if base != caseedits.NO_CASE
            else "Case added to the draft: edit its scenes.",
        )
    except EditError as error:
        flash(str(error), "error")
        return redirect(_case_url(course, module_slug))
    if conflict is None:
        return redirect(_case_url(course, module_slug))
    form.base.data = edits.fingerprint(conflict.theirs)  # saving again replaces it knowingly
    return _case_page(course, module_slug, form, conflict)


@bp.route("/<slug>/modules/<module_slug>/case/remove", methods=["POST"])
@instructor_required
def remove_case(slug: str, module_slug: str) -> tuple[str, int] | Response:
    """Take the case out of the module in the draft (runs of the published case are kept),
    unless someone changed it after the page was loaded."""
    course = get_team_course(slug)
    form = RemoveForm()
    if not form.validate_on_submit():
        flash("The form had expired; nothing changed. Please try again.", "error")
        return redirect(url_for("authoring.course", slug=course.slug))
    base = form.base.data or None
    try:
        conflict = _saved(
            course,
            lambda spec: caseedits.drop_case(spec, module_slug, base),
            "Case taken out of the module in the draft.",
        )
    except EditError as error:
        flash(str(error), "error")
        return redirect(url_for("authoring.course", slug=course.slug))
    if conflict is not None:
        return _case_page(course, module_slug, conflict=conflict)
    return redirect(url_for("authoring.course", slug=course.slug))


def _scene_form(
    module: ModuleSpec, case: CaseSpec, scene: SceneSpec | None, fill: bool
) -> SceneForm:
    """The scene form, filled from ``scene`` (and its version) or from what was posted."""
    data = None
    if scene is not None and fill:
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
            "base": edits.fingerprint(scene),
        }
        form = SceneForm(data=data, formdata=None)
    else:
        form = SceneForm()
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


def _scene_page(
    course: Course,
    module: ModuleSpec,
    case: CaseSpec,
    scene: SceneSpec | None,
    form: SceneForm,
    conflict: EditConflict | None = None,
    taken_out: str | None = None,
) -> tuple[str, int]:
    """A scene's editing page: 409 Conflict when it shows a stale save or removal, or a
    save to a scene someone took out (``taken_out``, its id), else 200."""
    index = next((i for i, s in enumerate(case.scenes) if scene and s.id == scene.id), None)
    here = [p for p in _problems(module, case) if index is not None and p.scene == index]
    page = render_template(
        "authoring/case_scene.html",
        course=course,
        module=module,
        case=case,
        scene=scene,
        form=form,
        conflict=conflict,
        removal=isinstance(conflict, RemovalConflict),
        taken_out=taken_out,
        scene_problems=[p for p in here if p.choice is None and p.key is None],
        field_problems={p.key: p.message for p in here if p.choice is None and p.key},
        choice_problems={(p.choice, p.key): p.message for p in here if p.choice is not None},
        remove_form=RemoveForm(
            data={"base": edits.fingerprint(scene) if scene else ""}, formdata=None
        ),
    )
    return page, 409 if conflict or taken_out else 200


@bp.route(
    "/<slug>/modules/<module_slug>/case/scenes/new", methods=["GET", "POST"], endpoint="scene"
)
@bp.route(
    "/<slug>/modules/<module_slug>/case/scenes/<scene_id>",
    methods=["GET", "POST"],
    endpoint="scene",
)
@instructor_required
def edit_scene(
    slug: str, module_slug: str, scene_id: str | None = None
) -> tuple[str, int] | Response:
    """Write or revise one scene: narrative, status panel, and choices or an ending.

    The form carries the version of the scene it was loaded from: a save based on an older
    one is refused with 409, the author's text kept beside the version now in the draft. A
    save to a scene a colleague took out keeps the text too, ready to add back.
    """
    course = get_team_course(slug)
    module = _module(services.working_spec(course), module_slug)
    case = module.case
    if case is None:
        abort(404)
    current = case.scene(scene_id) if scene_id else None
    if scene_id is not None and current is None:
        if request.method == "GET":
            abort(404)
        # Taken out after this form was loaded: offer what was typed as a new scene.
        form = _scene_form(module, case, None, fill=False)
        form.validate_on_submit()
        form.scene_id.data, form.base.data = scene_id, ""
        return _scene_page(course, module, case, None, form, taken_out=scene_id)
    form = _scene_form(module, case, current, fill=request.method == "GET")
    if not form.validate_on_submit():
        return _scene_page(course, module, case, current, form)
    new_id = scene_id or form.scene_id.data
    new, base = form.scene(new_id), form.base.data or None
    try:
        conflict = _saved(
            course,
            lambda spec: caseedits.save_scene(spec, module_slug, new, scene_id, base),
            "Scene saved to the draft.",
        )
    except EditError as error:
        form.scene_id.errors = [str(error)]
        if current is not None:
            flash(str(error), "error")
        return _scene_page(course, module, case, current, form)
    if conflict is None:
        return redirect(
            url_for(
                "caseauthoring.scene", slug=course.slug, module_slug=module_slug, scene_id=new_id
            )
        )
    form.base.data = edits.fingerprint(conflict.theirs)  # saving again replaces it knowingly
    return _scene_page(course, module, case, current, form, conflict)


@bp.route("/<slug>/modules/<module_slug>/case/scenes/<scene_id>/remove", methods=["POST"])
@instructor_required
def remove_scene(slug: str, module_slug: str, scene_id: str) -> tuple[str, int] | Response:
    """Take a scene out of the case in the draft, unless someone changed it after the page
    with the button was loaded (then 409, with the version now in the draft)."""
    course = get_team_course(slug)
    form = RemoveForm()
    if not form.validate_on_submit():
        flash("The form had expired; nothing changed. Please try again.", "error")
        return redirect(_case_url(course, module_slug))
    base = form.base.data or None
    try:
        conflict = _saved(
            course,
            lambda spec: caseedits.drop_scene(spec, module_slug, scene_id, base),
            "Scene taken out of the case in the draft.",
        )
    except EditError as error:
        flash(str(error), "error")
        return redirect(_case_url(course, module_slug))
    if conflict is None:
        return redirect(_case_url(course, module_slug))
    module = _module(services.working_spec(course), module_slug)
    case = module.case
    scene = conflict.theirs
    if case is None or not isinstance(scene, SceneSpec):  # pragma: no cover (drop_scene's)
        abort(409)
    return _scene_page(
        course, module, case, scene, _scene_form(module, case, scene, fill=True), conflict
    )


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
