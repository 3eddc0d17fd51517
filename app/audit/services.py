"""Recording audit events inside the caller's transaction."""

from __future__ import annotations

from typing import Any

from app.audit.models import AuditEvent
from app.db import db


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
    )
    db.session.add(event)
    return event
