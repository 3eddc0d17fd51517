"""The blueprint editor's logic without an app: the draw as typed, the rows a form gives
back, the checker's verdict (its own rules, not a copy), and the version a form saw."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from app.authoring import blueprintedit, edits
from app.authoring.edits import EditConflict
from app.content.reader import read_course
from app.content.spec import BlueprintSpec, CourseSpec, ObjectiveSpec
from tests.authoring.test_coursesettings import COURSES
from tests.factories import course_spec, module_spec


def two_objective_course(**settings: object) -> CourseSpec:
    """Two course objectives; module m1's objective `spot` and m2's `act`, 3 questions each,
    with a blueprint drawing 2 for each course objective."""
    modules = []
    for slug, objective in (("m1", "spot"), ("m2", "act")):
        module = module_spec(slug)
        questions = tuple(
            dataclasses.replace(q, objective=objective) for q in module.quiz.questions
        )
        modules.append(
            dataclasses.replace(
                module,
                objectives=(ObjectiveSpec(id=objective, text=f"{objective.title()} it."),),
                quiz=dataclasses.replace(module.quiz, questions=questions),
            )
        )
    values: dict[str, object] = {
        "objectives": (
            ObjectiveSpec(id="recognise", text="Recognise dissociation."),
            ObjectiveSpec(id="respond", text="Respond with grounding."),
        ),
        "blueprint": (
            BlueprintSpec(objective="recognise", draw=2, sources=("m1/spot",)),
            BlueprintSpec(objective="respond", draw=2, sources=("m2/act",)),
        ),
    }
    values.update(settings)
    return dataclasses.replace(course_spec(**values), modules=tuple(modules))


@pytest.mark.parametrize(("typed", "value"), [("1", 1), ("3", 3), ("100", 100), ("007", 7)])
def test_a_draw_of_plain_digits_in_range_is_read(typed: str, value: int) -> None:
    assert blueprintedit.parse_draw(typed) == (value, None)


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "Enter how many questions"),
        (None, "Enter how many questions"),
        ("²", "only the digits 0 to 9"),
        ("٣", "only the digits 0 to 9"),  # an Arabic-Indic three: int() would take it
        (" 3", "only the digits 0 to 9"),
        ("3 ", "only the digits 0 to 9"),
        ("-1", "only the digits 0 to 9"),
        ("+2", "only the digits 0 to 9"),
        ("1e3", "only the digits 0 to 9"),
        ("2.0", "only the digits 0 to 9"),
        ("0", "must be a whole number from 1 to 100"),
        ("101", "must be a whole number from 1 to 100"),
        (str(10**9), "must be a whole number from 1 to 100"),
        ("9" * 5000, "must be a whole number from 1 to 100"),  # never converted at all
    ],
)
def test_any_other_draw_is_refused_with_a_reason(typed: str | None, says: str) -> None:
    value, message = blueprintedit.parse_draw(typed)
    assert value is None and message is not None and says in message


def test_rows_follow_the_form_and_take_their_module_objectives_in_order() -> None:
    rows = blueprintedit.build_rows(
        ["respond", "recognise"],
        {"respond": 1, "recognise": 2},
        {"m1/spot": "recognise", "m2/act": "recognise", "m3/x": "respond"},
    )
    assert rows == (
        BlueprintSpec(objective="respond", draw=1, sources=("m3/x",)),
        BlueprintSpec(objective="recognise", draw=2, sources=("m1/spot", "m2/act")),
    )


def test_pools_and_sources_are_counted_from_the_questions() -> None:
    spec = two_objective_course()
    assert blueprintedit.pool_sizes(spec, spec.blueprint) == {"recognise": 3, "respond": 3}
    assert [(o.key, o.questions) for o in blueprintedit.source_options(spec)] == [
        ("m1/spot", 3),
        ("m2/act", 3),
    ]
    assert blueprintedit.serving(spec.blueprint) == {"m1/spot": "recognise", "m2/act": "respond"}


def test_a_sound_blueprint_has_no_problems() -> None:
    assert blueprintedit.problems(two_objective_course()) == []


def test_the_checkers_rules_name_the_row_that_breaks_them() -> None:
    spec = two_objective_course(
        blueprint=(
            BlueprintSpec(objective="recognise", draw=4, sources=("m1/spot",)),
            BlueprintSpec(objective="respond", draw=1, sources=("m1/spot", "m9/none")),
        )
    )
    found = blueprintedit.problems(spec)
    assert [(p.objective, p.message) for p in found] == [
        ("recognise", "Draw 4 for 'recognise' is more than its pool holds (3 questions)"),
        ("respond", "From 'm1/spot' is already drawn for 'recognise'"),
        ("respond", "From 'm9/none' is not a module objective (module/objective)"),
    ]


def test_an_objective_left_out_is_a_problem_of_the_whole_blueprint() -> None:
    spec = two_objective_course(
        blueprint=(BlueprintSpec(objective="recognise", draw=1, sources=("m1/spot",)),)
    )
    assert [(p.objective, p.message) for p in blueprintedit.problems(spec)] == [
        (None, "The blueprint misses the course objective(s) respond")
    ]


def test_fewer_questions_asked_may_not_leave_the_hours_above_the_ceiling() -> None:
    # 120 lesson minutes + 6 module questions and 4 drawn, at 2 minutes: 140 -> 2.25 hours.
    tight = two_objective_course(ce_hours=Decimal("2.25"))
    without = dataclasses.replace(tight, blueprint=())  # 132 minutes: 2 hours at most
    found = blueprintedit.problems(without, before=tight)
    assert len(found) == 1 and found[0].objective is None
    assert (
        "The course's CE hours would be above what the course's measured time" in found[0].message
    )
    assert "ce_hours 2.25 is above the ceiling of 2 for 132 total minutes" in found[0].message
    # Asking as many questions or more never trips over a ceiling the draft already broke.
    over = dataclasses.replace(tight, ce_hours=Decimal("9"))
    assert blueprintedit.problems(over, before=over) == []


def test_a_stale_blueprint_form_is_a_conflict_but_a_repeat_is_not() -> None:
    spec = two_objective_course()
    seen = edits.blueprint_fingerprint(spec)
    theirs = edits.set_blueprint(spec, (), seen)
    assert theirs.blueprint == ()
    mine = (BlueprintSpec(objective="recognise", draw=1, sources=("m1/spot",)),)
    with pytest.raises(EditConflict) as refused:
        edits.set_blueprint(theirs, mine, seen)
    assert refused.value.theirs == theirs
    # The same change sent twice (a double click, a replay) is no conflict.
    assert edits.set_blueprint(theirs, (), seen) == theirs


def test_the_blueprint_is_not_part_of_the_settings_forms_version() -> None:
    spec = two_objective_course()
    changed = edits.set_blueprint(spec, ())
    assert edits.fingerprint(changed) == edits.fingerprint(spec)
    assert edits.blueprint_fingerprint(changed) != edits.blueprint_fingerprint(spec)


def test_reordered_rows_or_sources_draw_alike() -> None:
    rows = two_objective_course().blueprint
    shuffled = (
        BlueprintSpec(objective="respond", draw=2, sources=("m2/act",)),
        BlueprintSpec(objective="recognise", draw=2, sources=("m1/spot",)),
    )
    assert blueprintedit.same(rows, shuffled)
    assert not blueprintedit.same(rows, shuffled[:1])
    assert not blueprintedit.same(rows, (dataclasses.replace(shuffled[0], draw=1), shuffled[1]))


def _posted_rows(data: dict[str, Any]) -> tuple[BlueprintSpec, ...]:
    """The rows the page's form gives back when saved as shown."""
    draws = {row["objective"]: blueprintedit.parse_draw(row["draw"])[0] for row in data["rows"]}
    return blueprintedit.build_rows(
        [row["objective"] for row in data["rows"]],
        {objective: draw or 0 for objective, draw in draws.items()},
        {s["source"]: s["serves"] for s in data["sources"] if s["serves"]},
    )


@pytest.mark.parametrize("course_dir", COURSES, ids=lambda p: p.name)
def test_every_real_blueprint_saved_as_shown_is_unchanged(course_dir: Path) -> None:
    spec, found = read_course(course_dir)
    assert found == [] and spec is not None
    data = blueprintedit.form_data(spec)
    assert data["use"] == ("yes" if spec.blueprint else "no")
    if spec.blueprint:
        assert blueprintedit.same(_posted_rows(data), spec.blueprint)
        assert blueprintedit.problems(spec) == []


def test_a_course_without_a_blueprint_is_offered_sources_of_the_same_id() -> None:
    spec = course_spec()  # one objective, goal; m1/goal and m2/goal
    data = blueprintedit.form_data(spec)
    assert data["use"] == "no"
    assert data["rows"] == [{"objective": "goal", "draw": ""}]
    assert data["sources"] == [
        {"source": "m1/goal", "serves": "goal"},
        {"source": "m2/goal", "serves": "goal"},
    ]
