"""Specs round-trip through plain data, and their fingerprint tracks every change."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from decimal import Decimal

import pytest

from app.content.credit import canonical_ce_hours, ce_hours_ceiling
from app.content.reader import read_course
from app.content.spec import CourseSpec
from tests.content.conftest import EXAMPLE_COURSE


@pytest.fixture
def spec() -> CourseSpec:
    """The example course as a spec."""
    course, problems = read_course(EXAMPLE_COURSE)
    assert problems == [] and course is not None
    return course


def test_to_dict_is_json_and_round_trips(spec: CourseSpec) -> None:
    data = json.loads(json.dumps(spec.to_dict()))
    assert data["ce_hours"] == "0.25"
    assert CourseSpec.from_dict(data) == spec
    assert CourseSpec.from_dict(data).to_dict() == spec.to_dict()


def test_specs_are_immutable_and_hashable(spec: CourseSpec) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.title = "Changed"  # type: ignore[misc]
    assert hash(spec) == hash(CourseSpec.from_dict(spec.to_dict()))


def test_fingerprint_is_stable_across_processes(spec: CourseSpec) -> None:
    script = (
        "from app.content.reader import read_course;"
        f"print(read_course({str(EXAMPLE_COURSE)!r})[0].fingerprint())"
    )
    other = subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert other.stdout.strip() == spec.fingerprint()
    assert len(spec.fingerprint()) == 64


def test_fingerprint_ignores_how_ce_hours_are_written(spec: CourseSpec) -> None:
    same = dataclasses.replace(spec, ce_hours=Decimal("0.250"))
    assert same.fingerprint() == spec.fingerprint()


def _changes(spec: CourseSpec) -> dict[str, CourseSpec]:
    """One changed copy of the spec per kind of field, deep and shallow."""
    module = spec.modules[0]
    lesson, question = module.lessons[0], module.quiz.questions[0]
    choice = question.choices[1]

    def with_question(**changes: object) -> CourseSpec:
        questions = (dataclasses.replace(question, **changes), *module.quiz.questions[1:])
        quiz = dataclasses.replace(module.quiz, questions=questions)
        return dataclasses.replace(spec, modules=(dataclasses.replace(module, quiz=quiz),))

    def with_lesson(**changes: object) -> CourseSpec:
        changed = dataclasses.replace(module, lessons=(dataclasses.replace(lesson, **changes),))
        return dataclasses.replace(spec, modules=(changed,))

    return {
        "title": dataclasses.replace(spec, title=spec.title + "!"),
        "ce_hours": dataclasses.replace(spec, ce_hours=Decimal("0.5")),
        "pass_mark": dataclasses.replace(spec, pass_mark=81),
        "attempt_limit": dataclasses.replace(spec, attempt_limit=3),
        "topics": dataclasses.replace(spec, topics=()),
        "lesson body": with_lesson(body=lesson.body + "\nOne more line.\n"),
        "lesson minutes": with_lesson(minutes=10),
        "question prompt": with_question(prompt="Changed?"),
        "choice feedback": with_question(
            choices=(question.choices[0], dataclasses.replace(choice, feedback=None))
        ),
        "choice order": with_question(choices=tuple(reversed(question.choices))),
    }


@pytest.mark.parametrize(
    "field",
    [
        "title",
        "ce_hours",
        "pass_mark",
        "attempt_limit",
        "topics",
        "lesson body",
        "lesson minutes",
        "question prompt",
        "choice feedback",
        "choice order",
    ],
)
def test_fingerprint_changes_when_any_field_changes(spec: CourseSpec, field: str) -> None:
    changed = _changes(spec)[field]
    assert changed != spec
    assert changed.fingerprint() != spec.fingerprint()


@pytest.mark.parametrize(
    ("written", "canonical"),
    [(1, "1"), (1.0, "1"), (1.5, "1.5"), ("1.50", "1.5"), (Decimal("10.00"), "10"), (0.25, "0.25")],
)
def test_ce_hours_have_one_canonical_form(written: object, canonical: str) -> None:
    assert str(canonical_ce_hours(written)) == canonical  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("minutes", "ceiling"),
    [(0, "0"), (14, "0"), (15, "0.25"), (29, "0.25"), (60, "1"), (95, "1.5"), (176, "2.75")],
)
def test_ce_hours_ceiling_rounds_down_to_a_quarter_hour(minutes: int, ceiling: str) -> None:
    assert ce_hours_ceiling(minutes) == Decimal(ceiling)
