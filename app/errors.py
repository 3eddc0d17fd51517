"""Friendly error pages: each says what happened and what to do next."""

from __future__ import annotations

import logging
import math
import time

from flask import Flask, Response, g, make_response, render_template
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, MethodNotAllowed

from app.problems import is_api_request, problem

log = logging.getLogger(__name__)

MESSAGES: dict[int, tuple[str, str]] = {
    400: (
        "That request could not be used",
        "Something in it was missing or malformed. Go back, reload the page and try again.",
    ),
    403: (
        "You do not have access to this page",
        "If you think you should, sign in with the right account or ask the site administrator.",
    ),
    404: (
        "We could not find that page",
        "The address may be mistyped, or the page may have "
        "moved. The course catalog is a good place to start again.",
    ),
    405: ("That action is not available here", "Use the buttons and links on the page."),
    413: ("That upload is too large", "Choose a smaller file and try again."),
    429: (
        "Too many attempts",
        "For your account's safety, please wait a few minutes before trying again.",
    ),
    500: (
        "Something went wrong on our side",
        "Nothing you did caused this, and nothing was "
        "saved by the request that failed. Please try again in a moment.",
    ),
}


def render_error(code: int, detail: str | None = None) -> tuple[str, int]:
    """Render the error page for ``code``."""
    title, message = MESSAGES.get(code, MESSAGES[500])
    return render_template(
        "errors/error.html", code=code, title=title, message=message, detail=detail
    ), code


def _handle_http(error: HTTPException) -> tuple[str, int] | Response:
    code = error.code or 500
    if code >= 500:
        return _handle_unexpected(error)
    if is_api_request():
        allow = {}
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            allow["Allow"] = ", ".join(error.valid_methods)
        return problem(code, error.description, headers=allow)
    return render_error(code)


def _handle_rate_limited(error: RateLimitExceeded) -> Response:
    """The 429 page, with Retry-After: the seconds until the limit that refused resets.

    Only refusals carry it (the limiter's headers on every response would cost a store
    round trip per request).
    """
    from app.extensions import limiter

    response = problem(429) if is_api_request() else make_response(*render_error(429))
    refused = limiter.current_limit
    if refused is not None:
        seconds = math.ceil(refused.reset_at - time.time())
        response.headers["Retry-After"] = str(max(1, seconds))
    return response


def _handle_csrf(error: CSRFError) -> tuple[str, int]:
    return render_error(
        400,
        "The form had expired or was not sent from this site. Reload the page and submit it again.",
    )


def _handle_unexpected(error: Exception) -> tuple[str, int] | Response:
    session = g.get("db_session")
    if session is not None:
        session.rollback()
    original = getattr(error, "original_exception", None) or error
    log.error("Unhandled error", exc_info=original)
    if is_api_request():
        return problem(500, "Nothing was saved by the request that failed.")
    return render_error(500)


def init_app(app: Flask) -> None:
    """Register the handlers."""
    app.register_error_handler(CSRFError, _handle_csrf)
    app.register_error_handler(RateLimitExceeded, _handle_rate_limited)
    app.register_error_handler(HTTPException, _handle_http)
    app.register_error_handler(InternalServerError, _handle_unexpected)
    app.register_error_handler(Exception, _handle_unexpected)
