"""The learner's journey over HTTP: catalog to completed course, and every refusal on the way."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.db import db
from app.learning.models import Enrollment, LessonProgress, ModuleCompletion
from app.quizzes.models import AttemptAnswer, QuizAttempt
from tests.factories import make_course
from tests.learning.helpers import (
    answers_for,
    complete_module_lessons,
    latest_attempt,
    lesson_url,
    open_attempt,
    pass_quiz,
)


def count(model) -> int:  # type: ignore[no-untyped-def]
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_from_catalog_to_a_completed_course(client, sign_in):
    course = make_course()
    user = sign_in()
    assert "Course test-course" in client.get("/").get_data(as_text=True)
    page = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert "Enroll in this course" in page and "Pass mark" in page

    response = client.post(f"/courses/{course.slug}/enroll")
    assert response.status_code == 302
    first, second = course.active_modules
    assert client.get(response.location).status_code == 302  # continue -> first lesson

    complete_module_lessons(client, course, first)
    failed = pass_quiz(client, course, first, user.id, right=False)
    assert failed.passed is False and failed.score == 0
    result = client.get(f"/attempts/{failed.id}/result").get_data(as_text=True)
    assert "Not passed" in result and "Retake the quiz (1 attempt left)" in result
    assert "Because q-single" not in result  # explanations wait until the learner passes

    retake = pass_quiz(client, course, first, user.id)
    assert retake.number == 2 and retake.passed
    result = client.get(f"/attempts/{retake.id}/result").get_data(as_text=True)
    assert "Passed" in result and "Because q-single" in result

    complete_module_lessons(client, course, second)
    pass_quiz(client, course, second, user.id)

    enrollment = db.session.scalar(select(Enrollment))
    db.session.refresh(enrollment)
    assert enrollment.completed_at is not None and enrollment.completed_version == course.version
    assert count(ModuleCompletion) == 2
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"course.completed", "module.completed", "quiz.graded"} <= actions
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "Completed courses" in dashboard and "CE hours earned" in dashboard


def test_dashboard_shows_the_next_step(client, sign_in):
    course = make_course()
    sign_in()
    client.post(f"/courses/{course.slug}/enroll")
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Continue: 1.1 Lesson m1 1" in page


def test_lessons_need_an_enrollment(client, sign_in):
    course = make_course()
    sign_in()
    response = client.get(lesson_url(course, "m1", "lesson-1"))
    assert response.status_code == 302 and response.location.endswith(f"/courses/{course.slug}")
    assert count(LessonProgress) == 0


def test_a_locked_lesson_says_why_and_links_to_what_comes_first(client, sign_in):
    course = make_course()
    sign_in()
    client.post(f"/courses/{course.slug}/enroll")
    response = client.get(lesson_url(course, "m2", "lesson-1"))
    page = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "This lesson is locked" in page and "Module 1: Module m1" in page
    assert 'href="/courses/test-course/m1/lesson-1"' in page
    refused = client.post(lesson_url(course, "m2", "lesson-1") + "/complete")
    assert refused.status_code == 302
    assert count(LessonProgress) == 0


def outline_steps(page: str) -> list[tuple[str, str, str]]:
    """(href, step name, state in words) for each link in the page's course outline."""
    outline = page.split('aria-label="Course outline"', 1)[1].split("</nav>", 1)[0]
    return [
        (href, " ".join(name.split()), state)
        for href, name, state in re.findall(
            r'<a href="([^"]+)"[^>]*>\s*<span class="mark-icon"[^>]*>.*?</span>\s*'
            r'<span>(.*?)</span>\s*<span class="visually-hidden">\((.*?)\)</span>',
            outline,
            flags=re.S,
        )
    ]


def test_the_outline_says_in_words_what_is_done_open_and_locked(client, sign_in):
    course = make_course()
    sign_in()
    client.post(f"/courses/{course.slug}/enroll")
    client.get(lesson_url(course, "m1", "lesson-1"))
    client.post(lesson_url(course, "m1", "lesson-1") + "/complete")
    page = client.get(lesson_url(course, "m1", "lesson-2")).get_data(as_text=True)
    first_quiz, second_quiz = (m.quiz.id for m in course.active_modules)
    assert outline_steps(page) == [
        ("/courses/test-course/m1/lesson-1", "1.1 Lesson m1 1", "complete"),
        ("/courses/test-course/m1/lesson-2", "1.2 Lesson m1 2", "not started or in progress"),
        (
            f"/courses/test-course/quizzes/{first_quiz}",
            "Module quiz",
            "opens when the lessons are complete",
        ),
        ("/courses/test-course/m2/lesson-1", "2.1 Lesson m2 1", "locked"),
        ("/courses/test-course/m2/lesson-2", "2.2 Lesson m2 2", "locked"),
        (
            f"/courses/test-course/quizzes/{second_quiz}",
            "Module quiz",
            "opens when the lessons are complete",
        ),
    ]
    assert 'href="/courses/test-course/m1/lesson-2"\n             aria-current="page"' in page
    assert "1 of 6 steps" in page and "16% complete" in page
    assert 'href="/courses/test-course/m1/lesson-1" rel="prev">← Previous: Lesson m1 1' in page
    assert 'href="/courses/test-course/m2/lesson-1" rel="next">Next: Lesson m2 1' in page

    client.post(lesson_url(course, "m1", "lesson-2") + "/complete")
    page = client.get(lesson_url(course, "m1", "lesson-2")).get_data(as_text=True)
    assert outline_steps(page)[2][2] == "open"
    assert "2 of 6 steps" in page


def test_the_quiz_opens_only_after_the_lessons(client, sign_in):
    course = make_course()
    sign_in()
    client.post(f"/courses/{course.slug}/enroll")
    quiz_id = course.active_modules[0].quiz.id
    intro = client.get(f"/courses/{course.slug}/quizzes/{quiz_id}").get_data(as_text=True)
    assert "This quiz is locked" in intro and "Start the quiz" not in intro
    assert "<dt>Questions</dt><dd>3</dd>" in intro
    client.post(f"/courses/{course.slug}/quizzes/{quiz_id}/start")
    assert count(QuizAttempt) == 0


def test_the_seat_time_rule_holds_back_completion(client, sign_in):
    course = make_course(min_seconds_per_lesson=120)
    sign_in()
    client.post(f"/courses/{course.slug}/enroll")
    url = lesson_url(course, "m1", "lesson-1")
    client.get(url)
    page = client.post(url + "/complete", follow_redirects=True).get_data(as_text=True)
    assert "asks for at least 2 min of study" in page and "About 2 min to go" in page
    assert db.session.scalar(select(LessonProgress.completed_at)) is None


def test_submitting_twice_grades_once(client, sign_in):
    course = make_course()
    user = sign_in()
    client.post(f"/courses/{course.slug}/enroll")
    first = course.active_modules[0]
    complete_module_lessons(client, course, first)
    attempt = pass_quiz(client, course, first, user.id, right=False)
    again = client.post(
        f"/attempts/{attempt.id}", data={**answers_for(attempt, right=True), "action": "submit"}
    )
    assert again.status_code == 302 and again.location.endswith(f"/attempts/{attempt.id}/result")
    fresh = latest_attempt(user.id, first.quiz.id)
    assert fresh.id == attempt.id and fresh.passed is False and fresh.score == 0
    assert (
        db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "quiz.graded")
        )
        == 1
    )


def test_tampered_answers_are_refused_and_change_nothing(client, sign_in):
    course = make_course()
    user = sign_in()
    first, attempt = open_attempt(client, course, user.id)
    good = answers_for(attempt)
    for tampered in (
        {**good, "q-999999": ["1"]},
        {**good, f"q-{attempt.snapshot[0]['id']}": ["42"]},
        {**good, f"q-{attempt.snapshot[0]['id']}": ["1", "2"]},
    ):
        response = client.post(f"/attempts/{attempt.id}", data={**tampered, "action": "submit"})
        assert response.status_code == 400
        assert "not in this attempt" in response.get_data(
            as_text=True
        ) or "one answer" in response.get_data(as_text=True)
    fresh = latest_attempt(user.id, first.quiz.id)
    assert fresh.is_open and count(AttemptAnswer) == 0


def test_unanswered_questions_are_kept_and_not_graded(client, sign_in):
    course = make_course()
    user = sign_in()
    first, attempt = open_attempt(client, course, user.id)
    one = dict(list(answers_for(attempt).items())[:1])
    page = client.post(f"/attempts/{attempt.id}", data={**one, "action": "submit"}).get_data(
        as_text=True
    )
    assert "2 are still unanswered" in page
    fresh = latest_attempt(user.id, first.quiz.id)
    assert fresh.is_open and len(fresh.answers) == 1


def test_an_attempt_resumes_after_sign_out_and_on_another_device(app, client, sign_in, make_user):
    course = make_course()
    user = sign_in()
    first, attempt = open_attempt(client, course, user.id)
    question_id = attempt.snapshot[0]["id"]
    client.post(f"/attempts/{attempt.id}", data={f"q-{question_id}": ["1"], "action": "save"})
    client.post("/sign-out")

    laptop = app.test_client()
    laptop.post("/sign-in", data={"email": user.email, "password": make_user.password})
    resumed = laptop.post(f"/courses/{course.slug}/quizzes/{first.quiz.id}/start")
    assert resumed.location.endswith(f"/attempts/{attempt.id}")
    page = laptop.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    assert f'id="q-{question_id}-1" value="1" checked' in page


def test_no_attempt_beyond_the_limit(client, sign_in):
    course = make_course(attempt_limit=1)
    user = sign_in()
    client.post(f"/courses/{course.slug}/enroll")
    first = course.active_modules[0]
    complete_module_lessons(client, course, first)
    pass_quiz(client, course, first, user.id, right=False)
    page = client.post(
        f"/courses/{course.slug}/quizzes/{first.quiz.id}/start", follow_redirects=True
    ).get_data(as_text=True)
    assert "You have used all 1 attempts" in page
    assert count(QuizAttempt) == 1


def test_another_learners_attempt_is_not_found(client, sign_in, make_user):
    course = make_course()
    owner = sign_in()
    client.post(f"/courses/{course.slug}/enroll")
    first = course.active_modules[0]
    complete_module_lessons(client, course, first)
    attempt = pass_quiz(client, course, first, owner.id, right=False)
    client.post("/sign-out")
    sign_in()
    assert client.get(f"/attempts/{attempt.id}").status_code == 404
    assert client.get(f"/attempts/{attempt.id}/result").status_code == 404
    assert client.post(f"/attempts/{attempt.id}", data={"action": "submit"}).status_code == 404


def test_another_learners_open_attempt_can_be_neither_read_nor_saved(client, sign_in):
    course = make_course()
    owner = sign_in()
    first, attempt = open_attempt(client, course, owner.id)
    question_id = attempt.snapshot[0]["id"]
    autosave = {"X-Autosave": "1"}
    saved = client.post(
        f"/attempts/{attempt.id}",
        headers=autosave,
        data={f"q-{question_id}": ["1"], "action": "save"},
    )
    assert saved.status_code == 204
    client.post("/sign-out")
    sign_in()
    assert client.get(f"/attempts/{attempt.id}").status_code == 404
    tampered = client.post(
        f"/attempts/{attempt.id}",
        headers=autosave,
        data={f"q-{question_id}": ["2"], "action": "save"},
    )
    assert tampered.status_code == 404
    assert latest_attempt(owner.id, first.quiz.id).answer_map() == {question_id: frozenset({1})}


def test_an_attempt_in_a_course_taken_back_to_draft_is_closed_and_keeps_its_answers(
    client, sign_in
):
    course = make_course()
    user = sign_in()
    first, attempt = open_attempt(client, course, user.id)
    question_id = attempt.snapshot[0]["id"]
    answer = {f"q-{question_id}": ["1"], "action": "save"}
    assert (
        client.post(f"/attempts/{attempt.id}", headers={"X-Autosave": "1"}, data=answer).status_code
        == 204
    )
    course.status = "archived"  # archived: still open to the learners enrolled
    db.session.commit()
    assert client.get(f"/attempts/{attempt.id}").status_code == 200
    course.status = "draft"
    db.session.commit()
    assert client.get(f"/attempts/{attempt.id}").status_code == 404
    changed = {f"q-{question_id}": ["2"], "action": "save"}
    assert (
        client.post(
            f"/attempts/{attempt.id}", headers={"X-Autosave": "1"}, data=changed
        ).status_code
        == 404
    )
    assert latest_attempt(user.id, first.quiz.id).answer_map() == {question_id: frozenset({1})}


def test_editing_a_question_later_never_changes_a_past_result(client, sign_in):
    course = make_course()
    user = sign_in()
    client.post(f"/courses/{course.slug}/enroll")
    first = course.active_modules[0]
    complete_module_lessons(client, course, first)
    attempt = pass_quiz(client, course, first, user.id)
    question = first.quiz.active_questions[0]
    question.prompt = "Rewritten prompt"
    for choice in question.choices:
        choice.is_correct = not choice.is_correct
    db.session.commit()
    page = client.get(f"/attempts/{attempt.id}/result").get_data(as_text=True)
    assert "Rewritten prompt" not in page and "Prompt q-single?" in page
    fresh = latest_attempt(user.id, first.quiz.id)
    assert fresh.passed and fresh.score == 100


def test_unknown_course_lesson_and_quiz_are_not_found(client, sign_in):
    course = make_course()
    sign_in()
    client.post(f"/courses/{course.slug}/enroll")
    assert client.get("/courses/nope/m1/lesson-1").status_code == 404
    assert client.get(f"/courses/{course.slug}/m1/nope").status_code == 404
    assert client.get(f"/courses/{course.slug}/quizzes/999999").status_code == 404
    assert client.get("/attempts/999999").status_code == 404


def test_autosave_keeps_answers_without_a_page_change(client, sign_in):
    course = make_course()
    user = sign_in()
    first, attempt = open_attempt(client, course, user.id)
    question_id = attempt.snapshot[0]["id"]
    response = client.post(
        f"/attempts/{attempt.id}",
        headers={"X-Autosave": "1"},
        data={f"q-{question_id}": ["2"], "action": "save"},
    )
    assert response.status_code == 204
    assert latest_attempt(user.id, first.quiz.id).answer_map() == {question_id: frozenset({2})}
