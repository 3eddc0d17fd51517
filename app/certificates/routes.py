"""Claiming, viewing and downloading certificates; public verification; the transcript."""

from __future__ import annotations

import datetime as dt
import json

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app.certificates import corrections, services, storage
from app.certificates.catchup import announce, catch_up
from app.certificates.forms import AttestationForm, CorrectionForm, CredentialCheckForm
from app.certificates.gate import missing_conditions
from app.certificates.identifiers import display_id, parse_certificate_id
from app.certificates.intake import UnreadableCredential, parse_credential
from app.certificates.models import Certificate
from app.certificates.openbadges.canonical import BUNDLED_CONTEXTS, CONTEXTS_DIR
from app.certificates.openbadges.credential import VerificationResult, credential_json
from app.certificates.printing.transcript import (
    TranscriptRow,
    total_hours,
    transcript_csv,
    transcript_pdf,
)
from app.certificates.services import CertificateError
from app.certificates.standing import State
from app.db import utcnow
from app.evaluations.services import find_evaluation
from app.extensions import csrf, limiter
from app.learning.pages import get_course, require_enrollment
from app.learning.timeontask import LessonTime, by_module, lesson_times, modules_of

bp = Blueprint("certificates", __name__)


def get_own_certificate(public_id: str) -> Certificate:
    """The learner's own certificate (an admin may see any); others are not found (404)."""
    certificate = services.find_certificate(public_id)
    if certificate is None or not (certificate.user_id == current_user.id or current_user.is_admin):
        abort(404)
    return certificate


@bp.route("/courses/<slug>/certificate")
@login_required
def claim(slug: str) -> str | Response:
    """What stands between the learner and the certificate, and the steps to take."""
    course = get_course(slug)
    enrollment = require_enrollment(course)
    certificate = services.current_certificate(current_user.id, course.id)
    if certificate is None and announce(catch_up(current_user)):  # the period has opened
        certificate = services.current_certificate(current_user.id, course.id)
    if certificate is not None:
        return redirect(url_for("certificates.show", public_id=certificate.public_id))
    state = services.gate_state(current_user, course, enrollment)
    return render_template(
        "certificates/claim.html",
        course=course,
        enrollment=enrollment,
        state=state,
        missing=missing_conditions(state),
        form=AttestationForm(),
        evaluation=find_evaluation(current_user, course),
        seconds=services.seconds_on_task(current_user, course),
        modules=modules_of(current_user.id, course.id),
    )


@bp.route("/courses/<slug>/attest", methods=["POST"])
@login_required
def attest(slug: str) -> Response:
    """Attest to completing the activity in full; the certificate follows if nothing is missing."""
    course = get_course(slug)
    enrollment = require_enrollment(course)
    form = AttestationForm()
    if not form.validate_on_submit():
        flash("Tick the box to attest that you completed the activity.", "error")
        return redirect(url_for("certificates.claim", slug=slug))
    try:
        certificate = services.attest(current_user, course, enrollment)
    except CertificateError as error:
        flash(str(error), "error")
        return redirect(url_for("certificates.claim", slug=slug))
    if certificate is None:
        flash("Your attestation is recorded.", "success")
        return redirect(url_for("certificates.claim", slug=slug))
    flash("Your certificate is ready.", "success")
    return redirect(url_for("certificates.show", public_id=certificate.public_id))


@bp.route("/certificates/<public_id>")
@login_required
def show(public_id: str) -> str:
    """The learner's certificate with its downloads."""
    certificate = get_own_certificate(public_id)
    learner = current_user if certificate.user_id == current_user.id else None
    profile_differs = learner is not None and (
        learner.legal_name,
        learner.profession,
        learner.license_number,
        learner.license_state,
    ) != (
        certificate.learner_name,
        certificate.profession,
        certificate.license_number,
        certificate.license_state,
    )
    return render_template(
        "certificates/show.html",
        certificate=certificate,
        display=display_id(certificate.public_id),
        profile_differs=profile_differs,
        is_learner=learner is not None,
        standing=services.standing(certificate),
        requests=corrections.corrections_of(certificate),
    )


def _unavailable(certificate: Certificate) -> Response:
    """A replaced or revoked certificate's downloads are refused, saying why (410 Gone)."""
    page = render_template(
        "certificates/unavailable.html",
        certificate=certificate,
        standing=services.standing(certificate),
        replacement=services.replacement_of(certificate),
    )
    return Response(page, status=410)


@bp.route("/certificates/<public_id>/certificate.pdf")
@login_required
def pdf(public_id: str) -> Response:
    """The one-page PDF; refused, with the reason, once the certificate is replaced or revoked."""
    certificate = get_own_certificate(public_id)
    if certificate.status != State.VALID:
        return _unavailable(certificate)
    stored = storage.certificate_pdf(certificate)
    name = f"groundwork-certificate-{display_id(certificate.public_id)}.pdf"
    response = Response(
        stored.body,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
    # Personal (a name and a license number): no cache keeps it, as for every signed-in
    # response (docs/security.md); the ETag still answers a client that asks again with a 304.
    response.headers["Cache-Control"] = "no-store"
    response.set_etag(stored.sha256)
    return response.make_conditional(request)


@bp.route("/certificates/<public_id>/credential.json")
@login_required
def credential(public_id: str) -> Response:
    """The certificate as a signed Open Badges 3.0 credential (a valid certificate only)."""
    certificate = get_own_certificate(public_id)
    if certificate.status != State.VALID:
        return _unavailable(certificate)
    body = credential_json(services.signed_credential(certificate))
    name = f"groundwork-credential-{display_id(certificate.public_id)}.json"
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.route("/certificates/<public_id>/correction", methods=["GET", "POST"])
@login_required
def correction(public_id: str) -> str | Response:
    """Ask for a correction of one's own certificate; an administrator reviews it."""
    certificate = services.find_certificate(public_id)
    if certificate is None or certificate.user_id != current_user.id:
        abort(404)
    form = CorrectionForm(obj=current_user) if request.method == "GET" else CorrectionForm()
    if form.validate_on_submit():
        details = corrections.Details(
            learner_name=form.legal_name.data,
            profession=form.profession.data,
            license_number=form.license_number.data or None,
            license_state=(form.license_state.data or None) if form.license_number.data else None,
        )
        try:
            corrections.request_correction(current_user, certificate, details, form.reason.data)
        except CertificateError as error:
            form.reason.errors = [*form.reason.errors, str(error)]
        else:
            flash("Your request is sent; an administrator will review it.", "success")
            return redirect(url_for("certificates.show", public_id=public_id))
    return render_template(
        "certificates/correction.html",
        certificate=certificate,
        display=display_id(certificate.public_id),
        form=form,
        pending=corrections.open_correction(certificate),
    )


def _verify_limit() -> str:
    return current_app.config["VERIFY_LIMIT_PER_IP"]


#: One budget per address across every way of looking a certificate up.
verification_limit = limiter.shared_limit(_verify_limit, scope="verification")


@bp.route("/verify")
@verification_limit
def lookup() -> str | Response | tuple[str, int]:
    """Look a certificate up by the ID printed on it."""
    typed = request.args.get("id", "", type=str)[:200]
    if not typed:
        return render_template("certificates/lookup.html", typed="")
    public_id = parse_certificate_id(typed)
    if public_id is None:
        return render_template("certificates/lookup.html", typed=typed, malformed=True), 404
    return redirect(url_for("certificates.verify", public_id=public_id))


@bp.route("/verify/<public_id>")
@verification_limit
def verify(public_id: str) -> str | tuple[str, int]:
    """Public verification: status, name, course, CE hours and date, and nothing more."""
    certificate = services.find_certificate(public_id)
    if certificate is None:
        return render_template("certificates/lookup.html", typed=public_id, unknown=True), 404
    return render_template(
        "certificates/verify.html",
        certificate=certificate,
        display=display_id(certificate.public_id),
        standing=services.standing(certificate),
    )


@bp.route("/verify/credential", methods=["GET", "POST"])
@limiter.shared_limit(_verify_limit, scope="verification", methods=["POST"])
def check_credential() -> str | tuple[str, int]:
    """Check a credential: its signature by this site's keys and its certificate's state."""
    form = CredentialCheckForm()
    result: VerificationResult | None = None
    if form.validate_on_submit():
        raw = form.upload.data.read() if form.upload.data else (form.credential.data or "")
        try:
            result = services.check_credential(parse_credential(raw))
        except UnreadableCredential as error:
            form.credential.errors.append(str(error))
            return render_template("certificates/check_credential.html", form=form), 400
    elif form.is_submitted():
        return render_template("certificates/check_credential.html", form=form), 400
    return render_template("certificates/check_credential.html", form=form, result=result)


@bp.route("/api/credentials/verify", methods=["POST"])
@csrf.exempt  # a public, read-only check that uses no session: nothing for CSRF to forge
@limiter.shared_limit(_verify_limit, scope="verification")
def check_credential_api() -> tuple[Response, int]:
    """The credential check as JSON: POST the credential, read the signature and the state."""
    try:
        signed = parse_credential(request.get_data(cache=False))
    except UnreadableCredential as error:
        return jsonify(error=str(error)), 400
    result = services.check_credential(signed)
    standing = result.standing
    return jsonify(
        status=result.status,
        valid=result.valid,
        reason=result.reason,
        signature={"verified": result.signature.verified, "reason": result.signature.reason},
        certificate=None
        if standing is None
        else {
            "id": standing.certificate,
            "state": standing.state.value,
            "replaced_by": standing.replaced_by,
            "revoked_on": standing.revoked_on.isoformat() if standing.revoked_on else None,
            "revoked_reason": standing.revoked_reason,
        },
    ), 200


def _public_json(document: object, mimetype: str = "application/json") -> Response:
    """JSON any site may fetch (CORS) and cache for an hour: keys and contexts are public."""
    response = jsonify(document)
    response.mimetype = mimetype
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.route("/.well-known/did.json")
def did_document() -> Response:
    """The issuer's DID document (did:web): every key that signs or signed its credentials."""
    return _public_json(services.key_ring().did_document(), "application/did+ld+json")


@bp.route("/keys/certificates")
def signing_key() -> Response:
    """The same DID document at the address earlier credentials pointed readers to."""
    return _public_json(services.key_ring().did_document())


@bp.route("/contexts/<name>")
def context(name: str) -> Response:
    """A JSON-LD context a verifier needs, as bundled here (the same bytes, never fetched)."""
    if name not in BUNDLED_CONTEXTS.values():
        abort(404)
    return _public_json(json.loads((CONTEXTS_DIR / name).read_text()), "application/ld+json")


def _date_arg(name: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def _transcript_rows() -> tuple[list[TranscriptRow], dt.date | None, dt.date | None]:
    start, end = _date_arg("start"), _date_arg("end")
    if start and end and start > end:
        start, end = end, start
    certificates = services.certificates_between(current_user, start, end)
    times: dict[int, list[LessonTime]] = {}
    for time in lesson_times({c.course_id for c in certificates}, [current_user.id]):
        times.setdefault(time.course_id, []).append(time)
    rows = []
    for c in certificates:
        modules = by_module(times.get(c.course_id, ()))
        rows.append(
            TranscriptRow(
                c.completed_on,
                c.course_title,
                c.course_version,
                c.delivery_format,
                c.ce_hours,
                c.public_id,
                c.status,
                seconds_on_task=sum(m.seconds for m in modules),
                modules=modules,
                attendance_only=bool(c.attendance_only),
            )
        )
    return rows, start, end


@bp.route("/transcript")
@login_required
def transcript() -> str:
    """The learner's certificates in a date range with total CE hours."""
    rows, start, end = _transcript_rows()
    bad_dates = any(request.args.get(n) and _date_arg(n) is None for n in ("start", "end"))
    return render_template(
        "certificates/transcript.html",
        rows=rows,
        start=start,
        end=end,
        total=total_hours(rows),
        bad_dates=bad_dates,
        closed=services.certificates_of_closed_courses(current_user),
    )


@bp.route("/transcript.csv")
@login_required
def transcript_as_csv() -> Response:
    """The transcript as a CSV file."""
    rows, _, _ = _transcript_rows()
    return Response(
        transcript_csv(rows),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="transcript.csv"'},
    )


@bp.route("/transcript.pdf")
@login_required
def transcript_as_pdf() -> Response:
    """The transcript as a PDF."""
    rows, start, end = _transcript_rows()
    body = transcript_pdf(
        current_user.legal_name,
        current_app.config["PROVIDER_NAME"],
        rows,
        start,
        end,
        utcnow().date(),
    )
    return Response(
        body,
        mimetype="application/pdf",
        # Personal, and made fresh for today: no cache, private or shared, keeps a copy.
        headers={
            "Content-Disposition": 'attachment; filename="transcript.pdf"',
            "Cache-Control": "no-store",
        },
    )
