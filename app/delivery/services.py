"""Content advisories remembered per learner and step, and the provider's crisis lines.

Advisories are keyed by step kind and id (``lesson``, ``quiz``, and ``case`` for case
simulations), so any page that enters a step asks `pending_advisory` and renders the
``delivery/_advisory.html`` partial when it returns labels.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from flask import current_app
from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from app.accounts.models import User
from app.audit.services import record
from app.catalog.models import Course, CourseStatus, Lesson, Quiz
from app.content.advisories import STEP_KINDS, advisory_labels
from app.db import db, utcnow
from app.delivery.lines import ParsedLine
from app.delivery.models import AdvisoryChoice, CrisisLine


class DeliveryError(Exception):
    """A refused change; the message is safe to show."""


NOW, LATER = "now", "later"

#: Step kind -> whether a step of that kind with this id exists. Lessons and quizzes are
#: built in; case simulations add theirs at start-up with `supply_step_kind`.
_STEP_EXISTS: dict[str, Callable[[int], bool]] = {
    "lesson": lambda step_id: db.session.get(Lesson, step_id) is not None,
    "quiz": lambda step_id: db.session.get(Quiz, step_id) is not None,
}


def supply_step_kind(kind: str, exists: Callable[[int], bool]) -> None:
    """Let advisories be answered for steps of ``kind`` (one of `STEP_KINDS`)."""
    if kind not in STEP_KINDS:
        raise ValueError(f"unknown step kind {kind!r}")
    _STEP_EXISTS[kind] = exists


def step_exists(kind: str, step_id: int) -> bool:
    """Whether an advisory can be answered for this step."""
    check = _STEP_EXISTS.get(kind)
    return check is not None and check(step_id)


def course_for_pause(slug: str) -> Course | None:
    """The published (or archived) course whose grounding text the Pause page shows."""
    if not slug:
        return None
    return db.session.scalar(
        select(Course).where(
            Course.slug == slug,
            Course.status.in_((CourseStatus.PUBLISHED.value, CourseStatus.ARCHIVED.value)),
        )
    )


def _choice(user: User, step_kind: str, step_id: int) -> AdvisoryChoice | None:
    return db.session.scalar(
        select(AdvisoryChoice).where(
            AdvisoryChoice.user_id == user.id,
            AdvisoryChoice.step_kind == step_kind,
            AdvisoryChoice.step_id == step_id,
        )
    )


def pending_advisory(
    user: User, step_kind: str, step_id: int, codes: Sequence[str]
) -> list[str] | None:
    """What the step depicts, if the learner has yet to choose to continue; else None.

    None when the step declares no advisory or the learner already chose "continue now"
    for it; a "later" choice asks again on the next visit.
    """
    labels = advisory_labels(codes)
    if not labels:
        return None
    found = _choice(user, step_kind, step_id)
    return None if found is not None and found.choice == NOW else labels


def choose(user: User, step_kind: str, step_id: int, choice: str) -> None:
    """Remember the learner's choice at a step's advisory (the latest choice wins)."""
    if step_kind not in STEP_KINDS or choice not in (NOW, LATER):
        raise DeliveryError("That choice is not one this page offers.")
    found = _choice(user, step_kind, step_id)
    if found is None:
        try:
            db.session.execute(
                insert(AdvisoryChoice).values(
                    user_id=user.id,
                    step_kind=step_kind,
                    step_id=step_id,
                    choice=choice,
                    chosen_at=utcnow(),
                )
            )
            db.session.commit()
            return
        except IntegrityError:  # another tab chose at the same moment: update that row
            db.session.rollback()
            found = _choice(user, step_kind, step_id)
            if found is None:
                raise DeliveryError("That choice could not be saved. Please try again.") from None
    found.choice = choice
    found.chosen_at = utcnow()
    db.session.commit()


#: Each worker keeps the lines for this many seconds (every page shows them, so this saves
#: a statement per page); a change shows on every worker within it, at once on the one
#: that saved it.
CRISIS_LINES_TTL = 60.0
_CACHE_KEY = "groundwork.crisis_lines"


def crisis_lines() -> tuple[ParsedLine, ...]:
    """The provider's crisis lines in order (kept per worker for `CRISIS_LINES_TTL`)."""
    cache: dict[str, tuple[float, tuple[ParsedLine, ...]]] = current_app.extensions.setdefault(
        _CACHE_KEY, {}
    )
    cached = cache.get("lines")
    if cached is not None and time.monotonic() - cached[0] < CRISIS_LINES_TTL:
        return cached[1]
    try:
        rows = db.session.scalars(select(CrisisLine).order_by(CrisisLine.position))
        lines = tuple(ParsedLine(r.country, r.service, r.contact) for r in rows)
    except SQLAlchemyError:  # an error page while the database is down still renders
        return ()
    cache["lines"] = (time.monotonic(), lines)
    return lines


def forget_crisis_lines() -> None:
    """Drop this worker's copy, so the next page reads the lines again."""
    current_app.extensions.pop(_CACHE_KEY, None)


def set_crisis_lines(admin: User, lines: Sequence[ParsedLine]) -> None:
    """Replace the crisis lines with ``lines``, in order, and audit the change."""
    before = [f"{line.country}: {line.service} ({line.contact})" for line in crisis_lines()]
    db.session.execute(delete(CrisisLine))
    if lines:
        db.session.execute(
            insert(CrisisLine),
            [
                {
                    "position": position,
                    "country": line.country,
                    "service": line.service,
                    "contact": line.contact,
                }
                for position, line in enumerate(lines, start=1)
            ],
        )
    record(
        "settings.crisis_lines_changed",
        "settings",
        "crisis_lines",
        actor_id=admin.id,
        before=before,
        after=[f"{line.country}: {line.service} ({line.contact})" for line in lines],
    )
    db.session.commit()
    forget_crisis_lines()
