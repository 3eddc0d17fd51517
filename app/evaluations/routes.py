"""Filing the course evaluation."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app.evaluations import services
from app.evaluations.forms import evaluation_form
from app.evaluations.services import EvaluationAnswers, EvaluationError
from app.learning.pages import get_course, require_enrollment

bp = Blueprint("evaluations", __name__)


@bp.route("/courses/<slug>/evaluation", methods=["GET", "POST"])
@login_required
def evaluate(slug: str) -> str | Response:
    """Rate each objective, relevance, teaching and commercial bias; once per course."""
    course = get_course(slug)
    enrollment = require_enrollment(course)
    claim = url_for("certificates.claim", slug=slug)
    if enrollment.completed_at is None:
        flash("The evaluation opens once you have completed the course.", "info")
        return redirect(claim)
    if services.find_evaluation(current_user, course) is not None:
        flash("You have already filed the evaluation for this course. Thank you.", "info")
        return redirect(claim)
    form = evaluation_form(course)
    if form.validate_on_submit():
        answers = EvaluationAnswers(
            objective_ratings={key: int(field.data) for key, field in form.objective_fields()},
            relevance=int(form.relevance.data),
            teaching_quality=int(form.teaching_quality.data),
            free_of_bias=form.free_of_bias.data,
            comments=(form.comments.data or "").strip(),
        )
        try:
            services.file_evaluation(current_user, course, enrollment, answers)
        except EvaluationError as error:
            flash(str(error), "info")
            return redirect(claim)
        flash("Thank you: your evaluation is filed.", "success")
        # The claim page shows what is still missing, or sends the learner on to the
        # certificate if filing the evaluation issued it.
        return redirect(claim)
    return render_template("evaluations/evaluate.html", course=course, form=form)
