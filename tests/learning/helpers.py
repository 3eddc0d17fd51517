"""Shared steps for journey tests: enroll, read, answer."""

from __future__ import annotations

from sqlalchemy import select

from app.catalog.models import Course
from app.db import db
from app.quizzes.models import QuizAttempt


def lesson_url(course: Course, module_slug: str, lesson_slug: str) -> str:
    """The page of a lesson."""
    return f"/courses/{course.slug}/{module_slug}/{lesson_slug}"


def answers_for(attempt: QuizAttempt, right: bool = True) -> dict[str, list[str]]:
    """Form data answering every question of the attempt rightly (or wrongly)."""
    data: dict[str, list[str]] = {}
    for question in attempt.snapshot:
        keys = [c["key"] for c in question["choices"] if c["correct"] == right]
        if question["kind"] != "multiple" or not right:
            keys = keys[:1]
        data[f"q-{question['id']}"] = [str(k) for k in keys]
    return data


def latest_attempt(user_id: int, quiz_id: int) -> QuizAttempt:
    """The user's newest attempt at a quiz, fresh from the database."""
    db.session.expire_all()
    return db.session.scalars(
        select(QuizAttempt)
        .where(QuizAttempt.user_id == user_id, QuizAttempt.quiz_id == quiz_id)
        .order_by(QuizAttempt.number.desc())
    ).first()


def complete_module_lessons(client, course: Course, module) -> None:  # type: ignore[no-untyped-def]
    """Open and complete every lesson of a module."""
    for lesson in module.active_lessons:
        url = lesson_url(course, module.slug, lesson.slug)
        assert client.get(url).status_code == 200
        assert client.post(url + "/complete").status_code == 302


def pass_quiz(client, course: Course, module, user_id: int, right: bool = True):  # type: ignore[no-untyped-def]
    """Start an attempt at the module's quiz and submit it."""
    quiz_id = module.quiz.id
    started = client.post(f"/courses/{course.slug}/quizzes/{quiz_id}/start")
    assert started.status_code == 302, started.get_data(as_text=True)
    attempt = latest_attempt(user_id, quiz_id)
    response = client.post(
        f"/attempts/{attempt.id}", data={**answers_for(attempt, right), "action": "submit"}
    )
    assert response.status_code == 302
    return latest_attempt(user_id, quiz_id)


def open_attempt(client, course: Course, user_id: int):  # type: ignore[no-untyped-def]
    """Enroll, finish the first module's lessons and start its quiz: (module, attempt)."""
    client.post(f"/courses/{course.slug}/enroll")
    module = course.active_modules[0]
    complete_module_lessons(client, course, module)
    client.post(f"/courses/{course.slug}/quizzes/{module.quiz.id}/start")
    return module, latest_attempt(user_id, module.quiz.id)
