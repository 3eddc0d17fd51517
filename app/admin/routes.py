"""Administrator pages: users and roles, certificates and revocation, the audit log."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from werkzeug.wrappers import Response

from app.accounts import services
from app.accounts.access import admin_required
from app.accounts.models import Role, User
from app.accounts.services import AccountError
from app.admin import auditlog
from app.admin.auditlog import AuditFilter
from app.admin.forms import ActiveForm, AnonymiseForm, AuditFilterForm, RoleForm, SignOutForm
from app.certificates import corrections
from app.certificates import services as certificate_services
from app.certificates.forms import ReviewForm, RevokeForm
from app.certificates.identifiers import display_id
from app.certificates.models import Certificate, CertificateCorrection
from app.certificates.services import CertificateError
from app.db import db, utcnow
from app.forms import ConfirmForm

bp = Blueprint("admin", __name__, url_prefix="/admin")


def get_user(user_id: int) -> User:
    """The user with this id, or 404."""
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _back() -> Response:
    return redirect(
        url_for("admin.users", q=request.args.get("q", ""), role=request.args.get("role", ""))
    )


@bp.route("/users")
@admin_required
def users() -> str:
    """Every account, searchable by name or email and filterable by role."""
    query = request.args.get("q", "", type=str)[:200]
    role = request.args.get("role", "", type=str)
    if role not in {r.value for r in Role}:
        role = ""
    page = request.args.get("page", 1, type=int)
    results = services.search_users(query, role, page)
    return render_template(
        "admin/users.html",
        results=results,
        query=query,
        role=role,
        roles=list(Role),
        role_form=RoleForm(),
        active_form=ActiveForm(),
        anonymised={user.id for user in results.items if services.is_anonymised(user)},
    )


@bp.route("/users/<int:user_id>/role", methods=["POST"])
@admin_required
def change_role(user_id: int) -> Response:
    """Change one user's role."""
    user = get_user(user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        flash("Choose one of the listed roles.", "error")
        return _back()
    try:
        services.change_role(current_user, user, Role(form.role.data))
    except AccountError as error:
        flash(str(error), "error")
    else:
        flash(f"{user.legal_name} is now {form.role.data}.", "success")
    return _back()


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@admin_required
def set_active(user_id: int) -> Response:
    """Deactivate or reactivate one user."""
    user = get_user(user_id)
    form = ActiveForm()
    wanted = form.wants_active() if form.validate_on_submit() else None
    if wanted is None:
        flash("That request was not understood; nothing was changed.", "error")
        return _back()
    try:
        services.set_active(current_user, user, wanted)
    except AccountError as error:
        flash(str(error), "error")
    else:
        state = "reactivated" if wanted else "deactivated"
        flash(f"{user.legal_name}'s account is {state}.", "success")
    return _back()


@bp.route("/users/<int:user_id>/sign-out", methods=["POST"])
@admin_required
def sign_out_everywhere(user_id: int) -> Response:
    """End every session and remember-me token of one user (audited)."""
    user = get_user(user_id)
    if not SignOutForm().validate_on_submit():
        flash("That request was not understood; nothing was changed.", "error")
        return _back()
    services.sign_out_everywhere(current_user, user)
    if user.id == current_user.id:
        return redirect(url_for("accounts.sign_in"))
    flash(f"{user.legal_name} is signed out on every device.", "success")
    return _back()


@bp.route("/users/<int:user_id>/anonymise", methods=["GET", "POST"])
@admin_required
def anonymise(user_id: int) -> Response | str:
    """Delete someone's account by anonymising it, once its email is typed to confirm."""
    user = get_user(user_id)
    form = AnonymiseForm()
    if form.validate_on_submit():
        if not form.confirms(user.email):
            form.email.errors.append("That is not this account's email; nothing was changed.")
        else:
            name = user.legal_name
            try:
                services.anonymise(current_user, user)
            except AccountError as error:
                form.email.errors.append(str(error))
            else:
                flash(f"{name}'s account is anonymised; their CE records are kept.", "success")
                return redirect(url_for("admin.users"))
    return render_template(
        "admin/anonymise.html",
        user=user,
        form=form,
        anonymised=services.is_anonymised(user),
        certificates=len(certificate_services.current_certificates(user)),
    )


@bp.route("/certificates")
@admin_required
def certificates() -> str:
    """Every certificate, searchable by learner, course or ID."""
    query = request.args.get("q", "", type=str)[:200]
    results = certificate_services.search_certificates(query, request.args.get("page", 1, int))
    return render_template(
        "admin/certificates.html", results=results, query=query, display_id=display_id
    )


@bp.route("/certificates/<public_id>", endpoint="certificate")
@admin_required
def show_certificate(public_id: str) -> str:
    """One certificate with its history and the revoke form."""
    certificate = certificate_services.find_certificate(public_id)
    if certificate is None:
        abort(404)
    return render_template(
        "admin/certificate.html",
        certificate=certificate,
        display=display_id(certificate.public_id),
        form=RevokeForm(),
    )


@bp.route("/certificates/<public_id>/revoke", methods=["POST"])
@admin_required
def revoke_certificate(public_id: str) -> Response | str:
    """Revoke a certificate with a reason; without one, the form says so beside the field."""
    certificate = certificate_services.find_certificate(public_id)
    if certificate is None:
        abort(404)
    form = RevokeForm()
    display = display_id(certificate.public_id)
    if form.validate_on_submit() and certificate.revoked_at is None:
        if not ConfirmForm().confirmed():
            # First step: say what revoking takes away; only that page's POST revokes.
            return render_template(
                "admin/revoke.html", certificate=certificate, display=display, form=form
            )
        try:
            certificate_services.revoke(current_user, certificate, form.reason.data)
        except CertificateError as error:
            form.reason.errors = [str(error)]
        else:
            flash("The certificate is revoked; its verification page now says so.", "success")
            return redirect(url_for("admin.certificate", public_id=certificate.public_id))
    elif certificate.revoked_at is not None:
        flash("This certificate is already revoked.", "error")
        return redirect(url_for("admin.certificate", public_id=certificate.public_id))
    return render_template(
        "admin/certificate.html", certificate=certificate, display=display, form=form
    )


@bp.route("/corrections")
@admin_required
def correction_requests() -> str:
    """Correction requests awaiting review, oldest first."""
    return render_template("admin/corrections.html", pending=corrections.pending_corrections())


def _review_page(correction: CertificateCorrection, form: ReviewForm) -> str:
    """One request: the certificate's details and the requested ones side by side."""
    certificate = db.session.get(Certificate, correction.certificate_id)
    return render_template(
        "admin/correction.html",
        correction=correction,
        certificate=certificate,
        display=display_id(certificate.public_id) if certificate else "",
        requester=db.session.get(User, correction.requested_by_id),
        form=form,
    )


def get_correction(correction_id: int) -> CertificateCorrection:
    """The correction request with this id, or 404."""
    correction = db.session.get(CertificateCorrection, correction_id)
    if correction is None:
        abort(404)
    return correction


@bp.route("/corrections/<int:correction_id>")
@admin_required
def correction_request(correction_id: int) -> str:
    """Review one correction request."""
    return _review_page(get_correction(correction_id), ReviewForm())


@bp.route("/corrections/<int:correction_id>/approve", methods=["POST"])
@admin_required
def approve_correction(correction_id: int) -> Response | str:
    """Approve a correction request: the replacement is issued, the old one replaced."""
    return _decide(get_correction(correction_id), "approve")


@bp.route("/corrections/<int:correction_id>/decline", methods=["POST"])
@admin_required
def decline_correction(correction_id: int) -> Response | str:
    """Decline a correction request with a note the learner reads."""
    return _decide(get_correction(correction_id), "decline")


def _decide(correction: CertificateCorrection, decision: str) -> Response | str:
    """Record the decision, or show the review page again with the reason it was refused."""
    form = ReviewForm()
    if form.validate_on_submit():
        try:
            if decision == "approve":
                replacement = corrections.approve_correction(
                    current_user, correction, form.note.data or ""
                )
            else:
                corrections.decline_correction(current_user, correction, form.note.data or "")
        except CertificateError as error:
            form.note.errors = [str(error)]
        else:
            if decision == "approve":
                flash("Approved: the corrected certificate is issued.", "success")
                return redirect(url_for("admin.certificate", public_id=replacement.public_id))
            flash("Declined: the learner will see your note.", "success")
            return redirect(url_for("admin.correction_requests"))
    return _review_page(correction, form)


def _audit_filters() -> tuple[
    AuditFilterForm, AuditFilter, list[tuple[str, str]], list[tuple[int, str]]
]:
    """The filter form read from the query string, and the filter it amounts to."""
    actions = auditlog.known_actions()
    courses = auditlog.course_choices()
    form = AuditFilterForm(request.args)
    form.action.choices = [("", "All actions"), *actions]
    form.course.choices = [("", "All courses"), *((str(i), t) for i, t in courses)]
    form.validate()
    chosen = form.filters({code for code, _ in actions}, {i for i, _ in courses})
    return form, chosen, actions, courses


def _filter_args(chosen: AuditFilter) -> dict[str, str]:
    """The filter as query-string arguments, for the pager and the CSV link."""
    args = {
        "start": chosen.start.isoformat() if chosen.start else "",
        "end": chosen.end.isoformat() if chosen.end else "",
        "actor": chosen.actor,
        "action": chosen.action,
        "course": str(chosen.course_id) if chosen.course_id is not None else "",
    }
    return {key: value for key, value in args.items() if value}


@bp.route("/audit")
@admin_required
def audit() -> str:
    """The append-only audit log, newest first: filters by date, person, action and course."""
    form, chosen, _, _ = _audit_filters()
    results = auditlog.search_events(chosen, request.args.get("page", 1, int))
    return render_template(
        "admin/audit.html", results=results, form=form, args=_filter_args(chosen)
    )


@bp.route("/audit.csv")
@admin_required
def audit_csv() -> Response:
    """Every event the filters select, as CSV (no paging)."""
    _, chosen, _, _ = _audit_filters()
    if auditlog.count_events(chosen) > auditlog.EXPORT_LIMIT:
        flash(
            f"That is more than {auditlog.EXPORT_LIMIT:,} events, too many for one file; "
            "narrow the dates (or other filters) and download again.",
            "error",
        )
        # As Any: url_for's own keywords (_external and others) are not str.
        query: dict[str, Any] = _filter_args(chosen)
        return redirect(url_for("admin.audit", **query))
    name = "audit-log-" + utcnow().strftime("%Y-%m-%d") + ".csv"
    return Response(
        auditlog.export_csv(chosen),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
