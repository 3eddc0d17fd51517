"""Records pages and CSV exports for administrators and the instructors of each course."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, render_template, request
from flask_login import current_user
from werkzeug.wrappers import Response

from app.accounts.access import instructor_required
from app.catalog import services as catalog
from app.catalog.team import get_team_course
from app.csvcells import to_csv
from app.evaluations.services import summarise
from app.records import services

bp = Blueprint("records", __name__, url_prefix="/records")


def _date(name: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def _period() -> tuple[dt.date | None, dt.date | None]:
    start, end = _date("start"), _date("end")
    return (end, start) if start and end and start > end else (start, end)


def _csv(body: str, name: str) -> Response:
    return Response(
        body, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@bp.route("/")
@instructor_required
def index() -> str:
    """The courses whose records the user may export."""
    return render_template("records/index.html", courses=catalog.taught_courses(current_user))


@bp.route("/<slug>", endpoint="course")
@instructor_required
def show_course(slug: str) -> str:
    """A course's records for a period: counts, exports and the evaluation summary."""
    course = get_team_course(slug)
    start, end = _period()
    return render_template(
        "records/course.html",
        course=course,
        start=start,
        end=end,
        participants=len(services.participants(course, start, end)),
        completions=len(services.completions(course, start, end)),
        summary=summarise(course),
    )


@bp.route("/<slug>/completions.csv")
@instructor_required
def completions_csv(slug: str) -> Response:
    """Completions with name, email, profession, license, date, CE hours and certificate ID."""
    course = get_team_course(slug)
    return _csv(services.completions_csv(course, *_period()), f"{slug}-completions.csv")


@bp.route("/<slug>/participants.csv")
@instructor_required
def participants_csv(slug: str) -> Response:
    """Everyone who enrolled in the period."""
    course = get_team_course(slug)
    return _csv(services.participants_csv(course, *_period()), f"{slug}-participants.csv")


@bp.route("/<slug>/time-on-task.csv")
@instructor_required
def time_on_task_csv(slug: str) -> Response:
    """Each participant's time on each lesson and module, beside the lessons' minimums."""
    course = get_team_course(slug)
    return _csv(services.time_on_task_csv(course, *_period()), f"{slug}-time-on-task.csv")


@bp.route("/<slug>/evaluations.csv")
@instructor_required
def evaluations_csv(slug: str) -> Response:
    """The evaluation summary: averages per objective and overall, bias answers, comments."""
    course = get_team_course(slug)
    summary = summarise(course)
    rows: list[tuple[object, ...]] = [("Evaluations filed", summary.count)]
    rows += [
        (f"Objective met: {text}", f"{avg:.2f}" if avg is not None else "")
        for text, avg in summary.objectives
    ]
    rows += [
        ("Relevant to practice", _avg(summary.relevance)),
        ("Quality of teaching", _avg(summary.teaching_quality)),
    ]
    rows += [(f"Free of commercial bias: {k}", v) for k, v in summary.bias.items()]
    rows += [("Comment", c) for c in summary.comments]
    return _csv(
        to_csv(("Measure", "Value (mean of 1-5, or count)"), rows),
        f"{slug}-evaluations.csv",
    )


def _avg(value: float | None) -> str:
    return f"{value:.2f}" if value is not None else ""
