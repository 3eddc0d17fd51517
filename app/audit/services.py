"""Recording audit events inside the caller's transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.db import db
from app.pagination import Page, paginate


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


def search_events(action: str, page: int, per_page: int = 50) -> Page[AuditEvent]:
    """Audit events, newest first, optionally of one action."""
    statement = select(AuditEvent).order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    if action:
        statement = statement.where(AuditEvent.action == action)
    return paginate(statement, page=page, per_page=per_page)


def known_actions() -> list[str]:
    """Every action recorded so far, for the filter."""
    return list(
        db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    )
