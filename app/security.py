"""Security headers on every response, including a Content-Security-Policy with no inline script."""

from __future__ import annotations

from flask import Flask, Response, abort, request
from werkzeug.exceptions import SecurityError

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)


def _refuse_nul() -> None:
    """Refuse (400) any request whose path, query or form holds a NUL character.

    No text on this site contains one, and PostgreSQL refuses to store it, so it can
    only be an attack or a corrupted client; turning it away here keeps it out of
    every form and every query.
    """
    if "\x00" in request.path:
        abort(400)
    for source in (request.args, request.form):
        for key, values in source.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                abort(400)


def _add_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    return response


def _add_hsts(response: Response) -> Response:
    response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def _refuse_foreign_host(_error: SecurityError) -> Response:
    """A request for a host this site is not (TRUSTED_HOSTS): a plain 400.

    Plain text, because no page can be built: Flask makes no URL adapter for such a request.
    """
    return _add_headers(
        Response("This site does not answer to that host name.\n", 400, mimetype="text/plain")
    )


def init_app(app: Flask) -> None:
    """Attach the headers; HSTS only where the site is served over HTTPS (production)."""
    app.register_error_handler(SecurityError, _refuse_foreign_host)
    app.before_request(_refuse_nul)
    app.after_request(_add_headers)
    if app.config.get("GROUNDWORK_ENV") == "production":
        app.after_request(_add_hsts)
