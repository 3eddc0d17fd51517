"""Grading and answer parsing, as pure functions: no app, no database."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.quizzes.grading import AnswerError, grade, parse_answers, unanswered

ASKED = [
    {
        "id": 1,
        "kind": "single",
        "choices": [
            {"key": 1, "correct": True},
            {"key": 2, "correct": False},
            {"key": 3, "correct": False},
        ],
    },
    {
        "id": 2,
        "kind": "multiple",
        "choices": [
            {"key": 1, "correct": True},
            {"key": 2, "correct": True},
            {"key": 3, "correct": False},
        ],
    },
    {
        "id": 3,
        "kind": "true_false",
        "choices": [{"key": 1, "correct": False}, {"key": 2, "correct": True}],
    },
]
ALL_RIGHT = {1: frozenset({1}), 2: frozenset({1, 2}), 3: frozenset({2})}


def test_all_right_scores_100_and_passes():
    result = grade(ASKED, ALL_RIGHT, pass_mark=80)
    assert (result.points, result.total, result.score, result.passed) == (
        3,
        3,
        Decimal("100.00"),
        True,
    )


def test_all_wrong_scores_zero():
    result = grade(ASKED, {1: frozenset({2}), 2: frozenset({3}), 3: frozenset({1})}, 80)
    assert result.score == Decimal("0.00") and not result.passed
    assert [q.is_correct for q in result.questions] == [False, False, False]


@pytest.mark.parametrize(
    "picked",
    [frozenset({1}), frozenset({2}), frozenset({1, 2, 3}), frozenset({1, 3}), frozenset()],
)
def test_multiple_choice_is_all_or_nothing(picked):
    result = grade(ASKED, {**ALL_RIGHT, 2: picked}, pass_mark=80)
    assert result.questions[1].points == 0
    assert result.score == Decimal("66.67") and not result.passed


def test_pass_mark_is_inclusive_and_unanswered_counts_as_wrong():
    asked = ASKED * 1
    assert grade(asked, {1: frozenset({1}), 2: frozenset({1, 2})}, pass_mark=66).passed
    assert not grade(asked, {1: frozenset({1}), 2: frozenset({1, 2})}, pass_mark=67).passed
    assert unanswered(asked, {1: frozenset({1})}) == 2


def test_a_quiz_with_no_questions_scores_zero():
    assert grade([], {}, 0).score == Decimal("0.00")


def test_parse_answers_reads_the_form():
    form = {"q-1": ["1"], "q-2": ["1", "2"], "csrf_token": ["x"], "action": ["submit"]}
    assert parse_answers(ASKED, form) == {1: frozenset({1}), 2: frozenset({1, 2})}


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"q-99": ["1"]}, "question that is not in this attempt"),
        ({"q-x": ["1"]}, "question that is not in this attempt"),
        ({"q-1": ["9"]}, "choice that is not in this attempt"),
        ({"q-1": ["-1"]}, "choice that is not in this attempt"),
        ({"q-1": ["1 OR 1=1"]}, "choice that is not in this attempt"),
        ({"q-1": ["1", "2"]}, "only have one answer"),
        ({"q-3": ["1", "2"]}, "only have one answer"),
    ],
)
def test_parse_answers_refuses_tampered_forms(form, message):
    with pytest.raises(AnswerError, match=message):
        parse_answers(ASKED, form)


@pytest.mark.parametrize("value", ["²", "\u0661", "1" * 30, " 1", "1.0"])
def test_parse_answers_refuses_digits_int_cannot_read(value):
    with pytest.raises(AnswerError):
        parse_answers(ASKED, {"q-1": [value]})
    with pytest.raises(AnswerError):
        parse_answers(ASKED, {f"q-{value}": ["1"]})
