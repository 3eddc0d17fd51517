"""The API's pages: personal access tokens on the account page, OAuth clients and webhook
subscriptions for administrators, and the reference page rendered from the OpenAPI
document."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, session, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app.accounts.access import admin_required
from app.api import services
from app.api.forms import ClientForm, RevokeForm, TokenForm, WebhookForm
from app.api.models import WebhookSubscription
from app.api.operations import openapi_document
from app.api.services import ApiError
from app.db import utcnow
from app.forms import ConfirmForm

bp = Blueprint("api_pages", __name__)


@bp.route("/account/tokens", methods=["GET", "POST"])
@login_required
def tokens() -> tuple[str, int]:
    """List the user's tokens and make a new one, shown once; a second post of the same
    form (a reload) makes nothing and says so."""
    form = TokenForm()
    created, repeated = None, None
    if form.validate_on_submit():
        try:
            created = services.create_personal_token(
                current_user, form.name.data, form.scopes.data, form.days.data,
                form_key=form.form_key.data,
            )  # fmt: skip
        except services.AlreadyMade as made:
            repeated = made.name
        except ApiError as error:
            form.name.errors.append(str(error))
    if created or repeated:
        form = TokenForm(formdata=None)  # a new form, with a new key, for the next token
    page = render_template(
        "api/tokens.html",
        form=form,
        revoke=RevokeForm(),
        created=created,
        repeated=repeated,
        tokens=services.personal_tokens(current_user),
        now=utcnow(),
    )
    return page, _status(form, created, repeated)


def _status(form: TokenForm | ClientForm, created: object, repeated: str | None) -> int:
    """201 for a credential made (its secret is on this page, once), 409 for a form posted
    again, 400 for a refused form, 200 for the page."""
    if created:
        return 201
    if repeated:
        return 409
    return 400 if form.is_submitted() else 200


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int) -> Response:
    """Revoke one of the user's own tokens (another user's is not found)."""
    if not RevokeForm().validate_on_submit():
        abort(400)
    try:
        token = services.revoke_personal_token(current_user, token_id)
    except ApiError:
        abort(404)
    flash(f"Token “{token.name}” revoked: it no longer works.", "success")
    return redirect(url_for("api_pages.tokens"))


@bp.route("/admin/api-clients", methods=["GET", "POST"])
@admin_required
def clients() -> tuple[str, int]:
    """Register OAuth clients for providers' systems; the secret is shown once, and a
    second post of the same form (a reload) registers nothing and says so."""
    form = ClientForm()
    created, repeated = None, None
    if form.validate_on_submit():
        try:
            created = services.register_client(
                current_user, form.name.data, form.scopes.data, form_key=form.form_key.data
            )
        except services.AlreadyMade as made:
            repeated = made.name
        except ApiError as error:
            form.name.errors.append(str(error))
    if created or repeated:
        form = ClientForm(formdata=None)
    page = render_template(
        "api/clients.html",
        form=form,
        revoke=RevokeForm(),
        created=created,
        repeated=repeated,
        clients=services.clients(),
    )
    return page, _status(form, created, repeated)


@bp.route("/admin/api-clients/<int:client_id>/revoke", methods=["POST"])
@admin_required
def revoke_client(client_id: int) -> Response:
    """Revoke a client and every token it holds."""
    if not RevokeForm().validate_on_submit():
        abort(400)
    try:
        services.revoke_client(current_user, client_id)
    except ApiError:
        abort(404)
    flash("Client revoked: its tokens no longer work.", "success")
    return redirect(url_for("api_pages.clients"))


#: The session key naming the subscription whose secret the next view of the page shows.
_JUST_ADDED = "webhook_secret_once"


@bp.route("/admin/webhooks", methods=["GET", "POST"])
@admin_required
def webhooks() -> Response | tuple[str, int]:
    """List the provider's webhook subscriptions and add one; its secret is shown once.

    An accepted form redirects (303) to the page, which shows the new secret the one time
    the session asks for it: reloading the page, or going back, cannot post the form again
    and make a second subscription that would deliver every event twice.
    """
    form = WebhookForm()
    if form.validate_on_submit():
        try:
            subscription, _secret = services.create_webhook(
                current_user, form.url.data, form.events.data, services.internal_hosts_allowed()
            )
        except ApiError as error:
            form.url.errors.append(str(error))
        else:
            session[_JUST_ADDED] = subscription.id
            return redirect(url_for("api_pages.webhooks"), 303)
    created = _created_once()
    subscriptions = services.webhooks()
    page = render_template(
        "api/webhooks.html",
        form=form,
        created=created,
        subscriptions=subscriptions,
        deliveries=services.last_deliveries(subscriptions),
    )
    return page, 400 if form.is_submitted() else 200


def _created_once() -> WebhookSubscription | None:
    """The subscription this browser just added, the one time its secret is shown."""
    subscription_id = session.pop(_JUST_ADDED, None)
    if not isinstance(subscription_id, int):
        return None
    return services.reveal_webhook_secret(current_user, subscription_id)


@bp.route("/admin/webhooks/<int:webhook_id>/delete", methods=["POST"])
@admin_required
def delete_webhook(webhook_id: int) -> Response | str:
    """Delete a subscription: first a page saying what stops, then its POST deletes.

    One already deleted (a replayed POST) or unknown changes nothing and says so."""
    form = ConfirmForm()
    try:
        subscription = services.active_webhook(webhook_id)
        if not form.validate_on_submit():
            flash("That request was not understood; nothing was changed.", "error")
            return redirect(url_for("api_pages.webhooks"))
        if form.confirm.data != "yes":
            return render_template("api/webhook_delete.html", subscription=subscription, form=form)
        services.delete_webhook(current_user, webhook_id)
    except ApiError as error:
        flash(f"{error} Nothing was changed.", "error")
        return redirect(url_for("api_pages.webhooks"))
    flash(f"Deliveries to {subscription.url} have stopped.", "success")
    return redirect(url_for("api_pages.webhooks"))


@bp.route("/api")
def reference() -> str:
    """The API reference, rendered here from the OpenAPI document (no script, no CDN)."""
    return render_template("api/reference.html", doc=openapi_document())


@bp.route("/openapi.json")
def openapi_at_the_root() -> Response:
    """The same OpenAPI document at the site's root, where tools look for it first.

    Public and read-only like ``/api/v1/openapi.json``, so any origin may read it.
    """
    response = jsonify(openapi_document())
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
