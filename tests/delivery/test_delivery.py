"""Content advisories, the Pause page and the provider's crisis lines, over HTTP."""

from __future__ import annotations

import dataclasses

import pytest
from flask import current_app
from sqlalchemy import func, select, text

from app.accounts.models import Role
from app.audit.models import AuditEvent
from app.db import db, make_engine
from app.delivery.models import AdvisoryChoice, CrisisLine
from app.learning.models import Enrollment, LessonProgress
from app.migrate import upgrade
from tests.factories import course_spec, make_course
from tests.learning.helpers import complete_module_lessons, latest_attempt, lesson_url
from tests.security.snapshot import Snapshot, snapshot


def _advised_course(**settings):  # type: ignore[no-untyped-def]
    spec = course_spec(**settings)
    first = spec.modules[0]
    lesson = dataclasses.replace(first.lessons[0], advisories=("panic-during-a-session",))
    quiz = dataclasses.replace(first.quiz, advisories=("suicidal-ideation",))
    module = dataclasses.replace(first, lessons=(lesson, *first.lessons[1:]), quiz=quiz)
    return make_course(dataclasses.replace(spec, modules=(module, *spec.modules[1:])))


def database_snapshot() -> Snapshot:
    """Every row of the test's database, to prove a refused request changed nothing."""
    db.session.rollback()
    return snapshot(current_app.extensions["db_engine"])


def _progress_rows() -> int:
    return db.session.scalar(select(func.count()).select_from(LessonProgress)) or 0


def test_the_advisory_comes_before_the_lesson_and_later_completes_nothing(client, sign_in):
    course = _advised_course()
    user = sign_in()
    client.post(f"/courses/{course.slug}/enroll")
    module = course.active_modules[0]
    lesson = module.active_lessons[0]
    url = lesson_url(course, module.slug, lesson.slug)

    page = client.get(url).get_data(as_text=True)
    assert "Content advisory" in page and "a client in panic or acute fear" in page
    assert "Text of lesson 1" not in page  # the body waits for the choice
    assert _progress_rows() == 0  # not opened: no time on task yet

    refused = client.post(url + "/complete")
    assert refused.status_code == 302 and _progress_rows() == 0

    later = client.post(f"/advisories/lesson/{lesson.id}", data={"choice": "later", "back": url})
    assert later.status_code == 302 and later.location.endswith("/dashboard")
    assert _progress_rows() == 0
    assert "Content advisory" in client.get(url).get_data(as_text=True)  # asked again

    now = client.post(f"/advisories/lesson/{lesson.id}", data={"choice": "now", "back": url})
    assert now.status_code == 302 and now.location == url
    page = client.get(url).get_data(as_text=True)
    assert "Text of lesson 1" in page and "Content advisory" not in page
    assert "Content advisory" not in client.get(url).get_data(as_text=True)  # remembered
    choice = db.session.scalar(select(AdvisoryChoice))
    assert (choice.user_id, choice.step_kind, choice.step_id, choice.choice) == (
        user.id,
        "lesson",
        lesson.id,
        "now",
    )


def test_the_quiz_advisory_holds_the_start_button_until_continue_now(client, sign_in):
    course = _advised_course()
    user = sign_in()
    client.post(f"/courses/{course.slug}/enroll")
    module = course.active_modules[0]
    client.post(
        f"/advisories/lesson/{module.active_lessons[0].id}", data={"choice": "now", "back": "/"}
    )
    complete_module_lessons(client, course, module)
    intro = f"/courses/{course.slug}/quizzes/{module.quiz.id}"
    page = client.get(intro).get_data(as_text=True)
    assert "suicidal thoughts and suicide risk" in page and "Start the quiz" not in page
    client.post(intro + "/start")
    assert latest_attempt(user.id, module.quiz.id) is None  # a forged start is refused

    client.post(f"/advisories/quiz/{module.quiz.id}", data={"choice": "now", "back": intro})
    assert "Start the quiz" in client.get(intro).get_data(as_text=True)
    assert client.post(intro + "/start").status_code == 302
    assert latest_attempt(user.id, module.quiz.id) is not None


@pytest.mark.parametrize(
    ("path", "data", "status"),
    [
        ("/advisories/lesson/999999", {"choice": "now"}, 404),  # no such lesson
        ("/advisories/module/1", {"choice": "now"}, 404),  # no such kind
        ("/advisories/case/1", {"choice": "now"}, 404),  # cases not supplied yet
        ("/advisories/lesson/{lesson}", {"choice": "always"}, 302),  # refused with a message
        ("/advisories/lesson/{lesson}", {"choice": ["now", "later"]}, 302),
    ],
)
def test_tampered_advisory_choices_change_nothing(client, sign_in, path, data, status):
    course = _advised_course()
    sign_in()
    lesson = course.active_modules[0].active_lessons[0]
    before = database_snapshot()
    response = client.post(path.format(lesson=lesson.id), data=data)
    assert response.status_code == status
    if data["choice"] == ["now", "later"]:
        # A form field repeated: WTForms takes the first value, as for any field.
        return
    assert database_snapshot() == before


def test_continue_now_never_leaves_the_site(client, sign_in):
    course = _advised_course()
    sign_in()
    lesson = course.active_modules[0].active_lessons[0]
    for back in ("https://evil.example/x", "//evil.example/x", "/\\evil.example", "javascript:x"):
        response = client.post(
            f"/advisories/lesson/{lesson.id}", data={"choice": "now", "back": back}
        )
        assert response.status_code == 302 and response.location.endswith("/dashboard")


def test_the_pause_page_shows_the_course_grounding_and_returns_only_on_site(client, sign_in):
    course = make_course(course_spec(grounding="Notice **three** things in the room."))
    sign_in()
    page = client.get(f"/pause?course={course.slug}&back=/courses/{course.slug}/m1/lesson-1")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Notice <strong>three</strong> things" in text
    assert f'href="/courses/{course.slug}/m1/lesson-1"' in text and "Return to where I was" in text
    foreign = client.get("/pause?back=//evil.example/").get_data(as_text=True)
    assert "evil.example" not in foreign and "Go to my learning" in foreign
    assert "Nothing here is timed" in foreign  # the site's default grounding text


def test_every_lesson_and_untimed_quiz_page_has_the_pause_control(client, sign_in):
    course = make_course()
    user = sign_in()
    client.post(f"/courses/{course.slug}/enroll")
    module = course.active_modules[0]
    lesson = lesson_url(course, module.slug, module.active_lessons[0].slug)
    page = client.get(lesson).get_data(as_text=True)
    assert 'data-pause href="/pause?course=test-course&amp;back=' in page
    assert 'id="pause-dialog"' in page
    complete_module_lessons(client, course, module)
    client.post(f"/courses/{course.slug}/quizzes/{module.quiz.id}/start")
    attempt = latest_attempt(user.id, module.quiz.id)
    assert 'value="pause"' in client.get(f"/attempts/{attempt.id}").get_data(as_text=True)


def test_pausing_a_quiz_without_javascript_saves_the_answers_first(client, sign_in):
    course = make_course()
    user = sign_in()
    client.post(f"/courses/{course.slug}/enroll")
    module = course.active_modules[0]
    complete_module_lessons(client, course, module)
    client.post(f"/courses/{course.slug}/quizzes/{module.quiz.id}/start")
    attempt = latest_attempt(user.id, module.quiz.id)
    question = attempt.snapshot[0]
    response = client.post(
        f"/attempts/{attempt.id}", data={f"q-{question['id']}": "1", "action": "pause"}
    )
    assert response.status_code == 302 and "/pause?" in response.location
    back = client.get(response.location).get_data(as_text=True)
    assert f'href="/attempts/{attempt.id}"' in back
    assert latest_attempt(user.id, module.quiz.id).answer_map() == {question["id"]: {1}}


def test_the_migration_keeps_the_line_the_footer_named_before(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    upgrade(engine)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT country, service, contact FROM crisis_lines"))
        assert list(rows) == [
            ("United States", "988 Suicide & Crisis Lifeline", "Call or text 988")
        ]
    engine.dispose()


def test_crisis_lines_are_the_providers_and_show_on_every_page(client, sign_in, make_user):
    sign_in(Role.ADMIN)
    lines = "United Kingdom | Samaritans | Call 116 123\nIreland | Pieta | Call 1800 247 247"
    assert client.post("/admin/crisis-lines", data={"lines": lines}).status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "Samaritans, Call 116 123" in page and "Pieta, Call 1800 247 247" in page
    assert "988" not in page
    rows = db.session.scalars(select(CrisisLine).order_by(CrisisLine.position)).all()
    assert [(r.position, r.country) for r in rows] == [(1, "United Kingdom"), (2, "Ireland")]
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "settings.crisis_lines_changed")
    )
    assert event is not None and "United Kingdom: Samaritans (Call 116 123)" in str(event.details)


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ("United Kingdom | Samaritans", "Line 1: write country | service | how to reach it"),
        ("A | B | C\n\n | B | C", "Line 3: write country"),
        ("A | B | Call \u202e321", "Line 1: must not contain control"),
        ("A | " + "b" * 121 + " | C", "Line 1: the service is longer than 120 characters."),
        ("\n".join(["A | B | C"] * 13), "At most 12 crisis lines"),
    ],
)
def test_bad_crisis_lines_are_refused_with_the_line_and_change_nothing(
    client, sign_in, lines, message
):
    sign_in(Role.ADMIN)
    before = database_snapshot()
    response = client.post("/admin/crisis-lines", data={"lines": lines})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True).replace("&amp;", "&")
    assert database_snapshot() == before


def test_a_learner_cannot_change_the_crisis_lines(client, sign_in):
    sign_in()
    before = database_snapshot()
    assert client.post("/admin/crisis-lines", data={"lines": "X | Y | Z"}).status_code == 403
    assert database_snapshot() == before


def test_reading_an_advisory_is_not_time_on_the_lesson_before(client, sign_in):
    spec = course_spec()
    first = spec.modules[0]
    second = dataclasses.replace(first.lessons[1], advisories=("trauma-memories",))
    module = dataclasses.replace(first, lessons=(first.lessons[0], second))
    course = make_course(dataclasses.replace(spec, modules=(module, *spec.modules[1:])))
    user = sign_in()
    client.post(f"/courses/{course.slug}/enroll")
    m1 = course.active_modules[0]
    client.get(lesson_url(course, m1.slug, "lesson-1"))
    enrollment = db.session.scalar(select(Enrollment).where(Enrollment.user_id == user.id))
    assert enrollment.current_lesson_id == m1.active_lessons[0].id
    page = client.get(lesson_url(course, m1.slug, "lesson-2")).get_data(as_text=True)
    assert "a client revisiting traumatic memories" in page
    db.session.refresh(enrollment)
    assert enrollment.current_lesson_id is None and enrollment.visit_started_at is None
