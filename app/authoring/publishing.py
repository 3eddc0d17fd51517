"""Course settings, the final post-test blueprint, publishing, the team, and moving courses
in and out as zip files."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from app.accounts.access import instructor_required
from app.authoring import blueprintedit, edits, services
from app.authoring.coursesettings import chosen_settings, form_data
from app.authoring.edits import EditConflict
from app.authoring.forms import (
    BlueprintForm,
    CourseSettingsForm,
    DiscardForm,
    ImportForm,
    TeamForm,
)
from app.authoring.routes import overview
from app.authoring.services import AuthoringError, BlueprintRefused
from app.catalog.models import Course
from app.catalog.team import get_team_course
from app.ceclaims import services as claims
from app.ceclaims.models import CeClaimReview
from app.content.archive import course_to_zip, read_course_zip
from app.content.ceclaim import claim_changed
from app.content.problems import Problem
from app.content.spec import BlueprintSpec, CourseSpec
from app.forms import ConfirmForm

bp = Blueprint("publishing", __name__, url_prefix="/teaching")


@bp.route("/<slug>/settings", methods=["GET", "POST"], endpoint="settings")
@instructor_required
def edit_settings(slug: str) -> tuple[str, int] | Response:
    """Everything the course file holds apart from its modules."""
    course = get_team_course(slug)
    spec = services.working_spec(course)
    data = None
    if request.method == "GET":
        data = form_data(spec) | {"base": edits.fingerprint(spec)}
    form = CourseSettingsForm(data=data)
    conflict, theirs = None, None
    if form.validate_on_submit():
        chosen = chosen_settings(form)
        base = form.base.data or None
        try:
            services.edit_draft(
                course, current_user, lambda current: edits.revise_settings(current, chosen, base)
            )
        except EditConflict as error:
            conflict = error
            form.base.data = edits.fingerprint(error.theirs)
            if isinstance(error.theirs, CourseSpec):  # a settings edit conflicts on the course
                theirs = form_data(error.theirs)
        else:
            flash("Settings saved to the draft.", "success")
            return overview(course)
    return render_template(
        "authoring/settings.html", course=course, form=form, conflict=conflict, theirs=theirs
    ), 409 if conflict else 200


def _blueprint_form(spec: CourseSpec) -> BlueprintForm:
    """The blueprint form: as the draft holds it on a GET, as posted otherwise."""
    data = None
    if request.method == "GET":
        data = blueprintedit.form_data(spec) | {"base": edits.blueprint_fingerprint(spec)}
    form = BlueprintForm(data=data)
    form.offer([SelectChoice(o.id, o.text) for o in spec.objectives])
    return form


@bp.route("/<slug>/blueprint", methods=["GET", "POST"], endpoint="blueprint")
@instructor_required
def edit_blueprint(slug: str) -> tuple[str, int] | Response:
    """How each final post-test attempt draws its questions: a draw per course objective,
    from the module objectives that serve it; or no blueprint at all."""
    course = get_team_course(slug)
    spec = services.working_spec(course)
    form = _blueprint_form(spec)
    conflict: EditConflict | None = None
    broken: list[blueprintedit.Problem] = []
    if form.validate_on_submit():
        rows: tuple[BlueprintSpec, ...] = ()
        if form.use.data == "yes":
            posted = [entry.form.objective.data or "" for entry in form.rows]
            rows = blueprintedit.build_rows(posted, form.draws(), form.serves())
        try:
            services.save_blueprint(course, current_user, rows, form.base.data or None)
        except EditConflict as error:
            conflict = error
            if isinstance(error.theirs, CourseSpec):  # saving again replaces it knowingly
                form.base.data = edits.blueprint_fingerprint(error.theirs)
        except BlueprintRefused as error:
            broken = error.broken
        else:
            flash(
                "Blueprint saved to the draft." if rows else "The draft has no blueprint now.",
                "success",
            )
            return overview(course)
    return render_template(
        "authoring/blueprint.html",
        **_blueprint_page(course, spec, form, broken),
        conflict=conflict,
        # A post that comes back to the page was refused (a stale one says so on its own).
        refused=request.method == "POST" and conflict is None,
    ), 409 if conflict else 200


def _blueprint_page(
    course: Course, spec: CourseSpec, form: BlueprintForm, broken: list[blueprintedit.Problem]
) -> dict[str, Any]:
    """What the blueprint page shows beside the form: each row's objective and pool (as the
    form now assigns module objectives), the module objectives, and the checker's verdict."""
    objectives = {o.id: o for o in spec.objectives}
    row_problems: dict[str, list[str]] = {}
    for problem in broken:
        if problem.objective is not None:
            row_problems.setdefault(problem.objective, []).append(problem.message)
    candidate = blueprintedit.build_rows(
        list(objectives), dict.fromkeys(objectives, 0), form.serves()
    )
    return {
        "course": course,
        "spec": spec,
        "form": form,
        "objectives": objectives,
        "pools": blueprintedit.pool_sizes(spec, candidate),
        "options": {option.key: option for option in blueprintedit.source_options(spec)},
        "row_problems": row_problems,
        "problems": [p.message for p in broken if p.objective is None],
        "asked": spec.questions_asked(),
        "drawn": sum(row.draw for row in spec.blueprint),
        "final_questions": len(spec.final_quiz.questions) if spec.final_quiz else 0,
    }


@bp.route("/<slug>/publish", methods=["GET", "POST"])
@instructor_required
def publish(slug: str) -> str | Response:
    """Review what publishing changes (and any problem to fix), then publish."""
    course = get_team_course(slug)
    problems = []
    if services.find_draft(course) is None:
        flash("There are no unpublished changes.", "info")
        return overview(course)
    if request.method == "POST":
        try:
            result = services.publish(course, current_user)
        except AuthoringError as error:
            flash(str(error), "error")
            problems = error.problems
        else:
            if isinstance(result, CeClaimReview):
                flash(
                    "Awaiting CE approval: this version changes the course's CE claim, so an "
                    "administrator approves it before learners see it. Learners keep "
                    f"version {course.version} meanwhile.",
                    "info",
                )
            else:
                flash(
                    f"Published: {course.title} is now version {result.version}. Learners' "
                    "progress and certificates are kept.",
                    "success",
                )
            return overview(course)
    else:
        problems = services.check_spec(services.working_spec(course))
    spec = services.working_spec(course)
    return render_template(
        "authoring/publish.html",
        course=course,
        problems=problems,
        changes=services.pending_changes(course),
        spec=spec,
        seat_hours=spec.seat_time_hours(),
        needs_approval=claim_changed(services.published_spec(course), spec)
        and not current_user.is_admin,
        review=claims.pending_review(course),
    )


@bp.route("/<slug>/discard", methods=["GET", "POST"])
@instructor_required
def discard(slug: str) -> str | Response:
    """Say what discarding the draft loses; throw it away only once that page is confirmed."""
    course = get_team_course(slug)
    draft = services.find_draft(course)
    if draft is None:
        flash("There is no draft to discard.", "info")
        return overview(course)
    form = DiscardForm()
    if form.confirmed():
        try:
            services.discard(course, current_user, form.stamp.data or "")
        except AuthoringError as error:
            flash(str(error), "error")
            return redirect(url_for("publishing.discard", slug=slug))
        flash("The draft is discarded; the published course is unchanged.", "success")
        return overview(course)
    form.stamp.data = services.draft_stamp(draft)
    return render_template(
        "authoring/discard.html",
        course=course,
        draft=draft,
        form=form,
        changes=services.pending_changes(course),
    )


@bp.route("/<slug>/team", methods=["GET", "POST"], endpoint="team")
@instructor_required
def manage_team(slug: str) -> str | Response:
    """The course's instructors; an owner adds co-instructors, makes them owners, removes them."""
    course = get_team_course(slug)
    form = TeamForm()
    if form.validate_on_submit():
        try:
            person = services.add_instructor(course, current_user, form.email.data)
        except AuthoringError as error:
            form.email.errors = [str(error)]
        else:
            flash(f"{person.legal_name} now teaches this course.", "success")
            return redirect(url_for("publishing.team", slug=slug))
    members = services.team(course)
    return render_template(
        "authoring/team.html",
        course=course,
        form=form,
        members=members,
        owners=sum(1 for _, owns in members if owns),
        owner=services.is_owner(current_user, course),
    )


@bp.route("/<slug>/team/<int:user_id>/owner", methods=["POST"])
@instructor_required
def make_owner(slug: str, user_id: int) -> Response:
    """Make a co-instructor an owner of the course."""
    course = get_team_course(slug)
    try:
        person = services.make_owner(course, current_user, user_id)
    except AuthoringError as error:
        flash(str(error), "error")
    else:
        flash(f"{person.legal_name} is now an owner of this course.", "success")
    return redirect(url_for("publishing.team", slug=slug))


@bp.route("/<slug>/team/<int:user_id>/remove", methods=["GET", "POST"])
@instructor_required
def remove_member(slug: str, user_id: int) -> str | Response:
    """Say what removing someone (or leaving) takes away; do it once that page is confirmed."""
    course = get_team_course(slug)
    member = services.team_member(course, user_id)
    if member is None:
        flash("That person is not on the team.", "error")
        return redirect(url_for("publishing.team", slug=slug))
    if not services.is_owner(current_user, course):
        flash("Only the course's owner can change its team.", "error")
        return redirect(url_for("publishing.team", slug=slug))
    form = ConfirmForm()
    if form.confirmed():
        leaving = user_id == current_user.id
        try:
            services.remove_instructor(course, current_user, user_id)
        except AuthoringError as error:
            flash(str(error), "error")
            return redirect(url_for("publishing.team", slug=slug))
        if leaving and not current_user.is_admin:
            flash(f"You have left the team of {course.title}.", "success")
            return redirect(url_for("authoring.index"))
        flash(f"{member[0].legal_name} is no longer on the team.", "success")
        return redirect(url_for("publishing.team", slug=slug))
    owners = sum(1 for _, owns in services.team(course) if owns)
    return render_template(
        "authoring/remove_member.html",
        course=course,
        person=member[0],
        last_owner=member[1] and owners == 1,
        leaving=user_id == current_user.id,
        form=form,
    )


@bp.route("/<slug>/export.zip")
@instructor_required
def export_zip(slug: str) -> Response:
    """The working version of the course (draft if any) as a zip of the file format."""
    course = get_team_course(slug)
    body = course_to_zip(services.working_spec(course))
    return Response(
        body,
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{slug}.zip"'},
    )


@bp.route("/import", methods=["GET", "POST"])
@instructor_required
def import_zip() -> str | Response:
    """Upload a course zip; it becomes a draft to review and publish, never live at once."""
    form = ImportForm()
    problems: list[Problem] = []
    if form.validate_on_submit():
        spec, problems = read_course_zip(form.archive.data.read())
        if spec is not None and not problems:
            try:
                course = services.import_draft(current_user, spec)
            except AuthoringError as error:
                form.archive.errors = [str(error)]
            else:
                flash("The zip is imported as a draft. Review it, then publish.", "success")
                return overview(course)
    return render_template("authoring/import.html", form=form, problems=problems)


@bp.route("/<slug>/archive", methods=["POST"])
@instructor_required
def archive(slug: str) -> Response:
    """Close the course to new enrollments, or reopen it (the owner or an admin)."""
    course = get_team_course(slug)
    if not services.is_owner(current_user, course):
        flash("Only the course's owner can archive or reopen it.", "error")
        return overview(course)
    archived = request.form.get("archived") == "1"
    try:
        services.set_archived(course, current_user, archived)
    except AuthoringError as error:
        flash(str(error), "error")
    else:
        flash(
            "The course is archived: closed to new enrollments; enrolled learners can finish."
            if archived
            else "The course is open for enrollment again.",
            "success",
        )
    return overview(course)
