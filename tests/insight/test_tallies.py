"""The insight page's running totals: kept as learners work, equal to a recount from the records."""

from __future__ import annotations

import dataclasses
import threading
from typing import Any

import pytest
from sqlalchemy import select, update

from app.accounts.models import Role, User
from app.catalog.models import Course, Lesson
from app.content.importer import import_courses
from app.db import db
from app.insight.models import LessonTally
from app.insight.services import course_insight
from app.insight.tallies import (
    choice_rows,
    count_lesson_completed,
    item_rows,
    recount,
    snapshot,
)
from app.learning.models import Enrollment
from app.learning.outlines import outline
from app.learning.queries import course_with_content, find_enrollment
from app.migrate import downgrade, upgrade
from app.quizzes import services as quizzes
from app.quizzes.grading import QuestionResult, grade, parse_answers
from app.quizzes.models import QuizAttempt
from tests.factories import course_spec, make_course
from tests.insight.data import complete_lessons, enroll
from tests.learning.helpers import answers_for, complete_module_lessons, open_attempt, pass_quiz


def totals() -> dict[str, Any]:
    """Every running total in the database, read afresh."""
    db.session.expire_all()
    return snapshot()


def recounted() -> dict[str, Any]:
    """The totals as rebuilt from the records."""
    recount()
    db.session.commit()
    return totals()


# Pure: what one graded attempt adds.


def test_a_graded_attempt_adds_one_answer_per_question_with_the_rest_of_its_score():
    asked = [
        {"id": 7, "choices": [{"key": 1, "correct": True}, {"key": 2, "correct": False}]},
        {"id": 3, "choices": [{"key": 1, "correct": True}, {"key": 2, "correct": True}]},
        {"id": 5, "choices": [{"key": 1, "correct": False}, {"key": 2, "correct": True}]},
    ]
    result = grade(asked, {7: frozenset({1}), 3: frozenset({1, 2}), 5: frozenset({1})}, 80)

    # Two right (7 and 3): each right one has y = 1 other right; the wrong one y = 2.
    assert item_rows(result) == [
        {"question_id": 3, "n": 1, "sum_x": 1, "sum_y": 1, "sum_xy": 1, "sum_yy": 1},
        {"question_id": 5, "n": 1, "sum_x": 0, "sum_y": 2, "sum_xy": 0, "sum_yy": 4},
        {"question_id": 7, "n": 1, "sum_x": 1, "sum_y": 1, "sum_xy": 1, "sum_yy": 1},
    ]
    assert choice_rows(result) == [
        {"question_id": 3, "choice_key": 1, "picked": 1},
        {"question_id": 3, "choice_key": 2, "picked": 1},
        {"question_id": 5, "choice_key": 1, "picked": 1},
        {"question_id": 7, "choice_key": 1, "picked": 1},
    ]


def test_rows_are_in_key_order_so_concurrent_graders_lock_alike():
    questions = tuple(QuestionResult(q, frozenset({2, 1}), frozenset({1})) for q in (9, 2, 5))
    result = dataclasses.replace(grade([], {}, 80), questions=questions)
    assert [r["question_id"] for r in item_rows(result)] == [2, 5, 9]
    assert [(r["question_id"], r["choice_key"]) for r in choice_rows(result)] == [
        (2, 1), (2, 2), (5, 1), (5, 2), (9, 1), (9, 2),
    ]  # fmt: skip


# Through the site: the totals kept equal a recount.


def test_learners_using_the_site_keep_the_totals_a_recount_gives(client, sign_in):
    course = make_course(modules=2)
    first, second = course.active_modules
    ann = sign_in()
    client.post(f"/courses/{course.slug}/enroll")
    complete_module_lessons(client, course, first)
    pass_quiz(client, course, first, ann.id, right=False)  # counts
    pass_quiz(client, course, first, ann.id, right=True)  # a retake: does not count
    client.post("/sign-out")
    ben = sign_in()
    client.post(f"/courses/{course.slug}/enroll")
    complete_module_lessons(client, course, first)
    pass_quiz(client, course, first, ben.id)
    complete_module_lessons(client, course, second)
    client.post("/sign-out")
    sign_in()
    client.post(f"/courses/{course.slug}/enroll")  # enrolled, nothing read

    kept = totals()
    first_questions = [q.id for q in first.quiz.active_questions]
    assert [kept["questions"][q][0] for q in first_questions] == [2, 2, 2]  # ann once, ben
    assert kept["lessons"] == {
        lesson.id: 2 if lesson in first.active_lessons else 1
        for module in (first, second)
        for lesson in module.active_lessons
    }
    assert sorted(kept["furthest"].values(), key=str) == sorted(
        [first.active_lessons[-1].id, second.active_lessons[-1].id, None], key=str
    )
    assert recounted() == kept


def test_the_furthest_lesson_only_moves_forward(app, make_user):
    course = make_course(modules=2)
    learner = make_user(Role.LEARNER)
    enrollment = enroll(learner, course)
    full = course_with_content(course_id=course.id)
    lessons = [lesson.id for module in full.active_modules for lesson in module.active_lessons]

    for lesson_id, furthest in ((lessons[2], lessons[2]), (lessons[0], lessons[2])):
        count_lesson_completed(enrollment, lesson_id, outline(full))
        db.session.commit()
        db.session.refresh(enrollment)
        assert enrollment.furthest_lesson_id == furthest


def reordered(spec, module_index: int, drop_last: bool = False):  # type: ignore[no-untyped-def]
    """The spec with one module's lessons in reverse order (and its last one removed)."""
    modules = list(spec.modules)
    lessons = modules[module_index].lessons[::-1]
    if drop_last:
        lessons = lessons[1:]
    modules[module_index] = dataclasses.replace(modules[module_index], lessons=lessons)
    return dataclasses.replace(spec, modules=tuple(modules))


@pytest.mark.parametrize("drop_last", [False, True], ids=["reordered", "retired"])
def test_a_new_course_version_recounts_who_got_furthest(app, make_user, drop_last):
    spec = course_spec(modules=1)
    course = make_course(spec)
    one, two = course.active_modules[0].active_lessons
    learner = make_user(Role.LEARNER)
    enroll(learner, course)
    complete_lessons(learner, [one, two])
    assert db.session.scalar(select(Enrollment.furthest_lesson_id)) == two.id

    import_courses([reordered(spec, 0, drop_last)])

    # Lesson 1 now comes after lesson 2 (or lesson 2 is retired): lesson 1 is the furthest.
    kept = totals()
    assert list(kept["furthest"].values()) == [one.id]
    assert recounted() == kept
    insight = course_insight(db.session.get(Course, course.id))
    assert [(s.title, s.completed) for s in insight.lessons][-1] == (one.title, 1)
    assert db.session.get(Lesson, two.id).retired_at is not None or not drop_last


def test_the_migration_counts_what_learners_did_before_it(app, client, sign_in):
    course = make_course(modules=2)
    first = course.active_modules[0]
    learner = sign_in()
    client.post(f"/courses/{course.slug}/enroll")
    complete_module_lessons(client, course, first)
    pass_quiz(client, course, first, learner.id, right=False)
    pass_quiz(client, course, first, learner.id)
    kept = totals()
    db.session.close()

    engine = app.extensions["db_engine"]
    downgrade(engine, "0004")  # the schema before running totals, with the records kept
    upgrade(engine)

    assert totals() == kept
    assert kept["questions"] and kept["lessons"] and any(kept["furthest"].values())


def test_recount_check_reports_drift_and_recount_repairs_it(app, runner, make_user):
    course = make_course(modules=1)
    learner = make_user(Role.LEARNER)
    enroll(learner, course)
    complete_lessons(learner, course.active_modules[0].active_lessons)
    assert "match a recount" in runner.invoke(args=["insight", "recount", "--check"]).output

    db.session.execute(update(LessonTally).values(completed=LessonTally.completed + 5))
    db.session.commit()
    checked = runner.invoke(args=["insight", "recount", "--check"])
    assert checked.exit_code == 1 and "differ from a recount in: lessons" in checked.output
    assert set(totals()["lessons"].values()) == {6}  # --check changed nothing

    repaired = runner.invoke(args=["insight", "recount"])
    assert repaired.exit_code == 0 and "changed: lessons" in repaired.output
    assert set(totals()["lessons"].values()) == {1}


@pytest.mark.postgres
def test_concurrent_first_attempts_at_one_quiz_lose_no_count(app, client, sign_in):
    course = make_course(modules=1)
    module = course.active_modules[0]
    opened = []
    for _ in range(4):
        learner = sign_in()
        _, attempt = open_attempt(client, course, learner.id)
        opened.append((learner.id, attempt.id))
        client.post("/sign-out")
    barrier = threading.Barrier(len(opened))
    errors: list[BaseException] = []

    def submit(user_id: int, attempt_id: int, right: bool) -> None:
        with app.app_context():  # its own session and connection, like another worker
            try:
                attempt = db.session.get(QuizAttempt, attempt_id)
                user = db.session.get(User, user_id)
                full = course_with_content(course_id=course.id)
                enrollment = find_enrollment(user, full)
                answers = parse_answers(attempt.snapshot, answers_for(attempt, right))
                barrier.wait()
                quizzes.submit_attempt(user, attempt, answers, full, enrollment)
            except BaseException as error:  # reported below, in the test's thread
                errors.append(error)

    threads = [
        threading.Thread(target=submit, args=(user_id, attempt_id, index % 2 == 0))
        for index, (user_id, attempt_id) in enumerate(opened)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    kept = totals()
    assert [kept["questions"][q.id][:2] for q in module.quiz.active_questions] == [(4, 2)] * 3
    assert recounted() == kept
