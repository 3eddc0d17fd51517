"""The settings form shows every course setting and gives each back unchanged when saved."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.datastructures import MultiDict

from app.authoring.coursesettings import SETTINGS, chosen_settings, form_data
from app.authoring.edits import revise_settings
from app.authoring.forms import CourseSettingsForm
from app.content.reader import read_course
from app.content.spec import ApprovalPeriod, CourseSpec, CreditSpec, InstructorSpec, ObjectiveSpec
from tests.content.conftest import EXAMPLE_COURSE, REAL_CATALOG

COURSES = [EXAMPLE_COURSE, *sorted(p.parent for p in REAL_CATALOG.glob("*/course.yml"))]
#: Spec fields the settings page does not edit: the slug never changes; modules and the
#: final quiz have their own pages.
NOT_SETTINGS = {"slug", "modules", "final_quiz", "blueprint"}


@pytest.fixture
def bare_app() -> Iterator[Flask]:
    """A Flask app with no database: enough for a form to read a request."""
    app = Flask(__name__)
    app.config.update(SECRET_KEY="test", WTF_CSRF_ENABLED=False)
    with app.app_context():
        yield app


def _posted(data: dict[str, Any]) -> MultiDict[str, str]:
    """What a browser posts for a form filled with `data` (unticked boxes are left out)."""
    posted: MultiDict[str, str] = MultiDict()
    for name, value in data.items():
        if value is True:
            posted[name] = "y"
        elif value is False or value is None:
            continue
        elif isinstance(value, date):
            posted[name] = value.isoformat()
        else:
            posted[name] = str(value)
    return posted


def _submit(app: Flask, data: dict[str, Any]) -> CourseSettingsForm:
    """The settings form as posted with `data`, validated."""
    with app.test_request_context(method="POST", data=_posted(data)):
        form = CourseSettingsForm()
        assert form.validate(), form.errors
        return form


def test_every_setting_has_one_row_and_every_form_field_is_filled(bare_app: Flask) -> None:
    fields = [setting.field for setting in SETTINGS]
    assert len(fields) == len(set(fields))
    spec_fields = {field.name for field in dataclasses.fields(CourseSpec)}
    assert set(fields) == spec_fields - NOT_SETTINGS
    spec, _ = read_course(EXAMPLE_COURSE)
    assert spec is not None
    with bare_app.test_request_context():
        form_fields = {field.name for field in CourseSettingsForm()} - {"base", "csrf_token"}
    assert set(form_data(spec)) == form_fields


@pytest.mark.parametrize("course_dir", COURSES, ids=lambda p: p.name)
def test_saving_the_form_as_shown_keeps_every_setting(bare_app: Flask, course_dir: Path) -> None:
    spec, problems = read_course(course_dir)
    assert problems == [] and spec is not None
    form = _submit(bare_app, form_data(spec))
    assert spec.description.endswith("\n")  # a YAML block's final newline, kept too
    assert revise_settings(spec, chosen_settings(form)) == spec


def test_a_description_typed_in_the_browser_is_stored_as_a_file_would_hold_it(
    bare_app: Flask,
) -> None:
    spec, _ = read_course(EXAMPLE_COURSE)
    assert spec is not None
    typed = form_data(spec) | {"description": "\r\n\r\nFirst line.\r\nSecond line.  \r\n\r\n"}
    chosen = chosen_settings(_submit(bare_app, typed))
    assert chosen["description"] == "First line.\nSecond line.\n"


def test_changed_settings_come_back_as_spec_values(bare_app: Flask) -> None:
    spec, _ = read_course(EXAMPLE_COURSE)
    assert spec is not None
    # Every setting differs from the example's, so a row that reads another field fails.
    changed = dataclasses.replace(
        spec,
        title=spec.title + " (revised)",
        summary=spec.summary + " Revised.",
        level="advanced" if spec.level != "advanced" else "beginning",
        delivery_format=spec.delivery_format + " (revised)",
        objectives=(*spec.objectives, ObjectiveSpec(id="name-the-limits", text="Name the limits.")),
        references=(*spec.references, "A further reference, 2025."),
        pass_mark=spec.pass_mark - 5,
        min_seconds_per_lesson=spec.min_seconds_per_lesson + 30,
        answer_feedback="always" if spec.answer_feedback != "always" else "after_passing",
        shuffle_questions=not spec.shuffle_questions,
        shuffle_choices=not spec.shuffle_choices,
        ce_hours=Decimal("1.5"),
        topics=("grounding", "consent"),
        instructors=(
            InstructorSpec(name="A. Example", credentials="MD", bio="Teaches."),
            InstructorSpec(name="B. Example", credentials="PhD"),
        ),
        attempt_limit=2 if spec.attempt_limit is None else None,
        modules_unlock_in_order=not spec.modules_unlock_in_order,
        approval_statement="Approved for 1.5 hours.",
        approval_period=ApprovalPeriod(start=date(2026, 1, 1), end=date(2026, 12, 31)),
        description="A new description.\n",
        credits=(
            CreditSpec(body="apa", hours=Decimal("1.5"), statement="Demonstration text: not APA."),
            CreditSpec(body="nbcc", hours=Decimal("1.25"), statement="Demonstration: not NBCC."),
        ),
        grounding="Notice your feet on the floor.\n",
    )
    shown = form_data(changed)
    assert shown["credits"] == (
        "apa | 1.5 | Demonstration text: not APA.\nnbcc | 1.25 | Demonstration: not NBCC."
    )
    assert shown["approval_start"] == date(2026, 1, 1)
    assert shown["instructors"] == "A. Example | MD | Teaches.\nB. Example | PhD"
    # Windows line ends and stray spaces are what browsers send; the spec keeps neither.
    shown["description"] = "  " + changed.description.replace("\n", "\r\n") + "  "
    shown["ce_hours"] = "1.50"
    form = _submit(bare_app, shown)
    chosen = chosen_settings(form)
    assert {name for name in chosen if chosen[name] == getattr(spec, name)} == set()
    assert revise_settings(spec, chosen) == changed


def test_an_empty_statement_and_period_are_none(bare_app: Flask) -> None:
    spec, _ = read_course(EXAMPLE_COURSE)
    assert spec is not None
    with_period = dataclasses.replace(
        spec,
        approval_statement="Approved.",
        approval_period=ApprovalPeriod(start=date(2026, 1, 1), end=date(2026, 12, 31)),
    )
    shown = form_data(with_period) | {
        "approval_statement": "   ",
        "approval_start": None,
        "approval_end": None,
    }
    chosen = chosen_settings(_submit(bare_app, shown))
    assert chosen["approval_statement"] is None
    assert chosen["approval_period"] is None
