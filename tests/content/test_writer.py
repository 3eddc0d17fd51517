"""Writing a spec back to files gives the same spec when read, in files people can review."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.content.problems import FileProblems
from app.content.reader import check_path, read_course
from app.content.spec import (
    ApprovalPeriod,
    ChoiceSpec,
    CourseSpec,
    LessonSpec,
    ModuleSpec,
    ObjectiveSpec,
    QuestionSpec,
    QuizSpec,
)
from app.content.writer import format_yaml, write_course
from app.content.yamlsource import load_yaml
from tests.content.conftest import EXAMPLE_COURSE, EXAMPLE_SLUG, REAL_CATALOG


def _read(course_dir: Path) -> CourseSpec:
    """Read a course that must have no problems."""
    spec, problems = read_course(course_dir)
    assert [str(problem) for problem in problems] == []
    assert spec is not None
    return spec


def _catalog_courses() -> list[Path]:
    """The course folders in the project's courses/ (the example course if there are none)."""
    found = sorted(path.parent for path in REAL_CATALOG.glob("*/course.yml"))
    return found or [EXAMPLE_COURSE]


def _tricky_text_spec(spec: CourseSpec) -> CourseSpec:
    """The example course plus a second module, a final quiz and text YAML could mangle."""
    objective = ObjectiveSpec(id="name-the-limits", text="Name the limits: “scope”, #1 — ✓")
    question = QuestionSpec(
        slug="word-texts",
        kind="single",
        objective="name-the-limits",
        prompt="Which of these is plain text?  \nAll of them: `yes`, null, 2025-01-01.",
        explanation="  Leading spaces, a trailing space \nand no final newline",
        choices=(
            ChoiceSpec(text="yes", correct=True, feedback="No"),
            ChoiceSpec(text="null", correct=False),
            ChoiceSpec(text="2025-01-01", correct=False, feedback="1.5"),
            ChoiceSpec(text="'quoted' and \"double\"", correct=False, feedback="key: value"),
        ),
    )
    lesson = LessonSpec(
        slug="limits",
        title="Limits: what a therapist does not do",
        minutes=60,
        body="See [orienting](../first-steps/orienting-to-the-room.md).\n\nNo final newline",
    )
    module = ModuleSpec(
        slug="second-steps",
        title="Second Steps",
        summary="Über-careful: scope of practice.",
        objectives=(objective,),
        lessons=(lesson,),
        quiz=QuizSpec(title="A title of its own", questions=(question,)),
    )
    final_question = dataclasses.replace(question, objective="use-orienting")
    return dataclasses.replace(
        spec,
        ce_hours=Decimal("1"),
        topics=("grounding", "scope"),
        attempt_limit=5,
        modules_unlock_in_order=False,
        approval_statement="Example provider is approved.\nSecond line.",
        approval_period=ApprovalPeriod(start=date(2025, 1, 1), end=date(2026, 12, 31)),
        modules=(*spec.modules, module),
        final_quiz=QuizSpec(title=f"{spec.title}: final quiz", questions=(final_question,)),
    )


def test_the_example_course_round_trips(tmp_path: Path) -> None:
    spec = _read(EXAMPLE_COURSE)
    assert _read(write_course(spec, tmp_path / EXAMPLE_SLUG)) == spec


def test_every_setting_and_tricky_text_round_trips(tmp_path: Path) -> None:
    spec = _tricky_text_spec(_read(EXAMPLE_COURSE))
    written = write_course(spec, tmp_path / EXAMPLE_SLUG)
    assert _read(written) == spec
    assert _read(written).fingerprint() == spec.fingerprint()


@pytest.mark.parametrize("course_dir", _catalog_courses(), ids=lambda path: path.name)
def test_every_catalog_course_round_trips(course_dir: Path, tmp_path: Path) -> None:
    spec = _read(course_dir)
    first = write_course(spec, tmp_path / "first" / spec.slug)
    assert _read(first) == spec
    second = write_course(_read(first), tmp_path / "second" / spec.slug)
    for path in sorted(first.rglob("*")):
        if path.is_file():
            assert (second / path.relative_to(first)).read_text() == path.read_text()


def test_files_are_friendly_to_review(tmp_path: Path) -> None:
    course_dir = write_course(_tricky_text_spec(_read(EXAMPLE_COURSE)), tmp_path / EXAMPLE_SLUG)
    course_yml = (course_dir / "course.yml").read_text(encoding="utf-8")
    keys = [line.split(":")[0] for line in course_yml.splitlines() if line[:1].isalpha()]
    assert keys == [
        "slug",
        "title",
        "summary",
        "description",
        "ce_hours",
        "level",
        "delivery_format",
        "topics",
        "objectives",
        "instructors",
        "references",
        "pass_mark",
        "attempt_limit",
        "modules_unlock_in_order",
        "min_seconds_per_lesson",
        "answer_feedback",
        "shuffle_questions",
        "shuffle_choices",
        "approval_statement",
        "approval_period",
        "modules",
    ]
    assert "description: |\n  This example shows every file" in course_yml
    assert "ce_hours: 1\n" in course_yml
    assert "  start: 2025-01-01\n" in course_yml
    assert "modules:\n  - first-steps\n  - second-steps\n" in course_yml
    module_yml = (course_dir / "second-steps" / "module.yml").read_text(encoding="utf-8")
    assert "“scope”, #1 — ✓" in module_yml and "Über-careful" in module_yml
    lesson = (course_dir / "first-steps" / "orienting-to-the-room.md").read_text()
    assert lesson.startswith("---\ntitle: Orienting to the room\nminutes: 9\n---\nWhen a client")
    # The default quiz title is left out; a title of its own is written.
    assert (course_dir / "first-steps" / "quiz.yml").read_text().startswith("questions:\n")
    assert (course_dir / "second-steps" / "quiz.yml").read_text().startswith("title: A title")


def test_writing_replaces_what_the_folder_held(tmp_path: Path) -> None:
    spec = _read(EXAMPLE_COURSE)
    target = tmp_path / EXAMPLE_SLUG
    write_course(_tricky_text_spec(spec), target)
    write_course(spec, target)
    assert not (target / "second-steps").exists()
    assert not (target / "final-quiz.yml").exists()
    assert check_path(target) == []
    assert [path.name for path in tmp_path.iterdir()] == [EXAMPLE_SLUG]


def test_the_folder_must_be_named_after_the_slug(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="must be named 'orienting-basics'"):
        write_course(_read(EXAMPLE_COURSE), tmp_path / "elsewhere")


@given(st.text() | st.text(alphabet="0123456789.eE+-_:xo~ yesNOnul\n", max_size=12))
def test_any_text_survives_yaml(text: str) -> None:
    problems = FileProblems("test.yml")
    ok, data = load_yaml(format_yaml({"text": text}), problems)
    assert ok and problems.found == []
    assert data == {"text": text}
