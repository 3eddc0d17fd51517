"""Importing questions into a draft: browser preview and confirm, CLI, refusals, team only."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role
from app.audit.models import AuditEvent
from app.authoring.models import CourseDraft
from app.authoring.services import working_spec
from app.catalog.models import CourseStaff
from app.content.spec import CourseSpec
from app.db import db
from tests.factories import make_course, teach_signed_in
from tests.questionbank.interop import INTEROP, fixture_bytes

BASE = "/teaching/test-course/question-import"


@pytest.fixture
def owner_signed_in(client, make_user, sign_in):  # type: ignore[no-untyped-def]
    return teach_signed_in(make_user, sign_in)


def _upload(client, data: bytes, name: str, fmt: str = ""):  # type: ignore[no-untyped-def]
    return client.post(
        BASE,
        data={"file": (io.BytesIO(data), name), "format": fmt},
        content_type="multipart/form-data",
    )


def _payload(page: str) -> str:
    return re.search(r'name="payload" type="hidden" value="([^"]+)"', page).group(1)


def _drafts() -> int:
    return db.session.scalar(select(func.count()).select_from(CourseDraft)) or 0


def test_preview_lists_questions_and_skipped_then_confirm_adds_them(client, owner_signed_in):
    course, _ = owner_signed_in
    page = _upload(client, fixture_bytes("moodle/gift/questions.gift.txt"), "q.gift.txt")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "5 questions to import, 4 skipped." in text
    assert "<p>What's between orange and green in the spectrum?</p>" in text
    assert "a numerical answer is not a choice" in text
    assert "add one before publishing" in text  # no general feedback beside Q2
    assert _drafts() == 0  # the preview writes nothing
    done = client.post(f"{BASE}/confirm", data={"target": "m2", "payload": _payload(text)})
    assert done.status_code == 302
    quiz = working_spec(course).modules[1].quiz
    added = quiz.questions[3:]
    assert [q.slug for q in added] == ["q2", "colours", "q1", "2-08-tsl", "2-08-tsl-2"]
    assert [c.text for c in added[1].choices if c.correct] == ["yellow", "off-beige"]
    assert all(q.objective == "goal" for q in added)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action.like("%imported")))
    assert event.details["imported"] == 5 and event.details["skipped"] == 4


def test_windows_1252_file_is_refused_with_a_clear_message_and_nothing_changes(
    client, owner_signed_in
):
    data = fixture_bytes("moodle/gift/questions_encoding_windows-1252.gift.txt")
    page = _upload(client, data, "old.gift.txt").get_data(as_text=True)
    assert "is not UTF-8 text" in page and "Save it as UTF-8" in page
    assert _drafts() == 0


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (
            b'<!DOCTYPE q [<!ENTITY x SYSTEM "file:///etc/passwd">]><quiz>&x;</quiz>',
            "a.xml",
            "DOCTYPE",
        ),
        (b"PK\x03\x04 not really", "p.zip", "not a zip archive"),
        (b"<quiz><question>", "b.xml", "not well-formed XML"),
    ],
)
def test_bad_files_get_a_message_never_a_500(client, owner_signed_in, data, name, message):
    response = _upload(client, data, name)
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert _drafts() == 0


def test_a_question_with_problems_blocks_the_whole_import(client, owner_signed_in):
    gift = b"::A:: Fine? {T}\n\n::B:: Same twice {=x ~x}\n"
    text = _upload(client, gift, "two.gift").get_data(as_text=True)
    assert "This file cannot be imported yet" in text and "duplicate choice text" in text
    assert 'name="payload"' not in text  # no confirm button
    assert _drafts() == 0


def test_a_changed_or_foreign_preview_is_refused(client, owner_signed_in, make_user):
    text = _upload(client, b"::A:: Fine? {T}", "a.gift").get_data(as_text=True)
    payload = _payload(text)
    forged = client.post(f"{BASE}/confirm", data={"target": "m1", "payload": payload[:-2] + "xx"})
    assert forged.status_code == 302 and _drafts() == 0
    other = make_course(slug="other-course")
    db.session.add(CourseStaff(course_id=other.id, user_id=owner_signed_in[1].id, is_owner=True))
    db.session.commit()
    replay = client.post(
        "/teaching/other-course/question-import/confirm", data={"target": "m1", "payload": payload}
    )
    assert replay.status_code == 302 and _drafts() == 0
    unknown_quiz = client.post(f"{BASE}/confirm", data={"target": "nope", "payload": payload})
    assert unknown_quiz.status_code == 302 and _drafts() == 0


def test_confirm_needs_csrf(client, owner_signed_in):
    text = _upload(client, b"::A:: Fine? {T}", "a.gift").get_data(as_text=True)
    response = client.post(
        f"{BASE}/confirm", data={"target": "m1", "payload": _payload(text)}, csrf=False
    )
    assert response.status_code == 400 and _drafts() == 0


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("path", [BASE, f"{BASE}/confirm"])
def test_another_instructor_is_refused_and_nothing_changes(
    client, make_user, sign_in, method, path
):
    course = make_course()
    owner = make_user(Role.INSTRUCTOR)
    db.session.add(CourseStaff(course_id=course.id, user_id=owner.id, is_owner=True))
    db.session.commit()
    sign_in(Role.INSTRUCTOR)
    response = client.get(path) if method == "GET" else client.post(path, data={"target": "m1"})
    assert response.status_code in (403, 405)
    assert _drafts() == 0


def test_cli_imports_into_the_final_quiz_or_refuses(app, runner, make_user):
    course = make_course()
    owner = make_user(Role.INSTRUCTOR)
    db.session.add(CourseStaff(course_id=course.id, user_id=owner.id, is_owner=True))
    db.session.commit()
    fixture = str(INTEROP / "moodle/aiken/questions.aiken.txt")
    args = ["questions", "import", fixture, "--course", course.slug, "--by", owner.email]
    refused = runner.invoke(args=[*args, "--quiz", "final"])
    assert refused.exit_code == 1 and "no final quiz" in refused.output
    stranger = make_user(Role.INSTRUCTOR)
    args_stranger = [*args[:-1], stranger.email, "--quiz", "m1"]
    assert "is not on the team" in runner.invoke(args=args_stranger).output
    assert _drafts() == 0
    result = runner.invoke(args=[*args, "--quiz", "m1"])
    assert result.exit_code == 0, result.output
    assert "2 imported into test-course/m1, 0 skipped." in result.output
    spec: CourseSpec = working_spec(course)
    assert [q.kind for q in spec.modules[0].quiz.questions[3:]] == ["single", "true_false"]


def test_the_course_page_links_to_the_import(client, owner_signed_in):
    page = client.get("/teaching/test-course").get_data(as_text=True)
    assert f'href="{BASE}">Import questions</a>' in page
    assert "Upload another file" not in client.get(BASE).get_data(as_text=True)


def test_quiz_exports_as_qti_and_reimports_to_the_same_questions(client, owner_signed_in):
    course, _ = owner_signed_in
    response = client.get("/teaching/test-course/quizzes/m1/qti.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "test-course-m1-qti3.zip" in response.headers["Content-Disposition"]
    text = _upload(client, response.data, "m1.zip").get_data(as_text=True)
    assert "3 questions to import, 0 skipped." in text
    client.post(f"{BASE}/confirm", data={"target": "m2", "payload": _payload(text)})
    m1, m2 = working_spec(course).modules
    assert [(q.kind, q.prompt, q.choices) for q in m2.quiz.questions[3:]] == [
        (q.kind, q.prompt, q.choices) for q in m1.quiz.questions
    ]
    assert client.get("/teaching/test-course/quizzes/nope/qti.zip").status_code == 404
