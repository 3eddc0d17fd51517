"""Recording audit events inside the caller's transaction."""

from __future__ import annotations

import re
from typing import Any

from flask import has_request_context, request

from app.audit.models import AuditEvent
from app.db import db

#: What a request id may look like: nginx's $request_id is 32 hex digits; anything else
#: (a client's own header sent straight to Gunicorn, say) is not stored.
_REQUEST_ID = re.compile(r"[A-Za-z0-9-]{8,64}")


def current_request_id() -> str | None:
    """The current request's well-formed X-Request-Id, or None."""
    if not has_request_context():
        return None
    value = request.headers.get("X-Request-Id", "")
    return value if _REQUEST_ID.fullmatch(value) else None


def record(
    action: str, subject_type: str, subject_id: object, actor_id: int | None = None, **details: Any
) -> AuditEvent:
    """Add an audit event to the current transaction; the calling service commits."""
    event = AuditEvent(
        action=action,
        subject_type=subject_type,
        subject_id=str(subject_id),
        actor_id=actor_id,
        details=details,
        request_id=current_request_id(),
    )
    db.session.add(event)
    return event
