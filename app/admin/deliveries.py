"""The administrator's view of deliveries to other systems that have not gone out yet."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app.accounts.access import admin_required
from app.forms import WebForm
from app.outbound import services
from app.outbound.services import MAX_ATTEMPTS, OutboundError

bp = Blueprint("deliveries", __name__)


class RetryDeliveryForm(WebForm):
    """Send a delivery again (the form carries only its CSRF token)."""


@bp.route("/admin/deliveries")
@admin_required
def undelivered() -> str:
    """Deliveries waiting or given up (the dead letters), with a way to send each again."""
    page = request.args.get("page", 1, type=int)
    known = services.channels()
    channel = request.args.get("channel") or None
    if channel not in known:
        channel = None  # an unknown filter shows everything rather than an empty page
    return render_template(
        "outbound/undelivered.html",
        results=services.undelivered(page, channel),
        counts=services.counts(channel),
        channels=known,
        channel=channel,
        form=RetryDeliveryForm(),
        max_attempts=MAX_ATTEMPTS,
    )


@bp.route("/admin/deliveries/<int:delivery_id>/retry", methods=["POST"])
@admin_required
def retry(delivery_id: int) -> Response:
    """Make one delivery due again now."""
    if not RetryDeliveryForm().validate_on_submit():
        flash("That request was not understood; nothing was changed.", "error")
        return redirect(url_for("deliveries.undelivered"))
    try:
        delivery = services.retry(current_user.id, delivery_id)
    except OutboundError as error:
        flash(str(error), "error")
    else:
        flash(
            f"The {delivery.channel} delivery to {delivery.destination or 'its destination'}"
            " will be sent again shortly.",
            "success",
        )
    return redirect(url_for("deliveries.undelivered"))
