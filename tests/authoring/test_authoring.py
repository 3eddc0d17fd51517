"""Authoring over HTTP: drafts stay private, publishing keeps learners' records, teams."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role
from app.audit.models import AuditEvent
from app.catalog.models import Course, CourseStaff, Lesson
from app.certificates.models import Certificate
from app.db import db
from app.learning.models import Enrollment
from app.models import metadata
from tests.certificates.helpers import earn_certificate
from tests.factories import teach_signed_in
from tests.learning.helpers import complete_module_lessons, lesson_url

LESSON = {
    "title": "A new lesson on pacing",
    "minutes": "6",
    "body": "## Why pace\n\nGo slowly, and check in often.",
    "action": "save",
}
QUESTION = {
    "kind": "single",
    "objective": "goal",
    "prompt": "Which pace fits a first session?",
    "explanation": "Slow pacing keeps the client inside the window of tolerance.",
    "choices-0-text": "Slow, with check-ins",
    "choices-0-correct": "y",
    "choices-1-text": "As fast as possible",
    "choices-1-feedback": "Speed floods.",
    "choices-2-text": "Skip preparation",
}


def rows() -> dict[str, int]:
    return {
        t.name: db.session.scalar(select(func.count()).select_from(t)) or 0
        for t in metadata.sorted_tables
    }


@pytest.fixture
def teaching(client, make_user, sign_in):  # type: ignore[no-untyped-def]
    """A published course and its owner, signed in."""
    return teach_signed_in(make_user, sign_in)


def test_an_instructor_writes_in_a_draft_and_learners_see_it_only_after_publishing(
    app, client, teaching, make_user
):
    course, owner = teaching
    base = f"/teaching/{course.slug}"
    assert client.post(f"{base}/modules/m1/lessons/new", data=LESSON).status_code == 302
    assert client.post(f"{base}/modules/m1/questions/new", data=QUESTION).status_code == 302
    page = client.get(base).get_data(as_text=True)
    assert "Unpublished changes" in page and "Added lesson “A new lesson on pacing”" in page

    learner = make_user()
    reader = app.test_client()
    reader.post("/sign-in", data={"email": learner.email, "password": make_user.password})
    reader.post(f"/courses/{course.slug}/enroll")
    assert "A new lesson on pacing" not in reader.get(f"/courses/{course.slug}").get_data(
        as_text=True
    )
    assert reader.get(lesson_url(course, "m1", "a-new-lesson-on-pacing")).status_code == 404

    preview = client.get(f"{base}/preview/m1/a-new-lesson-on-pacing").get_data(as_text=True)
    assert "Preview of the draft" in preview and "<h2>Why pace</h2>" in preview
    assert "Which pace fits a first session?" in client.get(f"{base}/preview/m1/quiz").get_data(
        as_text=True
    )

    review = client.get(f"{base}/publish").get_data(as_text=True)
    assert "Publish version 2" in review
    assert client.post(f"{base}/publish").status_code == 302
    db.session.expire_all()
    assert db.session.get(Course, course.id).version == 2
    assert reader.get(lesson_url(course, "m1", "a-new-lesson-on-pacing")).status_code == 200
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "course.published"))
    assert event.actor_id == owner.id and event.details["version"] == 2
    assert any("A new lesson on pacing" in line for line in event.details["changes"])


def test_publishing_keeps_completions_and_certificates_and_requires_new_lessons_of_others(
    app, client, teaching, make_user
):
    course, _ = teaching
    finisher, midway = make_user(), make_user()
    done = app.test_client()
    done.post("/sign-in", data={"email": finisher.email, "password": make_user.password})
    certificate = earn_certificate(done, course, finisher.id)
    going = app.test_client()
    going.post("/sign-in", data={"email": midway.email, "password": make_user.password})
    going.post(f"/courses/{course.slug}/enroll")
    complete_module_lessons(going, course, course.active_modules[0])

    client.post(f"/teaching/{course.slug}/modules/m1/lessons/new", data=LESSON)
    client.post(f"/teaching/{course.slug}/publish")

    db.session.expire_all()
    finished = db.session.scalar(select(Enrollment).where(Enrollment.user_id == finisher.id))
    assert finished.completed_at is not None
    assert db.session.get(Certificate, certificate.id).status == "valid"
    assert "This certificate is valid" in done.get(f"/verify/{certificate.public_id}").get_data(
        as_text=True
    )
    # The learner still working through module 1 is sent to the new lesson next.
    nxt = going.get(f"/courses/{course.slug}/continue")
    assert nxt.location.endswith("/m1/a-new-lesson-on-pacing")


def test_discarding_a_draft_leaves_the_published_course(client, teaching):
    course, _ = teaching
    client.post(f"/teaching/{course.slug}/modules/m1/remove")
    assert "Removed module" in client.get(f"/teaching/{course.slug}").get_data(as_text=True)
    page = client.get(f"/teaching/{course.slug}/discard").get_data(as_text=True)
    stamp = re.search(r'name="stamp" type="hidden" value="([^"]+)"', page).group(1)
    client.post(f"/teaching/{course.slug}/discard", data={"confirm": "yes", "stamp": stamp})
    db.session.expire_all()
    assert [m.slug for m in db.session.get(Course, course.id).active_modules] == ["m1", "m2"]
    assert "No unpublished changes" in client.get(f"/teaching/{course.slug}").get_data(as_text=True)


def test_forms_show_the_checkers_errors_beside_the_fields(client, teaching):
    course, _ = teaching
    base = f"/teaching/{course.slug}/modules/m1"
    page = client.post(
        f"{base}/lessons/new", data={**LESSON, "body": "Hi <script>x</script>", "minutes": "0"}
    ).get_data(as_text=True)
    assert "Line 1: raw HTML is not allowed" in page and "Use 1 to 600 minutes." in page
    assert 'id="body-error"' in page and "Hi &lt;script&gt;" in page  # input kept, escaped
    page = client.post(
        f"{base}/questions/new", data={**QUESTION, "choices-1-correct": "y"}
    ).get_data(as_text=True)
    assert "A single question needs exactly one correct choice (it has 2)." in page
    page = client.post(
        f"{base}", data={"title": "T", "summary": "S", "objectives": "Not An Id: text"}
    ).get_data(as_text=True)
    assert "Line 1: the id" in page
    page = client.post(f"{base}/lessons/new", data={**LESSON, "body": "[x](missing.md)"}).get_data(
        as_text=True
    )
    assert "Line 1:" in page and "missing" in page
    assert db.session.scalar(select(func.count()).select_from(Lesson)) == 4


def test_publishing_a_draft_with_problems_is_refused_with_file_and_line(client, teaching):
    course, _ = teaching
    client.post(
        f"/teaching/{course.slug}/modules/new",
        data={"title": "Empty module", "summary": "S", "objectives": "goal: G"},
    )
    page = client.get(f"/teaching/{course.slug}/publish").get_data(as_text=True)
    assert "Fix these before publishing" in page and "empty-module/module.yml" in page
    before = db.session.get(Course, course.id).version
    client.post(f"/teaching/{course.slug}/publish")
    db.session.expire_all()
    assert db.session.get(Course, course.id).version == before


def test_a_new_course_is_invisible_until_first_published(client, sign_in):
    sign_in(Role.INSTRUCTOR)
    response = client.post(
        "/teaching/new",
        data={
            "title": "Working With Parts",
            "slug": "working-with-parts",
            "summary": "Parts work.",
            "ce_hours": "0.5",
            "level": "advanced",
            "delivery_format": "Online, self-paced (home study)",
        },
    )
    assert response.status_code == 302
    assert "Working With Parts" not in client.get("/").get_data(as_text=True)
    assert client.get("/courses/working-with-parts").status_code == 404
    taken = client.post(
        "/teaching/new",
        data={
            "title": "Again",
            "slug": "working-with-parts",
            "summary": "x",
            "ce_hours": "1",
            "level": "beginning",
            "delivery_format": "Online",
        },
    ).get_data(as_text=True)
    assert "already exists" in taken


def test_the_team_is_managed_by_its_owner(client, teaching, make_user, sign_in):
    course, owner = teaching
    colleague = make_user(Role.INSTRUCTOR)
    learner = make_user()
    page = client.post(f"/teaching/{course.slug}/team", data={"email": learner.email}).get_data(
        as_text=True
    )
    assert "No active instructor has that email" in page
    client.post(f"/teaching/{course.slug}/team", data={"email": colleague.email.upper()})
    assert db.session.get(CourseStaff, (course.id, colleague.id)) is not None
    page = client.post(
        f"/teaching/{course.slug}/team/{owner.id}/remove",
        data={"confirm": "yes"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "The course needs an owner" in page
    client.post("/sign-out")
    sign_in(user=colleague)
    assert client.get(f"/teaching/{course.slug}").status_code == 200  # co-instructor edits
    page = client.post(
        f"/teaching/{course.slug}/team/{owner.id}/remove",
        data={"confirm": "yes"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "owner can change its team." in page


def test_export_then_import_as_a_draft(client, teaching):
    course, _ = teaching
    exported = client.get(f"/teaching/{course.slug}/export.zip")
    assert exported.mimetype == "application/zip"
    response = client.post(
        "/teaching/import",
        data={"archive": (io.BytesIO(exported.data), "course.zip")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    page = client.get(f"/teaching/{course.slug}").get_data(as_text=True)
    assert "Unpublished changes" in page


def _zip(entries: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in entries.items():
            archive.writestr(name, text)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ({"../evil.md": "x"}, "evil.md"),
        ({"one/course.yml": "slug: one", "two/course.yml": "slug: two"}, "exactly one course"),
        ({"c/course.yml": "slug: [unclosed"}, "c/course.yml:1"),
        ({"c/course.yml": "slug: c", "c/notes.txt": "x"}, "notes.txt"),
        ({f"c/f{i}.md": "x" for i in range(600)}, "files"),
    ],
)
def test_zip_imports_that_break_the_rules_change_nothing(client, teaching, entries, message):
    before = rows()
    page = client.post(
        "/teaching/import",
        data={"archive": (io.BytesIO(_zip(entries)), "course.zip")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "Nothing was imported" in page and message in page
    assert rows() == before


def test_a_zip_over_the_size_limit_is_refused(client, teaching):
    before = rows()
    big = io.BytesIO(b"PK" + b"\0" * (6 * 1024 * 1024))
    response = client.post(
        "/teaching/import", data={"archive": (big, "big.zip")}, content_type="multipart/form-data"
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Nothing was imported" in page
    assert "The file is 6.1 MB; the limit is 5 MB." in page
    assert rows() == before
