"""Insight names questions within their quiz and counts learners waiting at a module quiz there."""

from __future__ import annotations

from app.accounts.models import Role
from app.insight.services import course_insight, drop_off_steps
from tests.factories import make_course
from tests.insight.data import attempt, complete_lessons, enroll
from tests.insight.test_page import join_team, url


def _right(quiz):  # type: ignore[no-untyped-def]
    return {q: sorted(c.position for c in q.choices if c.is_correct) for q in quiz.active_questions}


def test_a_learner_waiting_at_a_module_quiz_is_counted_at_the_quiz(make_user):
    course = make_course(modules=2)
    first = course.active_modules[0]
    waiting, moved_on = make_user(Role.LEARNER), make_user(Role.LEARNER)
    for learner in (waiting, moved_on):
        enroll(learner, course)
        complete_lessons(learner, first.active_lessons)
    attempt(moved_on, first.quiz, _right(first.quiz))
    wrong = {q: [3] if len(q.choices) > 2 else [2] for q in first.quiz.active_questions}
    attempt(waiting, first.quiz, wrong)  # failed: still at the quiz

    steps = course_insight(course).steps
    shown = [(s.title, s.stopped_here) for s in steps]
    assert shown == [
        ("Lesson m1 1", 0),
        ("Lesson m1 2", 0),
        ("Quiz 1", 1),  # the learner who has not passed it
        ("Lesson m2 1", 1),  # the one who passed, not the one who never saw this lesson
        ("Lesson m2 2", 0),
        ("Quiz 2", 0),
    ]


def test_steps_without_a_quiz_pass_straight_on():
    funnel = [
        ("One", "M1", 1, False, 4, 2, 2),  # a module whose quiz has no questions
        ("Two", "M2", 2, True, 2, 2, 1),
    ]
    steps, after = drop_off_steps(funnel, not_started=3)
    assert [(s.title, s.is_quiz, s.stopped_here) for s in steps] == [
        ("One", False, 3),
        ("Two", False, 2),
        ("Quiz 1", True, 1),
    ]
    assert after == 1


def test_questions_are_numbered_within_each_quiz(client, sign_in, make_user):
    course = make_course(modules=2)
    instructor = make_user(Role.INSTRUCTOR)
    join_team(instructor, course)
    learner = make_user(Role.LEARNER)
    for module in course.active_modules:
        attempt(learner, module.quiz, _right(module.quiz))
    insight = course_insight(course)
    assert [q.label for q in insight.questions] == [
        "Quiz 1, Q1",
        "Quiz 1, Q2",
        "Quiz 1, Q3",
        "Quiz 2, Q1",
        "Quiz 2, Q2",
        "Quiz 2, Q3",
    ]
    sign_in(user=instructor)
    page = client.get(url(course)).get_data(as_text=True)
    assert "Quiz 2, Q3 · " in page and "Q6" not in page
