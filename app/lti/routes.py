"""LTI 1.3 pages: login initiation, launch, the new-window hand-off, linking, deep linking,
the tool's key set and the administrator's registration page. Thin: services do the work.

The launch endpoints are POSTed by another site (the platform), so they carry no CSRF
token of ours; each is protected instead by a one-time random ticket (OIDC ``state``, a
hand-off or picker token) that only the browser in this launch was given.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user
from werkzeug.wrappers import Response

from app.accounts.access import admin_required
from app.accounts.services import AccountError, normalise_email
from app.extensions import csrf, limiter
from app.lti import keys, services
from app.lti.claims import LaunchRefused
from app.lti.forms import ConfirmForm, PlatformForm
from app.lti.framing import FRAMED, policy_for

bp = Blueprint("lti", __name__)
admin_bp = Blueprint("lti_admin", __name__)


def _refused(reason: str, status: int = 400) -> tuple[str, int]:
    return render_template("lti/refused.html", reason=reason), status


@bp.route("/lti/jwks.json", endpoint="jwks")
def tool_key_set() -> Response:
    """The tool's public keys (current and recently retired), for platforms to check."""
    from flask import current_app, jsonify

    response = jsonify(keys.key_set(current_app.instance_path))
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.route("/lti/login", methods=["GET", "POST"], endpoint="login")
@csrf.exempt
def initiate_login() -> Response | tuple[str, int]:
    """OIDC third-party login initiation: redirect to the platform's authentication request."""
    params = request.form if request.method == "POST" else request.args
    try:
        url = services.begin_login({k: v for k, v in params.items() if isinstance(v, str)})
    except LaunchRefused as error:
        return _refused(str(error))
    return redirect(url, code=302)


@bp.route("/lti/launch", methods=["POST"], endpoint="launch")
@csrf.exempt
def launch() -> Response | tuple[str, int] | str:
    """The platform's id_token arrives here (form_post); verified, then acted on."""
    id_token, state = request.form.get("id_token", ""), request.form.get("state", "")
    if not id_token or not state:
        return _refused("The launch carried no id_token or state.")
    if request.form.get("error"):
        return _refused("The platform refused the sign-in: " + request.form["error"][:100])
    try:
        outcome = services.complete_launch(id_token, state)
    except LaunchRefused as error:
        return _refused(str(error))
    return _after(outcome)


def _after(outcome: services.Outcome) -> Response | str:
    if outcome.link_ticket:
        return render_template("lti/link.html", token=outcome.link_ticket, email=outcome.email)
    if outcome.picker:
        return redirect(url_for("lti.pick", token=outcome.picker), code=303)
    assert outcome.user is not None
    login_user(outcome.user)
    session[FRAMED] = True
    return redirect(url_for("lti.open_target", token=outcome.handoff), code=303)


@bp.route("/lti/open/<token>", endpoint="open_target")
def open_target(token: str) -> Response | tuple[str, int] | str:
    """Open what the launch named; offer a new window if this frame lost its cookie."""
    user = current_user._get_current_object() if current_user.is_authenticated else None
    new_window = request.args.get("window") == "1"
    if user is None and not new_window:
        if services.handoff_waiting(token):
            return render_template("lti/new_window.html", token=token)
        return _refused("This launch has expired or was already used.")
    redeemed = services.redeem_handoff(token, user)
    if redeemed is None:
        return _refused("This launch has expired or was already used.")
    owner, target = redeemed
    if user is None:
        login_user(owner)
        session[FRAMED] = True
    return redirect(target, code=303)


def _link_key() -> str:
    """Failed link sign-ins count per account and address, as the sign-in form's do."""
    email = normalise_email(request.form.get("email", ""))[:254]
    return f"lti-link:{email}|address:{get_remote_address()}"


@bp.route("/lti/link/<token>", methods=["POST"], endpoint="link")
@csrf.exempt
@limiter.limit(
    lambda: current_app.config["SIGN_IN_LIMIT_PER_ACCOUNT"],
    key_func=_link_key,
    deduct_when=lambda response: response.status_code != 303,
)
def link_account(token: str) -> Response | tuple[str, int] | str:
    """The learner signs in to their existing account, which links it to the platform user."""
    email, password = request.form.get("email", ""), request.form.get("password", "")
    try:
        outcome = services.link_existing_account(token, email, password)
    except AccountError as error:
        return render_template("lti/link.html", token=token, email=email, error=str(error)), 400
    except LaunchRefused as error:
        return _refused(str(error))
    return _after(outcome)


@bp.route("/lti/deep-link/<token>", methods=["GET", "POST"], endpoint="pick")
@csrf.exempt
def pick(token: str) -> Response | tuple[str, int] | str:
    """The instructor picks a course, module or quiz; the signed reply goes to the platform."""
    try:
        services.picker_ticket(token)
    except LaunchRefused as error:
        return _refused(str(error))
    listing = services.choices()
    if request.method == "GET":
        return render_template("lti/pick.html", token=token, listing=listing)
    target = request.form.get("target", "")
    known = {choice.target for _, items in listing for choice in items}
    if target not in known:
        return render_template(
            "lti/pick.html", token=token, listing=listing, error="Choose one item to link."
        ), 400
    try:
        return_url, signed = services.deep_link_response(token, target)
    except LaunchRefused as error:
        return _refused(str(error))
    parts = urlsplit(return_url)
    page = render_template("lti/deep_link_return.html", return_url=return_url, jwt=signed)
    response = Response(page, mimetype="text/html")
    response.headers["Content-Security-Policy"] = policy_for(
        services.frame_ancestors(), f"{parts.scheme}://{parts.netloc}"
    )
    return response


@admin_bp.route("/admin/lti", methods=["GET", "POST"], endpoint="platforms")
@admin_required
def manage_platforms() -> Response | str:
    """Registered platforms, the form to add one, and what each platform needs from us."""
    form = PlatformForm()
    if form.validate_on_submit():
        lines = (form.deployment_ids.data or "").replace(",", "\n").splitlines()
        details = services.PlatformDetails(
            name=form.name.data or "",
            issuer=form.issuer.data,
            client_id=form.client_id.data,
            deployment_ids=tuple(line.strip() for line in lines if line.strip()),
            auth_url=form.auth_url.data,
            token_url=form.token_url.data,
            jwks_url=form.jwks_url.data,
            frame_origins=tuple((form.frame_origins.data or "").splitlines()),
        )
        try:
            services.register_platform(current_user, details)
        except services.LtiError as error:
            form.form_errors.append(str(error))
        else:
            flash(f"The platform {details.issuer} is registered.", "success")
            return redirect(url_for("lti_admin.platforms"))
    from flask import current_app

    current_kid = keys.public_jwk(keys.load_or_create_key(current_app.instance_path))["kid"]
    return render_template(
        "lti/platforms.html",
        form=form,
        confirm=ConfirmForm(),
        platforms=services.platforms(),
        urls=services.tool_urls(),
        kid=current_kid,
    )


@admin_bp.route("/admin/lti/<int:platform_id>/remove", methods=["POST"], endpoint="remove")
@admin_required
def remove_platform(platform_id: int) -> Response:
    """Forget a platform: its launches are refused from now on."""
    if not ConfirmForm().validate_on_submit():
        flash("That request was not understood; nothing was changed.", "error")
        return redirect(url_for("lti_admin.platforms"))
    try:
        services.remove_platform(current_user, platform_id)
    except services.LtiError as error:
        flash(str(error), "error")
    else:
        flash("The platform was removed.", "success")
    return redirect(url_for("lti_admin.platforms"))


@admin_bp.route("/admin/lti/rotate-key", methods=["POST"], endpoint="rotate_key")
@admin_required
def rotate_key() -> Response:
    """Sign with a new key from now on; the old one stays in the key set for a while."""
    if not ConfirmForm().validate_on_submit():
        flash("That request was not understood; nothing was changed.", "error")
        return redirect(url_for("lti_admin.platforms"))
    kid = services.rotate_tool_key(current_user)
    flash(f"New signing key {kid} in use; the old key stays published.", "success")
    return redirect(url_for("lti_admin.platforms"))
