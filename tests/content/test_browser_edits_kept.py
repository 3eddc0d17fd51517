"""`make run` imports courses/ at every start: it must never overwrite an instructor's work."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.audit.models import AuditEvent
from app.catalog.models import Course, CourseStaff, Lesson
from app.content.writer import write_course
from app.db import db
from tests.factories import course_spec

NEW_LESSON = {
    "title": "Orienting to the room",
    "minutes": "5",
    "body": "Name five things you can see.",
    "action": "save",
}


@pytest.fixture
def files(tmp_path):  # type: ignore[no-untyped-def]
    """A course kept as files, the way courses/ holds the curriculum."""
    folder = tmp_path / "courses"  # tmp_path itself holds the test's database
    write_course(course_spec("grounding"), folder / "grounding")
    return folder


def seed(runner, files, *options: str):  # type: ignore[no-untyped-def]
    """What `make run` does at each start (`flask courses import courses`), plus options."""
    return runner.invoke(args=["courses", "import", str(files), *options])


def lesson_titles() -> set[str]:
    db.session.expire_all()
    return set(db.session.scalars(select(Lesson.title).where(Lesson.retired_at.is_(None))))


@pytest.fixture
def edited(app, client, runner, files, make_user, sign_in):  # type: ignore[no-untyped-def]
    """The course imported by a first `make run`, then a lesson added and published in the
    browser."""
    assert seed(runner, files).exit_code == 0
    course = db.session.scalar(select(Course).where(Course.slug == "grounding"))
    owner = make_user(Role.INSTRUCTOR, email="owner@example.com")
    db.session.add(CourseStaff(course_id=course.id, user_id=owner.id, is_owner=True))
    db.session.commit()
    sign_in(user=owner)
    base = "/teaching/grounding"
    assert client.post(f"{base}/modules/m1/lessons/new", data=NEW_LESSON).status_code == 302
    assert client.post(f"{base}/publish").status_code == 302
    assert "Orienting to the room" in lesson_titles()
    return owner


def test_a_second_seed_keeps_a_browser_edit_and_says_how_to_replace_it(
    client, runner, files, edited
):
    second = seed(runner, files)
    assert second.exit_code == 0
    assert "grounding: kept (version 2): changed in the browser since its last import" in (
        second.output
    )
    assert "--replace-browser-edits --as EMAIL" in second.output
    assert "Orienting to the room" in lesson_titles()
    page = client.get("/courses/grounding").get_data(as_text=True)
    assert "Orienting to the room" in page


def test_a_seed_still_adds_courses_that_are_not_in_the_database(runner, files, edited):
    write_course(course_spec("pacing"), files / "pacing")
    result = seed(runner, files)
    assert "pacing: created (version 1)" in result.output
    assert "grounding: kept" in result.output
    assert "Orienting to the room" in lesson_titles()


def test_a_waiting_draft_also_keeps_the_course_from_the_files(
    app, client, runner, files, make_user, sign_in
):
    assert seed(runner, files).exit_code == 0
    course = db.session.scalar(select(Course).where(Course.slug == "grounding"))
    owner = make_user(Role.INSTRUCTOR)
    db.session.add(CourseStaff(course_id=course.id, user_id=owner.id, is_owner=True))
    db.session.commit()
    sign_in(user=owner)
    client.post("/teaching/grounding/modules/m1/lessons/new", data=NEW_LESSON)
    # Meanwhile someone changes the files; the draft was started from the old version.
    write_course(course_spec("grounding", title="Grounding, revised"), files / "grounding")
    assert "grounding: kept (version 1)" in seed(runner, files).output
    db.session.expire_all()
    assert db.session.get(Course, course.id).title == "Course grounding"


def test_replacing_browser_edits_shows_the_loss_and_is_audited_under_the_person(
    runner, files, edited
):
    result = seed(runner, files, "--replace-browser-edits", "--as", "owner@example.com", "--yes")
    assert result.exit_code == 0, result.output
    assert "Publishing the files over it loses these browser edits:" in result.output
    assert "Removed lesson “Orienting to the room”" in result.output
    assert "grounding: updated (version 3)" in result.output
    assert "Orienting to the room" not in lesson_titles()
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "course.browser_edits_replaced")
    )
    assert event is not None and event.actor_id == edited.id
    assert any("Orienting to the room" in line for line in event.details["lost"])
    # Now in step with the files again: the next start imports file changes as before.
    assert "grounding: unchanged" in seed(runner, files).output


def test_answering_no_replaces_nothing(runner, files, edited):
    result = runner.invoke(
        args=["courses", "import", str(files), "--replace-browser-edits", "--as", edited.email],
        input="n\n",
    )
    assert result.exit_code == 1
    assert "Removed lesson “Orienting to the room”" in result.output
    assert "Orienting to the room" in lesson_titles()


@pytest.mark.parametrize(
    ("who", "message"),
    [
        (None, "--replace-browser-edits needs --as EMAIL"),
        ("nobody@example.com", "No active account has the email"),
        ("stranger@example.com", "does not teach grounding"),
    ],
)
def test_replacing_without_a_person_who_may_is_refused_and_changes_nothing(
    runner, files, edited, make_user, who, message
):
    make_user(Role.INSTRUCTOR, email="stranger@example.com")
    options = ["--replace-browser-edits", "--yes"] + (["--as", who] if who else [])
    result = seed(runner, files, *options)
    assert result.exit_code != 0 and message in result.output
    assert "Orienting to the room" in lesson_titles()
    assert (
        db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "course.browser_edits_replaced")
        )
        is None
    )


def test_new_files_do_not_reopen_an_archived_course(app, runner, files, make_user):
    from app.authoring.services import set_archived

    seed(runner, files)
    admin = make_user(Role.ADMIN)
    course = db.session.scalar(select(Course).where(Course.slug == "grounding"))
    set_archived(course, admin, True)
    write_course(course_spec("grounding", title="Grounding, revised"), files / "grounding")
    assert "grounding: updated (version 2)" in seed(runner, files).output
    db.session.expire_all()
    assert db.session.get(Course, course.id).status == "archived"


def test_an_existing_site_upgraded_keeps_the_browser_edits_made_before(runner, files, edited):
    """Migration 0010 reads the audit log: the next `make run` after upgrading keeps them."""
    from app.migrate import downgrade, upgrade

    db.session.close()
    downgrade(db.engine, "0009")
    upgrade(db.engine)
    assert "grounding: kept" in seed(runner, files).output
    assert "Orienting to the room" in lesson_titles()


def test_exporting_the_browser_edits_to_the_files_puts_them_in_step_again(runner, files, edited):
    assert runner.invoke(args=["courses", "export", "grounding", str(files)]).exit_code == 0
    assert "grounding: unchanged" in seed(runner, files).output
    # From now on the files lead again: an edit to them is imported at the next start.
    lesson = files / "grounding" / "m1" / "orienting-to-the-room.md"
    lesson.write_text(lesson.read_text().replace("five things", "three things"))
    assert "grounding: updated (version 3)" in seed(runner, files).output
    db.session.expire_all()
    body = db.session.scalar(select(Lesson.body).where(Lesson.title == "Orienting to the room"))
    assert "three things" in body
