"""The Pause page, a content advisory's choice, and the administrator's crisis lines."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup
from werkzeug.wrappers import Response

from app.accounts.access import admin_required
from app.catalog.models import Course
from app.content.markdown import render_markdown
from app.delivery import services
from app.delivery.forms import AdvisoryForm, CrisisLinesForm
from app.delivery.grounding import DEFAULT_GROUNDING, safe_return_path
from app.delivery.lines import ParsedLine, format_lines, parse_lines
from app.delivery.services import DeliveryError

bp = Blueprint("delivery", __name__)


@bp.app_template_global("grounding_for")
def grounding_for(course: Course | None) -> Markup:
    """The course's grounding exercise (or the site's), rendered and sanitised."""
    text = course.grounding if course is not None and course.grounding else DEFAULT_GROUNDING
    return Markup(render_markdown(text))  # noqa: S704 (sanitised by nh3)  # nosec B704


@bp.app_template_global("crisis_lines")
def crisis_lines() -> tuple[ParsedLine, ...]:
    """Every page's footer lists the provider's crisis lines."""
    return services.crisis_lines()


@bp.route("/pause")
@login_required
def pause() -> str:
    """A grounding exercise; its link returns the learner to the page they paused."""
    course = services.course_for_pause(request.args.get("course", ""))
    back = safe_return_path(request.args.get("back"))
    return render_template(
        "delivery/pause.html",
        course=course,
        back=back or url_for("catalog.dashboard"),
        has_back=back is not None,
        grounding_html=grounding_for(course),
    )


@bp.route("/advisories/<kind>/<int:step_id>", methods=["POST"], endpoint="choose")
@login_required
def choose_at_advisory(kind: str, step_id: int) -> Response:
    """Continue now (enter the step) or later (back to the dashboard; nothing completes)."""
    form = AdvisoryForm()
    if not form.validate_on_submit():
        abort(400)
    if not services.step_exists(kind, step_id):
        abort(404)
    back = safe_return_path(form.back.data)
    try:
        services.choose(current_user, kind, step_id, form.choice.data or "")
    except DeliveryError as error:
        flash(str(error), "error")
        return redirect(back or url_for("catalog.dashboard"))
    if form.choice.data == services.NOW:
        return redirect(back or url_for("catalog.dashboard"))
    flash(
        "Saved for later. Nothing was marked complete; the advisory will be shown again "
        "when you come back to it.",
        "success",
    )
    return redirect(url_for("catalog.dashboard"))


@bp.route("/admin/crisis-lines", methods=["GET", "POST"], endpoint="crisis_lines")
@admin_required
def edit_crisis_lines() -> str | Response | tuple[str, int]:
    """The crisis lines every page's footer shows, set by the provider."""
    form = CrisisLinesForm()
    if request.method == "GET":
        form.lines.data = format_lines(services.crisis_lines())
    if form.validate_on_submit():
        lines, errors = parse_lines(form.lines.data or "")
        if not errors:
            services.set_crisis_lines(current_user, lines)
            flash("Crisis lines saved; every page shows them now.", "success")
            return redirect(url_for("delivery.crisis_lines"))
        form.lines.errors = [*form.lines.errors, *errors]
    status = 400 if request.method == "POST" else 200
    return render_template("delivery/crisis_lines.html", form=form), status
