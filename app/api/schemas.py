"""The JSON Schemas of what the API reads and writes: the OpenAPI document's components.

Handlers build their responses with the functions in ``app.api.views``; the tests
validate every response against these schemas (Schemathesis and tests/api), so a field
added to one and not the other fails there.
"""

from __future__ import annotations

from typing import Any

WEBHOOK_EVENTS = ("course.completed", "certificate.issued", "certificate.revoked")


def _string(description: str, **more: Any) -> dict[str, Any]:
    return {"type": "string", "description": description, **more}


def _nullable(kind: str, description: str, **more: Any) -> dict[str, Any]:
    return {"type": [kind, "null"], "description": description, **more}


def _object(properties: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "type": "object",
        "description": description,
        "properties": properties,
        "required": sorted(properties),
        "additionalProperties": False,
    }


def ref(name: str) -> dict[str, str]:
    """A reference to a component schema."""
    return {"$ref": f"#/components/schemas/{name}"}


def page_of(name: str) -> dict[str, Any]:
    """A page of a list: its items and the cursor of the next page (null on the last)."""
    return _object(
        {
            "items": {"type": "array", "items": ref(name)},
            "next_cursor": _nullable("string", "Pass as `cursor` for the next page."),
        },
        f"One page of {name} items.",
    )


_DATE_TIME = {"type": "string", "format": "date-time"}
_HOURS = {"type": "number", "minimum": 0, "description": "CE hours, to two decimals."}
_ID = {"type": "integer", "minimum": 1}

COMPONENTS: dict[str, dict[str, Any]] = {
    "OpenAPI": {
        "type": "object",
        "description": "An OpenAPI 3.1 document (this one).",
        "required": ["openapi", "info", "paths", "components"],
        "properties": {"openapi": {"type": "string", "pattern": "^3\\.1\\."}},
    },
    "Problem": {
        "type": "object",
        "description": "RFC 9457 problem details.",
        "properties": {
            "type": _string("A URI naming the kind of problem, or about:blank."),
            "title": _string("A short summary of the kind of problem."),
            "status": {"type": "integer", "minimum": 400, "maximum": 599},
            "detail": _string("What went wrong with this request, safe to show."),
            "error": _string("The OAuth 2.0 error code (token endpoint and bearer tokens)."),
        },
        "required": ["type", "title", "status"],
    },
    "Course": _object(
        {
            "slug": _string("The course's identifier in URLs."),
            "title": _string("Title."),
            "summary": _string("One-line summary."),
            "ce_hours": _HOURS,
            "level": _string("Audience level."),
            "delivery_format": _string("How the activity is delivered."),
            "topics": {"type": "array", "items": {"type": "string"}},
            "version": {"type": "integer", "minimum": 1},
            "url": _string("The course page.", format="uri"),
        },
        "A published course in the catalog.",
    ),
    "CourseDetail": _object(
        {
            "slug": _string("The course's identifier in URLs."),
            "title": _string("Title."),
            "summary": _string("One-line summary."),
            "description": _string("Description (Markdown)."),
            "ce_hours": _HOURS,
            "level": _string("Audience level."),
            "delivery_format": _string("How the activity is delivered."),
            "topics": {"type": "array", "items": {"type": "string"}},
            "objectives": {"type": "array", "items": {"type": "string"}},
            "pass_mark": {"type": "integer", "minimum": 0, "maximum": 100},
            "version": {"type": "integer", "minimum": 1},
            "modules": {
                "type": "array",
                "items": _object(
                    {
                        "title": _string("Module title."),
                        "lessons": {"type": "array", "items": {"type": "string"}},
                    },
                    "A module and its lesson titles.",
                ),
            },
            "url": _string("The course page.", format="uri"),
        },
        "A published course with its outline.",
    ),
    "Me": _object(
        {
            "id": _ID,
            "email": _string("Email address.", format="email"),
            "name": _string("Name as printed on certificates."),
            "role": _string("Role.", enum=["learner", "instructor", "admin"]),
            "profession": _string("Profession."),
            "license_number": _nullable("string", "License number."),
            "license_state": _nullable("string", "License state (postal code)."),
        },
        "The token's owner.",
    ),
    "Enrollment": _object(
        {
            "course": _string("Course slug."),
            "course_title": _string("Course title."),
            "enrolled_at": _DATE_TIME,
            "completed_at": _nullable(
                "string", "When the course was completed.", format="date-time"
            ),
            "steps_done": {"type": "integer", "minimum": 0},
            "steps_total": {"type": "integer", "minimum": 0},
            "percent": {"type": "integer", "minimum": 0, "maximum": 100},
        },
        "One of the learner's enrollments with their progress.",
    ),
    "Attempt": _object(
        {
            "id": _ID,
            "course": _string("Course slug."),
            "quiz": _string("Quiz title."),
            "number": {"type": "integer", "minimum": 1},
            "submitted_at": _DATE_TIME,
            "score": {"type": "number", "minimum": 0, "maximum": 100},
            "pass_mark": {"type": "integer", "minimum": 0, "maximum": 100},
            "passed": {"type": "boolean"},
        },
        "A graded quiz attempt.",
    ),
    "Certificate": _object(
        {
            "id": _string("Certificate ID as printed (GW-...)."),
            "course": _string("Course slug."),
            "course_title": _string("Course title as printed."),
            "course_version": {"type": "integer", "minimum": 1},
            "completed_on": _string("Completion date.", format="date"),
            "ce_hours": _HOURS,
            "status": _string("Current state.", enum=["valid", "replaced", "revoked"]),
            "verify_url": _string("Public verification page.", format="uri"),
        },
        "A certificate of the learner.",
    ),
    "Transcript": _object(
        {
            "from": _nullable("string", "First day included.", format="date"),
            "to": _nullable("string", "Last day included.", format="date"),
            "credited_hours": _HOURS,
            "certificates": {"type": "array", "items": ref("Certificate")},
        },
        "The learner's certificates in a range; only valid ones count towards the hours.",
    ),
    "Verification": _object(
        {
            "id": _string("Certificate ID as printed."),
            "status": _string("Current state.", enum=["valid", "replaced", "revoked"]),
            "learner_name": _string("Name as printed."),
            "course_title": _string("Course title as printed."),
            "completed_on": _string("Completion date.", format="date"),
            "ce_hours": _HOURS,
            "replaced_by": _nullable("string", "The certificate that replaced it."),
            "revoked_on": _nullable("string", "When it was revoked.", format="date"),
        },
        "What public verification shows, and nothing more.",
    ),
    "User": _object(
        {
            "id": _ID,
            "email": _string("Email address.", format="email"),
            "name": _string("Name as printed on certificates."),
            "role": _string("Role.", enum=["learner", "instructor", "admin"]),
            "active": {"type": "boolean"},
            "profession": _string("Profession."),
            "license_number": _nullable("string", "License number."),
            "license_state": _nullable("string", "License state (postal code)."),
            "created_at": _DATE_TIME,
        },
        "An account.",
    ),
    "ProviderEnrollment": _object(
        {
            "id": _ID,
            "user_id": _ID,
            "email": _string("Learner's email.", format="email"),
            "course": _string("Course slug."),
            "enrolled_at": _DATE_TIME,
            "completed_at": _nullable(
                "string", "When the course was completed.", format="date-time"
            ),
        },
        "An enrollment, for the provider.",
    ),
    "CeRecord": _object(
        {
            "id": _string("Certificate ID as printed."),
            "name": _string("Name as printed."),
            "email": _string("Learner's email (empty once anonymised)."),
            "profession": _string("Profession as printed."),
            "license_number": _nullable("string", "License number as printed."),
            "license_state": _nullable("string", "License state as printed."),
            "course": _string("Course slug."),
            "course_version": {"type": "integer", "minimum": 1},
            "completed_on": _string("Completion date.", format="date"),
            "ce_hours": _HOURS,
            "status": _string("Current state.", enum=["valid", "replaced", "revoked"]),
        },
        "A CE record: one row of the accreditor's completions CSV.",
    ),
    "Webhook": _object(
        {
            "id": _ID,
            "url": _string("Where deliveries are POSTed.", format="uri"),
            "events": {"type": "array", "items": _string("Event.", enum=list(WEBHOOK_EVENTS))},
            "created_at": _DATE_TIME,
        },
        "A webhook subscription.",
    ),
    "WebhookCreated": _object(
        {
            "id": _ID,
            "url": _string("Where deliveries are POSTed.", format="uri"),
            "events": {"type": "array", "items": _string("Event.", enum=list(WEBHOOK_EVENTS))},
            "created_at": _DATE_TIME,
            "secret": _string("The signing secret. Shown once: store it now."),
        },
        "A new subscription with its signing secret.",
    ),
    "WebhookCreate": {
        "type": "object",
        "description": "A new subscription.",
        "properties": {
            "url": {
                "type": "string",
                "minLength": 8,
                "maxLength": 500,
                "description": "An https:// URL on a public host that accepts POSTs. "
                "Hosts inside a network (localhost, private, loopback, link-local or "
                "unique-local addresses, in any spelling) are refused, and at every "
                "delivery the name is resolved and refused if any address is not public.",
            },
            "events": {
                "type": "array",
                "items": {"type": "string", "enum": list(WEBHOOK_EVENTS)},
                "minItems": 1,
                "maxItems": len(WEBHOOK_EVENTS),
                "uniqueItems": True,
            },
        },
        "required": ["url", "events"],
        "additionalProperties": False,
    },
    "TokenRequest": {
        "type": "object",
        "description": "OAuth 2.0 client credentials grant (RFC 6749 section 4.4).",
        "properties": {
            "grant_type": {"type": "string", "enum": ["client_credentials"]},
            "client_id": {"type": "string", "maxLength": 40},
            "client_secret": {"type": "string", "maxLength": 100},
            "scope": {"type": "string", "enum": ["read", "read write"]},
        },
        "required": ["grant_type"],
    },
    "Token": _object(
        {
            "access_token": _string("The bearer token."),
            "token_type": _string("Always Bearer.", enum=["Bearer"]),
            "expires_in": {"type": "integer", "minimum": 1},
            "scope": _string("Granted scopes.", enum=["read", "read write"]),
        },
        "An access token (RFC 6749 section 5.1).",
    ),
}
for _name in ("Course", "Enrollment", "Attempt", "Certificate", "User"):
    COMPONENTS[f"{_name}Page"] = page_of(_name)
for _name in ("ProviderEnrollment", "CeRecord", "Webhook"):
    COMPONENTS[f"{_name}Page"] = page_of(_name)
