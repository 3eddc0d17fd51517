"""Steps to a certificate over HTTP."""

from __future__ import annotations

from sqlalchemy import select

from app.catalog.models import Course
from app.certificates.models import Certificate
from app.db import db
from tests.learning.helpers import complete_module_lessons, pass_quiz

EVALUATION = {
    "objective_goal": "5",
    "relevance": "4",
    "teaching_quality": "4",
    "free_of_bias": "yes",
    "comments": "Clear and practical.",
}


def complete_course(client, course: Course, user_id: int) -> None:  # type: ignore[no-untyped-def]
    """Enroll, read every lesson and pass every quiz."""
    client.post(f"/courses/{course.slug}/enroll")
    for module in course.active_modules:
        complete_module_lessons(client, course, module)
        pass_quiz(client, course, module, user_id)


def earn_certificate(client, course: Course, user_id: int) -> Certificate:  # type: ignore[no-untyped-def]
    """Complete the course, evaluate it and attest; return the issued certificate."""
    complete_course(client, course, user_id)
    assert client.post(f"/courses/{course.slug}/evaluation", data=EVALUATION).status_code == 302
    assert client.post(f"/courses/{course.slug}/attest", data={"attest": "y"}).status_code == 302
    db.session.expire_all()
    return db.session.scalar(
        select(Certificate).where(
            Certificate.user_id == user_id,
            Certificate.course_id == course.id,
            Certificate.replaced_at.is_(None),
        )
    )
