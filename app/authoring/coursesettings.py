"""The course settings form and the course spec, mapped in one table read both ways.

Each row pairs one `CourseSpec` field with how the form shows it and how the form's
answer becomes the spec's value again. Filling the form (`form_data`) and reading it
(`chosen_settings`) both walk the same rows, so a setting cannot be shown but never
saved, or saved under another name. Most rows are plain: the form field has the spec
field's name and holds its value as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.authoring.forms import (
    CourseSettingsForm,
    decimal_or_none,
    objectives_text,
    parse_objectives,
)
from app.content.credit import canonical_ce_hours
from app.content.spec import ApprovalPeriod, CourseSpec, CreditSpec, InstructorSpec


@dataclass(frozen=True)
class Setting:
    """One spec field: what the form shows for its value, and the value the form gives back."""

    field: str
    #: The spec's value -> data for the form's fields, by form field name.
    show: Callable[[Any], dict[str, Any]]
    #: The validated form -> the spec's value.
    read: Callable[[CourseSettingsForm], Any]


def _same_name(
    field: str,
    show: Callable[[Any], Any] = lambda value: value,
    read: Callable[[CourseSettingsForm], Any] | None = None,
) -> Setting:
    """A setting whose form field has the spec field's name: shown as `show(value)`, read as
    `read(form)` (by default both hold the value unchanged)."""
    return Setting(
        field,
        lambda value: {field: show(value)},
        read or (lambda form: form[field].data),
    )


def _instructor_line(person: InstructorSpec) -> str:
    """An instructor as the line the form takes back: name | credentials | bio."""
    return " | ".join(part for part in (person.name, person.credentials, person.bio or "") if part)


def _credit_line(credit: CreditSpec) -> str:
    """A credit as the line the form takes back: body | hours | statement."""
    return f"{credit.body} | {canonical_ce_hours(credit.hours)} | {credit.statement}"


def _block_text(text: str) -> str:
    """Text from a textarea as a course file's YAML block holds it: Unix line ends, no
    blank lines around it, one final newline (none when empty). So a form saved unchanged
    gives back the very text the file gave, and the draft shows no change."""
    text = text.replace("\r\n", "\n").strip()
    return f"{text}\n" if text else ""


def _period(value: ApprovalPeriod | None) -> dict[str, Any]:
    """The approval period as the form's two dates (both empty when there is none)."""
    return {
        "approval_start": value.start if value else None,
        "approval_end": value.end if value else None,
    }


def _chosen_period(form: CourseSettingsForm) -> ApprovalPeriod | None:
    """The period the two dates give; one date alone sets none (the form's validator
    refuses that case before it reaches here)."""
    start, end = form.approval_start.data, form.approval_end.data
    return ApprovalPeriod(start=start, end=end) if start and end else None


SETTINGS: tuple[Setting, ...] = (
    _same_name("title"),
    _same_name("summary"),
    _same_name("description", read=lambda form: _block_text(form.description.data)),
    _same_name("ce_hours", read=lambda form: decimal_or_none(form.ce_hours.data)),
    _same_name("level"),
    _same_name("delivery_format"),
    _same_name("topics", ", ".join, lambda form: form.parsed_topics()),
    _same_name("objectives", objectives_text, lambda form: parse_objectives(form.objectives.data)),
    _same_name(
        "instructors",
        lambda people: "\n".join(_instructor_line(person) for person in people),
        lambda form: form.parsed_instructors(),
    ),
    _same_name("references", "\n".join, lambda form: form.parsed_references()),
    _same_name("pass_mark"),
    _same_name("attempt_limit"),
    _same_name("modules_unlock_in_order"),
    _same_name("min_seconds_per_lesson"),
    _same_name("answer_feedback"),
    _same_name("shuffle_questions"),
    _same_name("shuffle_choices"),
    _same_name(
        "approval_statement",
        lambda statement: statement or "",
        lambda form: (form.approval_statement.data or "").strip() or None,
    ),
    _same_name(
        "credits",
        lambda credits: "\n".join(_credit_line(credit) for credit in credits),
        lambda form: form.parsed_credits(),
    ),
    _same_name(
        "grounding",
        lambda text: text or "",
        lambda form: _block_text(form.grounding.data or "") or None,
    ),
    # The one setting the form splits in two: the period's first and last day.
    Setting("approval_period", _period, _chosen_period),
)


def form_data(spec: CourseSpec) -> dict[str, Any]:
    """The settings form's fields as `spec` holds them, by form field name."""
    data: dict[str, Any] = {}
    for setting in SETTINGS:
        data |= setting.show(getattr(spec, setting.field))
    return data


def chosen_settings(form: CourseSettingsForm) -> dict[str, Any]:
    """The spec fields a validated settings form chooses, by spec field name."""
    return {setting.field: setting.read(form) for setting in SETTINGS}
