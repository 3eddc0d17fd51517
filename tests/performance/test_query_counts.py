"""Every main page issues a small fixed number of SQL statements, whatever the size.

Counts are deterministic, so this is a test, not a benchmark: each page must issue the
same number of statements for a 1-module course and a 50-module course, and with 10 or
10,010 learners enrolled, and never more than ``LIMIT``.
"""

from __future__ import annotations

import dataclasses

from sqlalchemy import func, insert, select

from app.accounts.models import Role, User
from app.catalog.models import Course, CourseStaff
from app.certificates.models import Certificate
from app.db import db, utcnow
from app.learning.models import Enrollment
from tests.certificates.helpers import earn_certificate
from tests.factories import course_spec, make_course, module_spec
from tests.learning.helpers import complete_module_lessons, latest_attempt, pass_quiz

LIMIT = 8


def build_course(slug: str, modules: int) -> Course:
    """A course with ``modules`` modules of one lesson each."""
    spec = course_spec(slug=slug)
    spec = dataclasses.replace(
        spec,
        modules=tuple(
            dataclasses.replace(module_spec(f"m{i}"), lessons=module_spec(f"m{i}").lessons[:1])
            for i in range(1, modules + 1)
        ),
    )
    return make_course(spec)


def add_learners(course: Course, count: int) -> None:
    """Bulk-enroll ``count`` more learners (rows only, as a busy site would have)."""
    now = utcnow()
    first = db.session.scalar(select(func.max(User.id))) or 0
    db.session.execute(
        insert(User),
        [
            {
                "email": f"bulk{first + i}@example.com",
                "password_hash": "x",
                "legal_name": f"L {i}",
                "profession": "Psychologist",
                "role": "learner",
                "is_active": True,
                "session_version": 1,
                "created_at": now,
            }
            for i in range(count)
        ],
    )
    ids = db.session.scalars(select(User.id).where(User.email.like("bulk%"))).all()
    db.session.execute(
        insert(Enrollment),
        [{"user_id": user_id, "course_id": course.id, "enrolled_at": now} for user_id in ids],
    )
    db.session.commit()


def page_counts(client, teacher, count_queries, course: Course, learner) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Statements per page for one learner in ``course`` (and the teacher's insight page)."""
    module = course.active_modules[0]
    attempt = latest_attempt(learner.id, module.quiz.id)
    certificate = db.session.scalar(select(Certificate).where(Certificate.user_id == learner.id))
    lesson = module.active_lessons[0]
    pages = {
        "catalog": "/",
        "course": f"/courses/{course.slug}",
        "lesson": f"/courses/{course.slug}/{module.slug}/{lesson.slug}",
        "quiz": f"/courses/{course.slug}/quizzes/{module.quiz.id}",
        "results": f"/attempts/{attempt.id}/result",
        "dashboard": "/dashboard",
        "verification": f"/verify/{certificate.public_id}",
        "transcript": "/transcript",
    }
    counts = {}
    for name, path in pages.items():
        client.get(path)  # the first visit to a lesson also records it; count a steady visit
        with count_queries.counting() as statements:
            assert client.get(path).status_code == 200, name
        counts[name] = len(statements)
    with count_queries.counting() as statements:
        assert teacher.get(f"/teaching/{course.slug}/insight").status_code == 200
    counts["instructor insight"] = len(statements)
    return counts


def test_page_statements_do_not_grow_with_modules_or_learners(
    app, client, sign_in, make_user, count_queries
):
    teacher = app.test_client()
    instructor = make_user(Role.INSTRUCTOR)
    teacher.post("/sign-in", data={"email": instructor.email, "password": make_user.password})
    learner = sign_in()
    earn_certificate(client, make_course(slug="done-course", modules=1), learner.id)

    measured = {}
    for slug, modules in (("small", 1), ("large", 50)):
        course = build_course(slug, modules)
        db.session.add(CourseStaff(course_id=course.id, user_id=instructor.id, is_owner=True))
        db.session.commit()
        client.post(f"/courses/{slug}/enroll")
        complete_module_lessons(client, course, course.active_modules[0])
        pass_quiz(client, course, course.active_modules[0], learner.id)
        measured[slug] = page_counts(client, teacher, count_queries, course, learner)

    add_learners(db.session.scalar(select(Course).where(Course.slug == "large")), 10_000)
    large = db.session.scalar(select(Course).where(Course.slug == "large"))
    measured["large, 10,010 learners"] = page_counts(client, teacher, count_queries, large, learner)

    small = measured["small"]
    for scenario, counts in measured.items():
        assert counts == small, f"{scenario}: {counts} != {small}"
    print("statements per page:", small)
    assert max(small.values()) <= LIMIT, small


def autosave_statements(client, count_queries, course: Course, learner) -> int:  # type: ignore[no-untyped-def]
    """Statements one autosave of a quiz attempt issues (answers kept, page unchanged)."""
    module = course.active_modules[0]
    complete_module_lessons(client, course, module)
    client.post(f"/courses/{course.slug}/quizzes/{module.quiz.id}/start")
    attempt = latest_attempt(learner.id, module.quiz.id)
    questions = attempt.snapshot
    assert len(questions) > 1  # so one insert per answer would show in the count
    data = {f"q-{q['id']}": str(q["choices"][0]["key"]) for q in questions}
    data |= {"action": "save", "csrf_token": client.csrf_token()}  # token fetched uncounted
    headers = {"X-Autosave": "1"}
    assert client.post(f"/attempts/{attempt.id}", data=data, headers=headers).status_code == 204
    with count_queries.counting() as statements:
        saved = client.post(f"/attempts/{attempt.id}", data=data, headers=headers)
    assert saved.status_code == 204
    saved_answers = latest_attempt(learner.id, module.quiz.id).answer_map()
    assert saved_answers == {q["id"]: frozenset({q["choices"][0]["key"]}) for q in questions}
    return len(statements)


def test_an_autosave_is_a_few_statements_whatever_the_course_or_answers(
    client, sign_in, count_queries
):
    """Quiz day is mostly autosaves (one per answer): they stay few and fixed."""
    learner = sign_in()
    counts = {}
    for slug, modules in (("small", 1), ("large", 50)):
        course = build_course(slug, modules)
        client.post(f"/courses/{slug}/enroll")
        counts[slug] = autosave_statements(client, count_queries, course, learner)
    print("statements per autosave:", counts)
    # The user; the attempt with its quiz and course's row; the answers replaced (a delete
    # and one insert for all of them, however many questions are answered).
    assert counts["small"] == counts["large"] <= 4, counts
