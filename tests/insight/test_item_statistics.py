"""Insight on a known small data set: every figure computed by hand in the comments."""

from __future__ import annotations

import math

import pytest

from app.accounts.models import Role
from app.catalog.models import CourseStaff
from app.db import db
from app.insight.services import course_insight
from tests.factories import make_course
from tests.insight.data import attempt, complete_lessons, enroll

# Keys are choice positions. Single: 1 Right, 2 Wrong, 3 Also wrong. Multiple: 1 Right A,
# 2 Right B, 3 Wrong C (right = {1, 2}). True/false: 1 True (right), 2 False.
#
#          single       multiple     true/false   points
# ann      1 right      1,2 right    2 wrong      2
# ben      1 right      1,2 right    1 right      3
# cal      1 right      1 wrong      1 right      2
# dee      3 wrong      1,3 wrong    1 right      1   (her retake, all right, must not count)
# eve      3 wrong      3 wrong      2 wrong      0
#
# Single: x = 1,1,1,0,0; rest y = 1,2,1,1,0 -> n=5 Sx=3 Sy=5 Sxy=4 Syy=7
#   facility 3/5; r = (5*4 - 3*5) / sqrt((5*3 - 9)(5*7 - 25)) = 5/sqrt(60) = 0.645
# Multiple: x = 1,1,0,0,0; y = 1,2,2,1,0 -> Sx=2 Sy=6 Sxy=3 Syy=10
#   facility 2/5; r = (15 - 12) / sqrt((10 - 4)(50 - 36)) = 3/sqrt(84) = 0.327
# True/false: x = 0,1,1,1,0; y = 2,2,1,0,0 -> Sx=3 Sy=5 Sxy=3 Syy=9
#   facility 3/5; r = (15 - 15) / sqrt(6 * 20) = 0 -> flagged for review
ANSWERS = {
    "ann": ([1], [1, 2], [2]),
    "ben": ([1], [1, 2], [1]),
    "cal": ([1], [1], [1]),
    "dee": ([3], [1, 3], [1]),
    "eve": ([3], [3], [2]),
}


@pytest.fixture
def course_with_learners(make_user):
    """One module (two lessons, three questions), five learners with known answers."""
    course = make_course(modules=1)
    module = course.active_modules[0]
    quiz, lessons = module.quiz, module.active_lessons
    learners = {name: make_user(Role.LEARNER, legal_name=name.title()) for name in ANSWERS}
    for name, picks in ANSWERS.items():
        attempt(learners[name], quiz, dict(zip(quiz.active_questions, picks, strict=True)))
    right = ([1], [1, 2], [1])
    attempt(learners["dee"], quiz, dict(zip(quiz.active_questions, right, strict=True)), number=2)
    late = make_user(Role.LEARNER, legal_name="Fay")  # an open attempt never counts
    attempt(late, quiz, dict(zip(quiz.active_questions, right, strict=True)), submitted=False)

    # ann, ben, cal completed in 10, 30 and 20 hours; dee read lesson 1; eve nothing;
    # fay both lessons but has not finished the quiz.
    for name, hours in (("ann", 10), ("ben", 30), ("cal", 20)):
        enroll(learners[name], course, hours)
        complete_lessons(learners[name], lessons)
    enroll(learners["dee"], course)
    complete_lessons(learners["dee"], lessons[:1])
    enroll(learners["eve"], course)
    enroll(late, course)
    complete_lessons(late, lessons)

    other = make_course(slug="other-course", modules=1)  # never mixed in
    enroll(make_user(Role.LEARNER), other, 1)
    return course


def test_item_statistics_match_the_hand_computed_values(course_with_learners):
    single, multiple, true_false = course_insight(course_with_learners).questions

    assert [q.sums.n for q in (single, multiple, true_false)] == [5, 5, 5]
    assert single.facility == pytest.approx(0.6)
    assert single.discrimination == pytest.approx(5 / math.sqrt(60))
    assert (single.wrong_answer, single.wrong_count) == ("Also wrong", 2)
    assert not single.flagged

    assert multiple.facility == pytest.approx(0.4)
    assert multiple.discrimination == pytest.approx(3 / math.sqrt(84))
    assert (multiple.wrong_answer, multiple.wrong_count) == ("Wrong C", 2)
    assert not multiple.flagged

    assert true_false.facility == pytest.approx(0.6)
    assert true_false.discrimination == pytest.approx(0.0)
    assert (true_false.wrong_answer, true_false.wrong_count) == ("False", 2)
    assert true_false.flagged and "Barely separates" in true_false.reasons[0]


def test_questions_to_review_come_first(course_with_learners):
    ordered = course_insight(course_with_learners).questions_for_review
    assert [q.number for q in ordered] == [3, 1, 2]


def test_completion_and_drop_off_figures(course_with_learners):
    insight = course_insight(course_with_learners)
    assert (insight.enrollments, insight.completions) == (6, 3)
    assert insight.completion_rate == pytest.approx(0.5)
    assert insight.median_seconds == pytest.approx(20 * 3600, abs=1)  # odd count: the middle one

    first, second = insight.lessons
    # Completed: lesson 1 by ann, ben, cal, dee and fay; lesson 2 by all of them but dee.
    assert (first.completed, second.completed) == (5, 4)
    # Stopped at lesson 1: eve (none read); at lesson 2: dee; fay read both lessons but has
    # not passed the quiz: she waits at the quiz, not past the course's last lesson.
    assert (first.stopped_here, second.stopped_here) == (1, 1)
    [quiz] = [step for step in insight.steps if step.is_quiz]
    assert (quiz.title, quiz.stopped_here, insight.after_last_lesson) == ("Quiz 1", 1, 0)
    assert [s.title for s in insight.steps][-1] == "Quiz 1"


def test_the_median_of_an_even_count_is_the_mean_of_the_middle_two(course_with_learners, make_user):
    enroll(make_user(Role.LEARNER), course_with_learners, 50)  # 10, 20, 30, 50 hours
    insight = course_insight(course_with_learners)
    assert insight.median_seconds == pytest.approx(25 * 3600, abs=1)
    assert insight.completion_rate == pytest.approx(4 / 7)


def test_the_page_shows_the_figures_and_flags_the_misleading_question(
    course_with_learners, client, sign_in, make_user
):
    instructor = make_user(Role.INSTRUCTOR)
    db.session.add(CourseStaff(course_id=course_with_learners.id, user_id=instructor.id))
    db.session.commit()
    sign_in(user=instructor)

    page = client.get(f"/teaching/{course_with_learners.slug}/insight").get_data(as_text=True)
    assert "<dt>Completion rate</dt><dd>50%</dd>" in page
    assert "<dt>Median time to complete</dt><dd>20 h</dd>" in page
    table = page[page.index("<caption>Questions") :]
    rows = [table.index(f"Q{n} · Quiz m1") for n in (3, 1, 2)]
    assert table.index('<tr class="is-flagged">') < rows[0] < rows[1] < rows[2]
    assert table.count("is-flagged") == 1 and "Barely separates" in table
    assert "Also wrong" in page and "(2 of 5)" in page
    assert '<td data-label="Discrimination" class="num">0.65</td>' in page
