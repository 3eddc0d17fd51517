"""The audit event table; triggers in the migration make it append-only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow


class AuditEvent(Base):
    """One thing that happened to a record accreditors may ask about."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_subject", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    #: Who did it; None for the system (an import from files, a CLI command).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    #: A dotted verb such as ``user.role_changed`` or ``course.published``.
    action: Mapped[str] = mapped_column(String(60), index=True)
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[str] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: The X-Request-Id of the request that did it (made by nginx), to find its log lines;
    #: None outside a request or without a well-formed id.
    request_id: Mapped[str | None] = mapped_column(String(64))
