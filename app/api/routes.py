"""The JSON API at ``/api/v1``: every operation, declared with ``@operation``.

Views parse nothing themselves: the wrapper has authenticated the token, checked the
role and scope, and parsed the parameters and body as the OpenAPI document states. A
learner's operations read only the token owner's rows (``/me/...``): there is no id
of another learner to try.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any
from urllib.parse import unquote_plus

from flask import Blueprint, Response, current_app, jsonify, request
from flask_limiter.util import get_remote_address

from app.api import queries, services
from app.api.cursors import BadCursor, make_cursor, read_cursor
from app.api.operations import (
    PROVIDER_READ,
    PROVIDER_WRITE,
    PUBLIC,
    SIGNED_IN,
    ApiProblem,
    Call,
    openapi_document,
    operation,
)
from app.api.params import COURSE_FILTER, PAGING, Param, date_range
from app.api.services import ApiError
from app.catalog.models import Course
from app.certificates.document import verification_url_for
from app.certificates.identifiers import display_id
from app.certificates.models import Certificate
from app.certificates.services import find_certificate
from app.certificates.services import standing as certificate_standing
from app.certificates.standing import credited_hours, state_of
from app.extensions import csrf, limiter
from app.learning.outlines import outline
from app.learning.progress import CourseProgress
from app.learning.queries import courses_with_content, learner_records
from app.links import site_url

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # bearer tokens only, never the session cookie: nothing for CSRF to forge


def _rate_key() -> str:
    """Count each token's requests on its own (its selector), others' by address."""
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    selector = services.selector_of(credentials.strip()) if scheme.lower() == "bearer" else None
    return f"token:{selector}" if selector else f"address:{get_remote_address()}"


def _api_limit() -> str:
    return str(current_app.config.get("API_RATE_LIMIT", "300 per minute"))


def _verify_limit() -> str:
    return str(current_app.config["VERIFY_LIMIT_PER_IP"])


limiter.limit(_api_limit, key_func=_rate_key)(bp)


@bp.errorhandler(ApiProblem)
def _problem(error: ApiProblem) -> Response:
    return error.response()


def _hours(value: Decimal) -> float:
    return float(value)


def _when(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _paged(
    call: Call,
    operation_id: str,
    fetch: Callable[[int, int], Sequence[Any]],
    show: Callable[[Any], Any],
) -> dict[str, Any]:
    """One page of a list: ``fetch(after, limit)`` returns up to limit + 1 rows by id."""
    secret = current_app.config["SECRET_KEY"]
    filters = {k: v for k, v in call.args.items() if k not in ("cursor", "limit")}
    after = 0
    if call.args.get("cursor"):
        try:
            after = read_cursor(secret, operation_id, filters, call.args["cursor"])
        except BadCursor as error:
            raise ApiProblem(400, str(error), kind="bad-cursor") from error
    limit = call.args["limit"]
    rows = list(fetch(after, limit))
    more = len(rows) > limit
    rows = rows[:limit]
    last_id = _row_id(rows[-1]) if rows else after
    return {
        "items": [show(row) for row in rows],
        "next_cursor": make_cursor(secret, operation_id, filters, last_id) if more else None,
    }


def _row_id(row: Any) -> int:
    first = row[0] if isinstance(row, tuple) or hasattr(row, "_fields") else row
    return int(first.id)


def _course(row: Any) -> dict[str, Any]:
    course: Course = row[0]
    return {
        "slug": course.slug,
        "title": course.title,
        "summary": course.summary,
        "ce_hours": _hours(course.ce_hours),
        "level": course.level,
        "delivery_format": course.delivery_format,
        "topics": list(course.topics or []),
        "version": course.version,
        "url": site_url("catalog.course", slug=course.slug),
    }


def _certificate(certificate: Certificate, slug: str) -> dict[str, Any]:
    return {
        "id": display_id(certificate.public_id),
        "course": slug,
        "course_title": certificate.course_title,
        "course_version": certificate.course_version,
        "completed_on": certificate.completed_on.isoformat(),
        "ce_hours": _hours(certificate.ce_hours),
        "status": state_of(certificate).value,
        "verify_url": verification_url_for(
            current_app.config["SITE_URL"], display_id(certificate.public_id)
        ),
    }


def _date_window(call: Call) -> tuple[dt.date | None, dt.date | None]:
    start, end = call.args.get("from"), call.args.get("to")
    if start and end and start > end:
        raise ApiProblem(400, "from is after to.", kind="bad-parameter")
    return start, end


def _course_filter(call: Call) -> int | None:
    slug = call.args.get("course")
    if slug is None:
        return None
    course_id = queries.course_id_of(slug)
    if course_id is None:
        raise ApiProblem(400, "No course has that slug.", kind="bad-parameter")
    return course_id


# --- The document ------------------------------------------------------------------------


@operation(
    bp,
    "/openapi.json",
    summary="This document",
    tag="Meta",
    access=PUBLIC,
    success=(200, "OpenAPI"),
    cors=True,
)
def openapi(call: Call) -> dict[str, Any]:
    """The OpenAPI 3.1 document of this API, generated from the handlers themselves."""
    return openapi_document()


# --- Public: catalog and verification --------------------------------------------------


@operation(
    bp,
    "/courses",
    summary="The catalog",
    tag="Catalog",
    access=PUBLIC,
    success=(200, "CoursePage"),
    params=PAGING,
    cors=True,
)
def list_courses(call: Call) -> dict[str, Any]:
    """Published courses, oldest first."""
    return _paged(call, "list_courses", queries.published_courses, _course)


SLUG = Param(
    "slug", "string", "The course's slug.", location="path", max_length=80, pattern="[a-z0-9-]+"
)


@operation(
    bp,
    "/courses/<slug>",
    summary="One course",
    tag="Catalog",
    access=PUBLIC,
    success=(200, "CourseDetail"),
    params=(SLUG,),
    cors=True,
)
def get_course(call: Call) -> dict[str, Any]:
    """A published course with its objectives and outline."""
    course = queries.published_course(call.args["slug"])
    if course is None:
        raise ApiProblem(404, "No published course has that slug.", kind="not-found")
    return {
        **_course((course,)),
        "description": course.description,
        "objectives": [o.get("text", "") for o in course.objectives or []],
        "pass_mark": course.pass_mark,
        "modules": [
            {"title": m.title, "lessons": [lesson.title for lesson in m.active_lessons]}
            for m in course.active_modules
        ],
    }


CERTIFICATE_ID = Param(
    "certificate_id",
    "string",
    "The certificate ID as printed (GW-...) or as in its link.",
    location="path",
    max_length=80,
    pattern="[A-Za-z0-9-]+",
)


@operation(
    bp,
    "/certificates/<certificate_id>/verification",
    summary="Verify a certificate",
    tag="Verification",
    access=PUBLIC,
    success=(200, "Verification"),
    params=(CERTIFICATE_ID,),
    cors=True,
)
@limiter.shared_limit(_verify_limit, scope="verification")
def verify_certificate(call: Call) -> dict[str, Any]:
    """What the public verification page shows: state, name, course, hours and date.

    Shares the verification pages' budget per address (VERIFY_LIMIT_PER_IP)."""
    certificate = find_certificate(call.args["certificate_id"])
    if certificate is None:
        raise ApiProblem(404, "No certificate has that ID.", kind="not-found")
    standing = certificate_standing(certificate)
    return {
        "id": display_id(certificate.public_id),
        "status": standing.state.value,
        "learner_name": certificate.learner_name,
        "course_title": certificate.course_title,
        "completed_on": certificate.completed_on.isoformat(),
        "ce_hours": _hours(certificate.ce_hours),
        "replaced_by": standing.replaced_by,
        "revoked_on": standing.revoked_on.isoformat() if standing.revoked_on else None,
    }


# --- The token's owner -------------------------------------------------------------------


@operation(
    bp,
    "/me",
    summary="Who the token acts for",
    tag="Learner",
    access=SIGNED_IN,
    success=(200, "Me"),
)
def get_me(call: Call) -> dict[str, Any]:
    """The token owner's account."""
    user = call.who.user
    return {
        "id": user.id,
        "email": user.email,
        "name": user.legal_name,
        "role": user.role,
        "profession": user.profession,
        "license_number": user.license_number,
        "license_state": user.license_state,
    }


@operation(
    bp,
    "/me/enrollments",
    summary="My enrollments and progress",
    tag="Learner",
    access=SIGNED_IN,
    success=(200, "EnrollmentPage"),
    params=PAGING,
)
def list_my_enrollments(call: Call) -> dict[str, Any]:
    """The owner's enrollments, each with the steps done of the course as it is now."""
    user = call.who.user
    page = _paged(
        call, "list_my_enrollments", lambda a, n: queries.enrollments_of(user, a, n), tuple
    )
    rows: list[tuple[Any, Course]] = page["items"]
    enrollments = {course.id: enrollment for enrollment, course in rows}
    courses = {c.id: c for c in courses_with_content(list(enrollments))}
    records = learner_records(user, enrollments)
    items = []
    for enrollment, course in rows:
        progress = CourseProgress(outline(courses[course.id]), records[course.id])
        items.append(
            {
                "course": course.slug,
                "course_title": course.title,
                "enrolled_at": enrollment.enrolled_at.isoformat(),
                "completed_at": _when(enrollment.completed_at),
                "steps_done": progress.steps_done,
                "steps_total": progress.steps_total,
                "percent": progress.percent,
            }
        )
    return {"items": items, "next_cursor": page["next_cursor"]}


def _attempt(row: Any) -> dict[str, Any]:
    attempt, quiz_title, slug = row
    return {
        "id": attempt.id,
        "course": slug,
        "quiz": quiz_title,
        "number": attempt.number,
        "submitted_at": attempt.submitted_at.isoformat(),
        "score": float(attempt.score or 0),
        "pass_mark": attempt.pass_mark,
        "passed": bool(attempt.passed),
    }


@operation(
    bp,
    "/me/attempts",
    summary="My quiz results",
    tag="Learner",
    access=SIGNED_IN,
    success=(200, "AttemptPage"),
    params=PAGING,
)
def list_my_attempts(call: Call) -> dict[str, Any]:
    """The owner's graded quiz attempts: score, pass mark and whether it passed."""
    user = call.who.user
    return _paged(call, "list_my_attempts", lambda a, n: queries.attempts_of(user, a, n), _attempt)


@operation(
    bp,
    "/me/certificates",
    summary="My certificates",
    tag="Learner",
    access=SIGNED_IN,
    success=(200, "CertificatePage"),
    params=PAGING,
)
def list_my_certificates(call: Call) -> dict[str, Any]:
    """The owner's certificates, replaced and revoked ones included with their state."""
    user = call.who.user
    return _paged(
        call,
        "list_my_certificates",
        lambda a, n: queries.certificates_of(user, a, n),
        lambda row: _certificate(row[0], row[1]),
    )


@operation(
    bp,
    "/me/transcript",
    summary="My transcript",
    tag="Learner",
    access=SIGNED_IN,
    success=(200, "Transcript"),
    params=date_range("certificates completed"),
)
def get_my_transcript(call: Call) -> dict[str, Any]:
    """The owner's current certificates completed in the range, with the CE hours they
    earn (valid certificates only, as on the transcript page)."""
    start, end = _date_window(call)
    rows = queries.transcript_of(call.who.user, start, end)
    return {
        "from": start.isoformat() if start else None,
        "to": end.isoformat() if end else None,
        "credited_hours": _hours(credited_hours(row[0] for row in rows)),
        "certificates": [_certificate(row[0], row[1]) for row in rows],
    }


# --- The provider's records (administrators) ---------------------------------------------


def _user(row: Any) -> dict[str, Any]:
    user = row[0]
    return {
        "id": user.id,
        "email": user.email,
        "name": user.legal_name,
        "role": user.role,
        "active": user.is_active,
        "profession": user.profession,
        "license_number": user.license_number,
        "license_state": user.license_state,
        "created_at": user.created_at.isoformat(),
    }


@operation(
    bp,
    "/users",
    summary="Accounts",
    tag="Provider",
    access=PROVIDER_READ,
    success=(200, "UserPage"),
    params=PAGING,
)
def list_users(call: Call) -> dict[str, Any]:
    """Every account, oldest first."""
    return _paged(call, "list_users", queries.users, _user)


def _enrollment(row: Any) -> dict[str, Any]:
    enrollment, email, slug = row
    return {
        "id": enrollment.id,
        "user_id": enrollment.user_id,
        "email": email,
        "course": slug,
        "enrolled_at": enrollment.enrolled_at.isoformat(),
        "completed_at": _when(enrollment.completed_at),
    }


@operation(
    bp,
    "/enrollments",
    summary="Enrollments",
    tag="Provider",
    access=PROVIDER_READ,
    success=(200, "ProviderEnrollmentPage"),
    params=(*PAGING, COURSE_FILTER, *date_range("enrollments begun")),
)
def list_enrollments(call: Call) -> dict[str, Any]:
    """Enrollments begun in the range (the participants CSV's rows), oldest first."""
    course_id, (start, end) = _course_filter(call), _date_window(call)
    return _paged(
        call,
        "list_enrollments",
        lambda a, n: queries.enrollments(course_id, start, end, a, n, completed=False),
        _enrollment,
    )


@operation(
    bp,
    "/completions",
    summary="Course completions",
    tag="Provider",
    access=PROVIDER_READ,
    success=(200, "ProviderEnrollmentPage"),
    params=(*PAGING, COURSE_FILTER, *date_range("courses completed")),
)
def list_completions(call: Call) -> dict[str, Any]:
    """Enrollments whose course was completed in the range (every module and the final
    post-test done; the certificate may wait for the evaluation and attestation)."""
    course_id, (start, end) = _course_filter(call), _date_window(call)
    return _paged(
        call,
        "list_completions",
        lambda a, n: queries.enrollments(course_id, start, end, a, n, completed=True),
        _enrollment,
    )


def _ce_record(row: Any) -> dict[str, Any]:
    certificate, email, slug = row
    return {
        "id": display_id(certificate.public_id),
        "name": certificate.learner_name,
        "email": email or "",
        "profession": certificate.profession,
        "license_number": certificate.license_number,
        "license_state": certificate.license_state,
        "course": slug,
        "course_version": certificate.course_version,
        "completed_on": certificate.completed_on.isoformat(),
        "ce_hours": _hours(certificate.ce_hours),
        "status": state_of(certificate).value,
    }


@operation(
    bp,
    "/ce-records",
    summary="CE records",
    tag="Provider",
    access=PROVIDER_READ,
    success=(200, "CeRecordPage"),
    params=(*PAGING, COURSE_FILTER, *date_range("certificates completed")),
)
def list_ce_records(call: Call) -> dict[str, Any]:
    """Current certificates completed in the range, revoked ones included with their
    state: the rows of the accreditor's completions CSV (Records > Completions)."""
    course_id, (start, end) = _course_filter(call), _date_window(call)
    return _paged(
        call,
        "list_ce_records",
        lambda a, n: queries.ce_records(course_id, start, end, a, n),
        _ce_record,
    )


# --- Webhook subscriptions -----------------------------------------------------------------


def _webhook(subscription: Any) -> dict[str, Any]:
    return {
        "id": subscription.id,
        "url": subscription.url,
        "events": list(subscription.events),
        "created_at": subscription.created_at.isoformat(),
    }


@operation(
    bp,
    "/webhooks",
    summary="Webhook subscriptions",
    tag="Webhooks",
    access=PROVIDER_READ,
    success=(200, "WebhookPage"),
    params=PAGING,
)
def list_webhooks(call: Call) -> dict[str, Any]:
    """Active subscriptions (their secrets are never shown again)."""
    return _paged(call, "list_webhooks", services.webhooks_after, _webhook)


@operation(
    bp,
    "/webhooks",
    "POST",
    summary="Subscribe",
    tag="Webhooks",
    access=PROVIDER_WRITE,
    success=(201, "WebhookCreated"),
    body="WebhookCreate",
)
def create_webhook(call: Call) -> tuple[dict[str, Any], int]:
    """Deliver the chosen events to a URL, each POST signed (docs/api.md, "Webhooks").

    The response holds the signing secret, once."""
    try:
        subscription, secret = services.create_webhook(
            call.who.user, call.body["url"], call.body["events"], services.internal_hosts_allowed()
        )
    except ApiError as error:
        raise ApiProblem(422, str(error), kind="invalid-body") from error
    return {**_webhook(subscription), "secret": secret}, 201


WEBHOOK_ID = Param(
    "webhook_id", "integer", "The subscription's id.", location="path", minimum=1, maximum=2**31 - 1
)


@operation(
    bp,
    "/webhooks/<int:webhook_id>",
    "DELETE",
    summary="Unsubscribe",
    tag="Webhooks",
    access=PROVIDER_WRITE,
    success=(204, None),
    params=(WEBHOOK_ID,),
)
def delete_webhook(call: Call) -> Response:
    """Stop deliveries to a subscription; deliveries still queued for it are not sent."""
    try:
        services.delete_webhook(call.who.user, call.args["webhook_id"])
    except ApiError as error:
        raise ApiProblem(404, str(error), kind="not-found") from error
    return Response(status=204)


# --- OAuth 2.0 client credentials ----------------------------------------------------------


def _client_credentials() -> tuple[str, str]:
    """The client's id and secret from HTTP Basic (RFC 6749 2.3.1) or the form, not both."""
    header = request.headers.get("Authorization", "")
    form_id, form_secret = request.form.get("client_id"), request.form.get("client_secret")
    if header:
        basic = request.authorization
        if basic is None or basic.type != "basic" or form_secret is not None:
            raise ApiProblem(
                401,
                "Authenticate the client once, with HTTP Basic.",
                error="invalid_client",
                headers={"WWW-Authenticate": 'Basic realm="groundwork-api"'},
            )
        return unquote_plus(basic.username or ""), unquote_plus(basic.password or "")
    if form_id is None or form_secret is None:
        raise ApiProblem(
            401,
            "Send the client id and secret.",
            error="invalid_client",
            headers={"WWW-Authenticate": 'Basic realm="groundwork-api"'},
        )
    return form_id, form_secret


def _oauth_limit() -> str:
    return str(current_app.config.get("OAUTH_TOKEN_LIMIT", "30 per minute"))


@operation(
    bp,
    "/oauth/token",
    "POST",
    summary="Get an access token (client credentials)",
    tag="OAuth",
    access=PUBLIC,
    success=(200, "Token"),
    form="TokenRequest",
)
@limiter.limit(_oauth_limit, key_func=get_remote_address)
def issue_token(call: Call) -> Response:
    """RFC 6749 section 4.4: a registered client trades its id and secret for a bearer
    token that lasts an hour. Errors carry the OAuth `error` code beside the problem
    details (invalid_request, invalid_client, unsupported_grant_type, invalid_scope)."""
    if request.mimetype != "application/x-www-form-urlencoded":
        raise ApiProblem(
            400, "Send the form as application/x-www-form-urlencoded.", error="invalid_request"
        )
    if any(len(v) > 1 for v in request.form.listvalues()):
        raise ApiProblem(400, "Give each parameter once.", error="invalid_request")
    grant = request.form.get("grant_type")
    client_id, secret = _client_credentials()
    if grant != "client_credentials":
        raise ApiProblem(
            400, "Only grant_type=client_credentials is offered.", error="unsupported_grant_type"
        )
    scope = request.form.get("scope")
    try:
        issued = services.issue_client_token(client_id[:100], secret[:200], scope)
    except ApiError as error:
        if str(error) == "invalid_scope":
            raise ApiProblem(
                400, "The client may not have that scope.", error="invalid_scope"
            ) from error
        raise ApiProblem(
            401,
            "Unknown client, wrong secret, or a revoked client.",
            error="invalid_client",
            headers={"WWW-Authenticate": 'Basic realm="groundwork-api"'},
        ) from error
    response = jsonify(
        access_token=issued.secret,
        token_type="Bearer",  # noqa: S106 (the OAuth token type, not a secret)
        expires_in=int(services.CLIENT_TOKEN_LIFETIME.total_seconds()),
        scope=issued.token.scopes,
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response
