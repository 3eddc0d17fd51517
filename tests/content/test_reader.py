"""Reading the example course gives the spec its files describe, with the README's defaults."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from app.content.reader import Problem, check_path, read_catalog, read_course
from app.content.spec import ApprovalPeriod, ChoiceSpec, InstructorSpec, ObjectiveSpec
from tests.content.conftest import EXAMPLE_COURSE, VALID_CATALOG


def test_the_example_course_has_no_problems() -> None:
    assert check_path(VALID_CATALOG) == []
    assert check_path(EXAMPLE_COURSE) == []


def test_course_settings_come_from_course_yml_with_defaults() -> None:
    spec, problems = read_course(EXAMPLE_COURSE)
    assert problems == [] and spec is not None
    assert spec.slug == "orienting-basics"
    assert spec.title == "Orienting a Client to the Room"
    assert spec.summary.startswith("A short example course: orienting as a first,")
    assert spec.description.startswith("This example shows every file of a course.")
    assert spec.description.endswith("involvement are required.\n")
    assert spec.ce_hours == Decimal("0.25")
    assert spec.level == "beginning"
    assert spec.delivery_format == "Online, self-paced (home study)"
    assert spec.topics == ("grounding",)
    assert spec.objectives == (
        ObjectiveSpec(
            id="use-orienting",
            text="Use orienting as a first response when a client becomes distressed.",
        ),
    )
    assert spec.instructors == (
        InstructorSpec(
            name="Sam Okafor",
            credentials="LCSW",
            bio="An example instructor for this format description.",
        ),
    )
    assert len(spec.references) == 3
    assert spec.references[0].startswith("Bremner JD, Krystal JH, Putnam FW, et al.")
    assert spec.attempt_limit is None  # written as null: unlimited
    assert (spec.pass_mark, spec.modules_unlock_in_order, spec.min_seconds_per_lesson) == (
        80,
        True,
        0,
    )
    assert (spec.answer_feedback, spec.shuffle_questions, spec.shuffle_choices) == (
        "after_passing",
        False,
        False,
    )
    assert spec.approval_statement is None and spec.approval_period is None
    assert spec.final_quiz is None


def test_module_lessons_and_quiz_are_read_in_order() -> None:
    spec, _ = read_course(EXAMPLE_COURSE)
    assert spec is not None
    (module,) = spec.modules
    assert (module.slug, module.title) == ("first-steps", "First Steps")
    assert [objective.id for objective in module.objectives] == [
        "offer-orienting",
        "know-when-to-escalate",
    ]
    (lesson,) = module.lessons
    assert (lesson.slug, lesson.title, lesson.minutes) == (
        "orienting-to-the-room",
        "Orienting to the room",
        9,
    )
    assert lesson.body.startswith("When a client in a dosing session becomes frightened")
    assert module.quiz.title == "First Steps: quiz"  # the default title
    assert [(q.slug, q.kind) for q in module.quiz.questions] == [
        ("first-response", "single"),
        ("medical-signs", "multiple"),
        ("invitation", "true_false"),
    ]
    first = module.quiz.questions[0]
    assert first.objective == "offer-orienting"
    assert first.choices[1] == ChoiceSpec(
        text="Ask the client to describe the feeling in detail",
        correct=False,
        feedback="Detail-seeking can deepen distress before safety is re-established.",
    )
    # Unquoted `True` / `False` in a true_false question are the words, not booleans.
    assert [c.text for c in module.quiz.questions[2].choices] == ["True", "False"]


def test_total_minutes_and_ceiling_follow_the_readme() -> None:
    spec, _ = read_course(EXAMPLE_COURSE)
    assert spec is not None
    assert spec.total_minutes() == 9 + 2 * 3
    assert spec.max_ce_hours() == Decimal("0.25")


def test_a_final_quiz_names_course_objectives(course: Path) -> None:
    quiz = (course / "first-steps" / "quiz.yml").read_text()
    final = quiz.replace("offer-orienting", "use-orienting").replace(
        "know-when-to-escalate", "use-orienting"
    )
    (course / "final-quiz.yml").write_text(final)
    spec, problems = read_course(course)
    assert problems == [] and spec is not None and spec.final_quiz is not None
    assert spec.final_quiz.title == "Orienting a Client to the Room: final quiz"
    assert spec.total_minutes() == 9 + 2 * 6


def test_optional_settings_are_read(course: Path) -> None:
    settings = (
        "pass_mark: 75\nattempt_limit: 2\nmodules_unlock_in_order: false\n"
        "min_seconds_per_lesson: 120\nanswer_feedback: always\nshuffle_questions: true\n"
        "shuffle_choices: true\napproval_statement: Approved by the example board.\n"
        "approval_period:\n  start: 2025-01-01\n  end: '2026-12-31'\n"
    )
    text = (course / "course.yml").read_text().replace("attempt_limit: null\n", settings)
    (course / "course.yml").write_text(text)
    spec, problems = read_course(course)
    assert problems == [] and spec is not None
    assert (spec.pass_mark, spec.attempt_limit, spec.modules_unlock_in_order) == (75, 2, False)
    assert (spec.min_seconds_per_lesson, spec.answer_feedback) == (120, "always")
    assert spec.shuffle_questions and spec.shuffle_choices
    assert spec.approval_statement == "Approved by the example board."
    assert spec.approval_period == ApprovalPeriod(start=date(2025, 1, 1), end=date(2026, 12, 31))


def test_the_catalog_root_ignores_its_readme_and_hidden_entries(catalog: Path) -> None:
    (catalog / "README.md").write_text("# Courses\n")
    (catalog / ".git").mkdir()
    (catalog / "orienting-basics" / ".DS_Store").write_bytes(b"\x00\x01")
    specs, problems = read_catalog(catalog)
    assert problems == []
    assert [spec.slug for spec in specs] == ["orienting-basics"]


def test_paths_are_shown_as_given(catalog: Path) -> None:
    (catalog / "stray.txt").write_text("x")
    (catalog / "half-written").mkdir()
    assert [str(problem) for problem in check_path("courses/")] == [
        "courses/half-written/course.yml:1: missing course.yml (every course folder has one)",
        "courses/stray.txt:1: unexpected file (the courses folder holds course folders)",
    ]


def test_problems_are_sorted_by_path_then_line(course: Path) -> None:
    text = (course / "course.yml").read_text()
    text = text.replace("level: beginning", "level: expert").replace(
        "ce_hours: 0.25", "ce_hours: 0"
    )
    (course / "course.yml").write_text(text)
    (course / "first-steps" / "notes.txt").write_text("x")
    problems = check_path(course)
    assert problems == sorted(problems)
    assert [(p.path, p.line) for p in problems] == [
        ("courses/orienting-basics/course.yml", 12),
        ("courses/orienting-basics/course.yml", 13),
        ("courses/orienting-basics/first-steps/notes.txt", 1),
    ]


def test_a_missing_folder_is_a_problem() -> None:
    assert check_path("no/such/courses") == [Problem("no/such/courses", 1, "no such folder")]
    assert read_course("no/such/course") == (None, [Problem("no/such/course", 1, "no such folder")])


def test_description_links_start_from_the_course_folder(course: Path) -> None:
    text = (course / "course.yml").read_text()
    link = "[orienting](first-steps/orienting-to-the-room.md)"
    (course / "course.yml").write_text(text.replace("**orienting**", link))
    assert check_path(course) == []
