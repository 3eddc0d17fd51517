"""The administrator's view of undelivered mail, and the development mail page."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app.accounts.access import admin_required
from app.forms import WebForm
from app.mail import development_mailbox_open, services
from app.mail.retry import MAX_ATTEMPTS
from app.mail.services import MailError
from app.mail.text import segments

bp = Blueprint("mail", __name__)
#: Registered only outside production (see ``app.register_blueprints``).
dev = Blueprint("dev_mail", __name__)


class RetryForm(WebForm):
    """Send a message again (the form carries only its CSRF token)."""


@bp.route("/admin/mail")
@admin_required
def undelivered() -> str:
    """Messages waiting or failed, with a way to send each again; bodies are never shown."""
    page = request.args.get("page", 1, type=int)
    return render_template(
        "mail/undelivered.html",
        results=services.undelivered(page),
        counts=services.counts(),
        form=RetryForm(),
        max_attempts=MAX_ATTEMPTS,
    )


@bp.route("/admin/mail/<int:message_id>/retry", methods=["POST"])
@admin_required
def retry(message_id: int) -> Response:
    """Make one message due again now."""
    if not RetryForm().validate_on_submit():
        flash("That request was not understood; nothing was changed.", "error")
        return redirect(url_for("mail.undelivered"))
    try:
        message = services.retry(current_user.id, message_id)
    except MailError as error:
        flash(str(error), "error")
    else:
        flash(f"The message to {message.recipient} will be sent again shortly.", "success")
    return redirect(url_for("mail.undelivered"))


@dev.route("/dev/mail")
def development_mail() -> str:
    """Every recent message in full, for a developer without a mail server.

    Absent (404) in production, whenever a real mail server is configured (the messages
    are then real people's), and to any visitor not on this machine.
    """
    if not development_mailbox_open():
        abort(404)
    messages = [(message, segments(message.body)) for message in services.recent()]
    return render_template("mail/development.html", messages=messages)
