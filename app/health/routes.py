"""``/healthz`` (the process answers) and ``/readyz`` (it can serve learners).

Both are plain text, never cached, and set no cookie: a probe every few seconds must not
create sessions, touch rate limits, or write anything.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app

from app.extensions import limiter
from app.health import checks

bp = Blueprint("health", __name__)


def _plain(body: str, status: int) -> Response:
    """A short uncached text answer."""
    response = Response(body + "\n", status=status, mimetype="text/plain")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
@limiter.exempt
def healthz() -> Response:
    """Liveness: the worker runs Python and answers; checks nothing outside it."""
    return _plain("ok", 200)


@bp.get("/readyz")
@limiter.exempt
def readyz() -> Response:
    """Readiness: database and Redis reachable and the schema at this code's head, else 503."""
    heads = current_app.extensions.setdefault("health_heads", checks.expected_heads())
    known = current_app.extensions.setdefault("health_known", checks.known_revisions())
    problems = [
        checks.database_problem(current_app.extensions["db_engine"], heads, known),
        checks.redis_problem(
            getattr(limiter, "storage", None), current_app.config["RATELIMIT_STORAGE_URI"]
        ),
    ]
    reasons = [problem for problem in problems if problem]
    if reasons:
        return _plain("not ready: " + "; ".join(reasons), 503)
    return _plain("ready", 200)
