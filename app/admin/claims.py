"""The provider's CE approval pages: requests waiting, each claim old and new side by side."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app.accounts.access import admin_required
from app.accounts.models import User
from app.authoring import services as authoring
from app.authoring.services import AuthoringError
from app.catalog.models import Course
from app.ceclaims import services
from app.ceclaims.forms import ApproveForm, DeclineForm
from app.ceclaims.models import CeClaimReview
from app.ceclaims.services import ClaimReviewError
from app.content.ceclaim import CeClaim
from app.content.changes import describe_changes
from app.content.spec import CourseSpec
from app.db import db

bp = Blueprint("ceclaims", __name__, url_prefix="/admin/ce-claims")


def get_review(review_id: int) -> CeClaimReview:
    """The review with this id, or 404."""
    review = services.get_review(review_id)
    if review is None:
        abort(404)
    return review


@bp.route("/")
@admin_required
def index() -> str:
    """Requests waiting for a decision, and the latest decisions."""
    return render_template(
        "ceclaims/index.html",
        waiting=services.reviews_waiting(),
        decided=services.reviews_decided(),
    )


def _render(review: CeClaimReview, approve: ApproveForm, decline: DeclineForm) -> str:
    course = db.session.get(Course, review.course_id)
    site = current_app.config["APPROVAL_STATEMENT"]
    proposed = CeClaim.from_dict(review.claim)
    previous = CeClaim.from_dict(review.previous_claim) if review.previous_claim else None
    spec = CourseSpec.from_dict(review.document)
    new_rows = proposed.rows(site)
    old_rows = previous.rows(site) if previous else [(label, "—") for label, _ in new_rows]
    return render_template(
        "ceclaims/review.html",
        review=review,
        course=course,
        rows=[(label, old, new) for (label, old), (_, new) in zip(old_rows, new_rows, strict=True)],
        first=previous is None,
        spec=spec,
        seat_hours=spec.seat_time_hours(),
        changes=describe_changes(authoring.published_spec(course), spec)
        if review.is_pending and course is not None
        else [],
        requested_by=db.session.get(User, review.requested_by_id)
        if review.requested_by_id
        else None,
        decided_by=db.session.get(User, review.decided_by_id) if review.decided_by_id else None,
        approve=approve,
        decline=decline,
    )


@bp.route("/<int:review_id>", endpoint="review")
@admin_required
def show_review(review_id: int) -> str:
    """One request: the claim as published and as proposed, and the decision forms."""
    return _render(get_review(review_id), ApproveForm(), DeclineForm())


@bp.route("/<int:review_id>/approve", methods=["POST"])
@admin_required
def approve(review_id: int) -> str | Response:
    """Approve the claim: the course as submitted is published."""
    review = get_review(review_id)
    form = ApproveForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        result = authoring.approve_claim(review, current_user)
    except AuthoringError as error:
        flash(str(error), "error")
        return redirect(url_for("ceclaims.review", review_id=review_id))
    flash(f"Approved and published as version {result.version}.", "success")
    return redirect(url_for("ceclaims.index"))


@bp.route("/<int:review_id>/decline", methods=["POST"])
@admin_required
def decline(review_id: int) -> tuple[str, int] | Response:
    """Decline the claim with a reason; learners keep the published course."""
    review = get_review(review_id)
    form = DeclineForm()
    if form.validate_on_submit():
        try:
            services.decline(review, current_user, form.reason.data or "")
        except ClaimReviewError as error:
            form.reason.errors = [str(error)]
        else:
            flash("Declined. The instructor sees your reason; the course is unchanged.", "success")
            return redirect(url_for("ceclaims.index"))
    return _render(review, ApproveForm(), form), 400
