"""RFC 9457 problem details: how the JSON API (``/api/v1``) reports every error.

The error handlers (``app.errors``) answer requests under :data:`API_PREFIX` with a
problem document instead of an HTML page, so a client never has to parse a page: the
status, a short title, a detail safe to show, and a ``type`` naming the kind of problem.
"""

from __future__ import annotations

from typing import Any

from flask import Response, json, request

API_PREFIX = "/api/v1/"
MEDIA_TYPE = "application/problem+json"
#: Problem types are named under this URI; ``about:blank`` means "only the status says it".
TYPE_BASE = "https://groundwork.invalid/problems/"

TITLES: dict[int, str] = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    413: "Request too large",
    415: "Unsupported media type",
    422: "Unprocessable content",
    429: "Too many requests",
    500: "Internal server error",
}


def is_api_request() -> bool:
    """Whether the current request is addressed to the JSON API."""
    return request.path.startswith(API_PREFIX) or request.path == API_PREFIX.rstrip("/")


def problem(
    status: int,
    detail: str | None = None,
    *,
    kind: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    """A problem+json response: ``kind`` names the problem type (``about:blank`` if none)."""
    body: dict[str, Any] = {
        "type": TYPE_BASE + kind if kind else "about:blank",
        "title": TITLES.get(status, "Error"),
        "status": status,
    }
    if detail:
        body["detail"] = detail
    body.update(extra)
    response = Response(json.dumps(body), status=status, mimetype=MEDIA_TYPE)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response
