"""Question import pages: upload a file, preview every question with its problems, confirm."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from app.accounts.access import instructor_required
from app.authoring.services import AuthoringError, working_spec
from app.catalog.models import Course
from app.catalog.team import get_team_course
from app.questionbank import checks, services
from app.questionbank.formats import parse_questions
from app.questionbank.forms import ConfirmForm, UploadForm
from app.questionbank.qti3_export import quiz_to_qti_zip
from app.questionbank.result import (
    ImportRefused,
    ParseResult,
    SkippedItem,
    question_from_dict,
    question_to_dict,
)

bp = Blueprint("questionbank", __name__, url_prefix="/teaching/<slug>/question-import")
#: How long a preview may wait for its confirmation.
PREVIEW_SECONDS = 3600


def _signer() -> URLSafeTimedSerializer:
    """Sign the previewed questions so the confirmation imports exactly what was shown."""
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="question-import")


def _targets(course: Course) -> list[SelectChoice]:
    """The course's quizzes, as select choices."""
    try:
        return [SelectChoice(*pair) for pair in services.quiz_choices(working_spec(course))]
    except AuthoringError:
        return []


@bp.route("", methods=["GET", "POST"])
@instructor_required
def upload(slug: str) -> str | Response:
    """Upload a question file; show the preview, or say why the file is refused."""
    course = get_team_course(slug)
    form = UploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        name = (upload.filename or "upload").rsplit("/", 1)[-1]
        try:
            result = parse_questions(name, upload.read(), form.format.data or None)
        except ImportRefused as error:
            form.file.errors = [str(error)]
        else:
            return _preview(course, name, result)
    return render_template("questionbank/upload.html", course=course, form=form)


def _preview(course: Course, name: str, result: ParseResult) -> str:
    """Render every question as it will appear, its problems beside it, and the skipped."""
    confirm = ConfirmForm()
    confirm.target.choices = _targets(course)
    confirm.payload.data = _signer().dumps(
        {
            "course": course.slug,
            "name": name,
            "questions": [question_to_dict(q) for q in result.questions],
            "skipped": [[s.where, s.type, s.reason] for s in result.skipped],
        }
    )
    rows = [(q, checks.blocking_problems(q), checks.warnings(q)) for q in result.questions]
    return render_template(
        "questionbank/preview.html",
        course=course,
        name=name,
        rows=rows,
        skipped=result.skipped,
        blocked=any(problems for _, problems, _ in rows),
        form=confirm,
    )


@bp.route("/confirm", methods=["POST"])
@instructor_required
def confirm(slug: str) -> str | Response:
    """Add the previewed questions to the chosen quiz, all or nothing."""
    course = get_team_course(slug)
    form = ConfirmForm()
    form.target.choices = _targets(course)
    back = url_for("questionbank.upload", slug=course.slug)
    try:
        data = _signer().loads(form.payload.data or "", max_age=PREVIEW_SECONDS)
    except BadSignature:
        flash("That preview has expired or was changed. Upload the file again.", "error")
        return redirect(back)
    if data.get("course") != course.slug:
        flash("That preview belongs to another course. Upload the file again.", "error")
        return redirect(back)
    if not form.validate_on_submit():
        flash("Choose one of this course's quizzes.", "error")
        return redirect(back)
    result = ParseResult(
        questions=[question_from_dict(q) for q in data["questions"]],
        skipped=[SkippedItem(*item) for item in data["skipped"]],
    )
    try:
        count = services.import_questions(course, current_user, form.target.data, result)
    except AuthoringError as error:
        flash(str(error), "error")
        return redirect(back)
    flash(
        f"{count} question{'s' if count != 1 else ''} from {data['name']} added to the draft; "
        f"{len(result.skipped)} skipped.",
        "success",
    )
    return redirect(url_for("authoring.course", slug=course.slug))


export_bp = Blueprint("questionexport", __name__, url_prefix="/teaching/<slug>/quizzes")


@export_bp.route("/<target>/qti.zip")
@instructor_required
def export_qti(slug: str, target: str) -> Response:
    """Download a quiz of the working draft as a QTI 3.0 content package."""
    course = get_team_course(slug)
    try:
        quiz = services.find_quiz(working_spec(course), target)
    except AuthoringError:
        abort(404)
    data = quiz_to_qti_zip(quiz, f"{course.slug}-{target}")
    response = Response(data, mimetype="application/zip")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{course.slug}-{target}-qti3.zip"'
    )
    return response
