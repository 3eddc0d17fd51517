"""The content rules, one value or one question at a time, as an authoring form uses them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal

import pytest

from app.content import rules
from app.content.links import check_link, lesson_target
from app.content.spec import ChoiceSpec

LESSONS = {("first-steps", "orienting"), ("next-steps", "breath")}


@pytest.mark.parametrize("slug", ["a", "window-of-tolerance", "step-2", "2nd-step", "x" * 80])
def test_good_slugs(slug: str) -> None:
    assert rules.check_slug(slug) is None


@pytest.mark.parametrize(
    "slug", ["", "-a", "a-", "a--b", "A", "a_b", "a b", "é", "x" * 81, 12, None, True]
)
def test_bad_slugs(slug: object) -> None:
    assert rules.check_slug(slug) == (
        "must be a slug: 1 to 80 lowercase letters, digits and single hyphens"
    )


def test_text_rules() -> None:
    assert rules.check_text("Fine") is None
    assert rules.check_text("   ") == "must not be empty"
    assert rules.check_text(None) == "must not be empty"
    assert rules.check_text(1984) == "must be text (put it in quotes)"
    assert rules.check_text("x" * 201, 200) == "must be at most 200 characters (it has 201)"
    assert rules.check_optional_text(None) is None


@pytest.mark.parametrize(
    ("rule", "good", "bad"),
    [
        (rules.check_pass_mark, [0, 80, 100], [-1, 101, 80.0, True, "80", None]),
        (rules.check_attempt_limit, [1, 3, None], [0, -1, 1.5, False, "3"]),
        (rules.check_min_seconds_per_lesson, [0, 600], [-1, 1.0, True]),
        (rules.check_minutes, [1, 45], [0, 2.5, True, None]),
        (rules.check_flag, [True, False], [0, 1, "yes", None]),
        (rules.check_level, ["beginning", "advanced"], ["Beginning", "expert", None]),
        (rules.check_answer_feedback, ["always", "after_passing"], ["never", True]),
        (rules.check_kind, ["single", "multiple", "true_false"], ["truefalse", None]),
        (rules.check_ce_hours, [0.25, 1, 1.5, Decimal("2.75")], [0, -1, 0.3, True, "1", None]),
        (rules.check_date, [date(2025, 1, 1), "2025-01-01"], ["2025-02-30", "1/1/2025", None]),
    ],
)
def test_value_rules(
    rule: Callable[[object], str | None], good: list[object], bad: list[object]
) -> None:
    assert [rule(value) for value in good] == [None] * len(good)
    assert all(rule(value) for value in bad), [rule(value) for value in bad]


def test_a_datetime_is_not_a_date() -> None:
    assert rules.check_date(datetime(2025, 1, 1, 9, 30)) == "must be a date written YYYY-MM-DD"


def test_ce_hours_messages() -> None:
    assert rules.check_ce_hours(float("nan")) == "must be a number"
    assert rules.check_ce_hours(0) == "must be more than 0"
    assert rules.check_ce_hours(1.1) == "must be a multiple of 0.25"
    assert rules.check_ce_hours_ceiling(Decimal("1.5"), 95) is None
    assert rules.check_ce_hours_ceiling(Decimal("1.75"), 95) == (
        "ce_hours 1.75 is above the ceiling of 1.5 for 95 total minutes"
        " (lesson minutes + 2 per quiz question)"
    )


def test_approval_period_and_references() -> None:
    assert rules.check_approval_period(date(2025, 1, 1), date(2025, 1, 1)) is None
    assert rules.check_approval_period(date(2025, 1, 2), date(2025, 1, 1))
    assert [rules.check_reference_count(n) is None for n in (2, 3, 10, 11)] == [
        False,
        True,
        True,
        False,
    ]


def _choices(*marks: str) -> list[ChoiceSpec]:
    """Choices named by their text, correct when the text ends with '*'."""
    return [ChoiceSpec(text=mark.rstrip("*"), correct=mark.endswith("*")) for mark in marks]


@pytest.mark.parametrize(
    ("kind", "marks", "messages"),
    [
        ("single", ["a*", "b"], []),
        ("single", ["a*", "b*"], ["a single question needs exactly one correct choice (it has 2)"]),
        ("single", ["a", "b"], ["a single question needs exactly one correct choice (it has 0)"]),
        ("single", ["a*"], ["a question needs at least two choices"]),
        ("multiple", ["a*", "b*", "c"], []),
        ("multiple", ["a", "b"], ["a multiple question needs at least one correct choice"]),
        ("true_false", ["True", "False*"], []),
        (
            "true_false",
            ["Yes*", "No"],
            ["a true_false question needs exactly two choices, True and False"],
        ),
        (
            "true_false",
            ["True*", "False*"],
            ["a true_false question needs exactly one correct choice"],
        ),
        ("single", ["Same*", " same "], ["duplicate choice text ' same '"]),
        ("sometimes", ["a*", "b"], ["kind must be one of single, multiple, true_false"]),
    ],
)
def test_check_question(kind: str, marks: list[str], messages: list[str]) -> None:
    assert rules.check_question(kind, _choices(*marks)) == messages


def test_check_choices_names_the_repeated_choice() -> None:
    assert rules.check_choices("multiple", _choices("a*", "b", "A")) == [
        (2, "duplicate choice text 'A'")
    ]


def test_check_objective() -> None:
    assert rules.check_objective("a", ["a", "b"]) is None
    assert rules.check_objective("c", ["a", "b"]) == "must be one of the objective ids: a, b"


@pytest.mark.parametrize(
    ("href", "module", "target"),
    [
        ("orienting.md", "first-steps", ("first-steps", "orienting")),
        ("./orienting.md#top", "first-steps", ("first-steps", "orienting")),
        ("../next-steps/breath.md", "first-steps", ("next-steps", "breath")),
        ("next-steps/breath.md", None, ("next-steps", "breath")),
        ("breath.md", None, None),
        ("../../x/breath.md", "first-steps", None),
        ("https://example.org/x.md", "first-steps", None),
    ],
)
def test_lesson_target(href: str, module: str | None, target: tuple[str, str] | None) -> None:
    assert lesson_target(href, module) == target


@pytest.mark.parametrize(
    ("href", "message"),
    [
        ("https://988lifeline.org", None),
        ("mailto:team@example.org", None),
        ("#exercise", None),
        ("../next-steps/breath.md", None),
        ("../next-steps/missing.md", "link to a missing lesson: ../next-steps/missing.md"),
        ("JaVaScRiPt:alert(1)", "javascript: links are not allowed"),
        ("java\tscript:alert(1)", "javascript: links are not allowed"),
        ("data:text/html,x", "data: links are not allowed"),
        (
            "http://example.org",
            "links to other sites must start with https:// (http://example.org)",
        ),
        ("//example.org", "links to other sites must start with https:// (//example.org)"),
        ("picture.png", "a relative link must name a lesson file (.md): picture.png"),
        ("", "a link needs an address"),
    ],
)
def test_check_link(href: str, message: str | None) -> None:
    assert check_link(href, "first-steps", LESSONS) == message


def test_check_markdown_reports_lines() -> None:
    source = "Intro\n\n[ok](orienting.md)\n<b>bold</b>\n\n[gone](gone.md)\n"
    assert rules.check_markdown(source, "first-steps", LESSONS) == [
        (4, "raw HTML is not allowed; write Markdown instead"),
        (6, "link to a missing lesson: gone.md"),
    ]
