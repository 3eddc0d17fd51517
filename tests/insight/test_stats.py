"""Item statistics from sums, checked against hand computation and Python's own correlation."""

from __future__ import annotations

import math
import statistics

import pytest

from app.insight.stats import (
    ItemSums,
    facility,
    format_duration,
    point_biserial,
    review_reasons,
)


def sums_of(x: list[int], y: list[int]) -> ItemSums:
    """The sums the database returns for one question."""
    return ItemSums(
        n=len(x),
        sum_x=sum(x),
        sum_y=sum(y),
        sum_xy=sum(a * b for a, b in zip(x, y, strict=True)),
        sum_yy=sum(b * b for b in y),
    )


def test_point_biserial_matches_the_hand_computed_example():
    # x = right or wrong, y = the rest of each attempt's score.
    # n=5, Sx=3, Sy=5, Sxy=4, Syy=7: r = (5*4 - 3*5) / sqrt((5*3 - 9) * (5*7 - 25)) = 5 / sqrt(60)
    x, y = [1, 1, 1, 0, 0], [1, 2, 1, 1, 0]
    r = point_biserial(sums_of(x, y))
    assert r == pytest.approx(5 / math.sqrt(60))
    assert r == pytest.approx(0.6455, abs=1e-4)
    assert r == pytest.approx(statistics.correlation(x, y))


def test_a_question_strong_learners_miss_has_negative_discrimination():
    x, y = [0, 0, 1, 1, 1], [3, 2, 1, 0, 0]
    r = point_biserial(sums_of(x, y))
    assert r is not None and r < 0
    assert r == pytest.approx(statistics.correlation(x, y))


@pytest.mark.parametrize(
    ("x", "y"),
    [
        ([1, 1, 1], [0, 1, 2]),  # everyone right
        ([0, 0, 0], [0, 1, 2]),  # everyone wrong
        ([1, 0, 1], [2, 2, 2]),  # the rest of the quiz does not vary
        ([1], [1]),  # one answer
        ([], []),  # no answers
    ],
)
def test_discrimination_is_undefined_when_nothing_varies(x, y):
    assert point_biserial(sums_of(x, y)) is None


def test_facility_is_the_share_of_correct_answers():
    assert facility(sums_of([1, 0, 1, 1], [0, 0, 0, 0])) == 0.75
    assert facility(ItemSums()) is None


def test_review_reasons_name_each_problem_in_plain_words():
    assert review_reasons(10, 0.2, 0.5) == ["Few get it right (20%, below 30%)."]
    assert review_reasons(10, 0.8, 0.1) == [
        "Barely separates stronger from weaker learners (0.10, below 0.20)."
    ]
    assert review_reasons(10, 0.8, -0.4) == [
        "Stronger learners miss it more often (-0.40): check the answer key and the wording."
    ]
    assert review_reasons(10, 0.4, 0.3, wrong_beats_right=True) == [
        "A wrong answer is picked more often than the right one."
    ]
    assert review_reasons(10, 0.9, 0.45) == []
    assert review_reasons(10, 1.0, None) == []  # everyone right: nothing to fix
    assert review_reasons(4, 0.0, -1.0) == []  # too few answers to judge


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (None, "—"),
        (40 * 60, "40 min"),
        (5 * 3600 + 20 * 60, "5 h 20 min"),
        (20 * 3600, "20 h"),
        (3.5 * 86400, "3.5 days"),
        (4 * 86400, "4 days"),
    ],
)
def test_durations_read_naturally(seconds, shown):
    assert format_duration(seconds) == shown
