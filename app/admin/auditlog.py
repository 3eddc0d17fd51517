"""Reading the audit log: filters, one page with names, and the whole selection as CSV.

A page costs a fixed number of statements whatever it shows: the count, the page's
events, one read of every person it names (actors, subjects, people in details) and one
of every course it names.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, Select, String, and_, cast, false, func, or_, select

from app.accounts.models import User
from app.accounts.services import ANONYMISED_EMAIL_SUFFIX
from app.audit.labels import action_label, detail_label, person_label
from app.audit.models import AuditEvent
from app.catalog.models import Course, Module, Quiz
from app.certificates.identifiers import display_id
from app.certificates.models import Certificate
from app.csvcells import csv_cell
from app.db import db
from app.pagination import Page, paginate
from app.quizzes.models import QuizAttempt

#: "12", "#12" or "deleted user #12": an actor named by id (deleted accounts have no name).
_BY_ID = re.compile(r"^(?:deleted user\s*)?#?\s*(\d{1,12})$", re.IGNORECASE)
#: Events exported per batch: each batch reads its people and courses once.
EXPORT_BATCH = 500
#: The most events one CSV holds (about 30 MB); a wider selection is narrowed by date first.
EXPORT_LIMIT = 100_000
CSV_HEADER = (
    "When (UTC)",
    "Action",
    "Action code",
    "By",
    "By (user id)",
    "Subject",
    "Subject type",
    "Subject id",
    "Details",
)


@dataclass(frozen=True)
class AuditFilter:
    """What the administrator narrowed the log to; empty fields do not filter."""

    start: dt.date | None = None
    end: dt.date | None = None
    actor: str = ""
    action: str = ""
    course_id: int | None = None


@dataclass(frozen=True)
class EventView:
    """One event as the page and the CSV show it."""

    event: AuditEvent
    label: str
    actor: str
    subject: str
    details: list[tuple[str, str]] = field(default_factory=list)


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


def _actor_condition(text: str) -> ColumnElement[bool]:
    needle = text.strip().lower()
    if needle in {"system", "the system"}:
        return AuditEvent.actor_id.is_(None)
    by_id = _BY_ID.match(needle)
    if by_id:
        return AuditEvent.actor_id == int(by_id.group(1))
    people = select(User.id).where(
        or_(
            User.email.contains(needle, autoescape=True),
            func.lower(User.legal_name).contains(needle, autoescape=True),
        )
    )
    return AuditEvent.actor_id.in_(people)


def _course_condition(course_id: int) -> ColumnElement[bool]:
    """Events about the course or anything inside it (modules, quizzes, attempts, certificates)."""

    def subject(kind: str, ids: Select[str]) -> ColumnElement[bool]:
        return and_(AuditEvent.subject_type == kind, AuditEvent.subject_id.in_(ids))

    modules = select(cast(Module.id, String)).where(Module.course_id == course_id)
    quizzes = select(cast(Quiz.id, String)).where(Quiz.course_id == course_id)
    attempts = (
        select(cast(QuizAttempt.id, String))
        .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
        .where(Quiz.course_id == course_id)
    )
    certificates = select(Certificate.public_id).where(Certificate.course_id == course_id)
    return or_(
        and_(AuditEvent.subject_type == "course", AuditEvent.subject_id == str(course_id)),
        subject("module", modules),
        subject("quiz", quizzes),
        subject("quiz_attempt", attempts),
        subject("certificate", certificates),
    )


def _selection(filters: AuditFilter) -> Select[AuditEvent]:
    statement = select(AuditEvent).order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    if filters.start:
        statement = statement.where(AuditEvent.occurred_at >= _day_start(filters.start))
    if filters.end:
        end = _day_start(filters.end + dt.timedelta(days=1))
        statement = statement.where(AuditEvent.occurred_at < end)
    if filters.start and filters.end and filters.start > filters.end:
        statement = statement.where(false())
    if filters.actor.strip():
        statement = statement.where(_actor_condition(filters.actor))
    if filters.action:
        statement = statement.where(AuditEvent.action == filters.action)
    if filters.course_id is not None:
        statement = statement.where(_course_condition(filters.course_id))
    return statement


def search_events(filters: AuditFilter, page: int, per_page: int = 50) -> Page[EventView]:
    """One page of the filtered log, newest first, every person and course named."""
    found = paginate(_selection(filters), page=page, per_page=per_page)
    return Page(
        items=describe(found.items), page=found.page, per_page=found.per_page, total=found.total
    )


def _int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 12:
        return int(value)
    return None


def describe(events: Iterable[AuditEvent]) -> list[EventView]:
    """Events with names in place of ids: two reads (people, courses) for any number."""
    events = list(events)
    people: set[int] = set()
    courses: set[int] = set()
    for event in events:
        if event.actor_id is not None:
            people.add(event.actor_id)
        ident = _int(event.subject_id)
        if ident is not None and event.subject_type == "user":
            people.add(ident)
        if ident is not None and event.subject_type == "course":
            courses.add(ident)
        details = event.details or {}
        if (ident := _int(details.get("user"))) is not None:
            people.add(ident)
        if (ident := _int(details.get("course"))) is not None:
            courses.add(ident)
    # Both reads run even when a page names nobody, so every page costs the same.
    names = {
        user_id: (name, email.endswith(ANONYMISED_EMAIL_SUFFIX))
        for user_id, name, email in db.session.execute(
            select(User.id, User.legal_name, User.email).where(User.id.in_(people))
        )
    }
    rows = db.session.execute(select(Course.id, Course.title).where(Course.id.in_(courses)))
    titles = {course_id: title for course_id, title in rows}

    def person(user_id: int | None) -> str:
        name, deleted = names.get(user_id, (None, False)) if user_id is not None else (None, False)
        return person_label(user_id, name, deleted)

    def course(course_id: int) -> str:
        return titles.get(course_id, f"Course #{course_id} (no longer exists)")

    def subject(event: AuditEvent) -> str:
        ident = _int(event.subject_id)
        if event.subject_type == "user" and ident is not None:
            return person(ident)
        if event.subject_type == "course" and ident is not None:
            return course(ident)
        if event.subject_type == "certificate":
            return f"Certificate {display_id(event.subject_id)}"
        kind = event.subject_type.replace("_", " ").capitalize()
        return f"{kind} #{event.subject_id}"

    def value(key: str, raw: object) -> str:
        ident = _int(raw)
        if key == "user" and ident is not None:
            return person(ident)
        if key == "course" and ident is not None:
            return course(ident)
        if key == "replaces" and isinstance(raw, str):
            return display_id(raw)
        if key == "fields" and isinstance(raw, list):
            return ", ".join(detail_label(str(item)) for item in raw)
        if isinstance(raw, bool):
            return "yes" if raw else "no"
        if isinstance(raw, dict):
            return ", ".join(f"{detail_label(str(k))} {v}" for k, v in raw.items() if v)
        if isinstance(raw, list | tuple):
            return "; ".join(str(item) for item in raw)
        return "" if raw is None else str(raw)

    return [
        EventView(
            event=event,
            label=action_label(event.action),
            actor=person(event.actor_id),
            subject=subject(event),
            details=[(detail_label(k), value(k, v)) for k, v in (event.details or {}).items()],
        )
        for event in events
    ]


def count_events(filters: AuditFilter) -> int:
    """How many events the filters select."""
    selection = _selection(filters).order_by(None).subquery()
    return db.session.scalar(select(func.count()).select_from(selection)) or 0


def export_csv(filters: AuditFilter) -> str:
    """The whole filtered log as CSV, every cell safe to open in a spreadsheet.

    Read in batches so the ORM holds a batch at a time; the caller refuses selections
    over ``EXPORT_LIMIT`` so the text stays a bounded size.
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    result = db.session.scalars(_selection(filters).execution_options(yield_per=EXPORT_BATCH))
    for batch in result.partitions():
        for view in describe(batch):
            event = view.event
            row = (
                event.occurred_at.strftime("%Y-%m-%d %H:%M:%S"),
                view.label,
                event.action,
                view.actor,
                event.actor_id,
                view.subject,
                event.subject_type,
                event.subject_id,
                json.dumps(event.details or {}, ensure_ascii=False, sort_keys=True),
            )
            writer.writerow([csv_cell(value) for value in row])
    return out.getvalue()


def known_actions() -> list[tuple[str, str]]:
    """Every action recorded so far with its label, ordered by label, for the filter."""
    codes = db.session.scalars(select(AuditEvent.action).distinct())
    return sorted(((code, action_label(code)) for code in codes), key=lambda pair: pair[1])


def course_choices() -> list[tuple[int, str]]:
    """Every course by title, for the filter."""
    return [
        (course_id, title)
        for course_id, title in db.session.execute(
            select(Course.id, Course.title).order_by(Course.title, Course.id)
        )
    ]
