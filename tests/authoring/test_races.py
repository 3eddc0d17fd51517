"""Instructors' repeated and simultaneous writes on PostgreSQL, ten at once through the app:
publishing, draft edits, the course team, new courses and zip imports."""

from __future__ import annotations

import dataclasses
import re

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role
from app.audit.models import AuditEvent
from app.authoring.services import working_spec
from app.catalog.models import Course, CourseStaff
from app.content.archive import course_to_zip
from app.content.exporter import course_spec
from app.db import db
from tests.authoring.test_authoring import LESSON
from tests.concurrency import N, Shot, as_one_request, browser_of, fire, fire_together
from tests.factories import make_course

pytestmark = pytest.mark.postgres


def owned_course(make_user, slug: str):  # type: ignore[no-untyped-def]
    """A published course of its own and its owner's browser: (course, owner, browser)."""
    course = make_course(slug=slug)
    owner = make_user(Role.INSTRUCTOR)
    db.session.add(CourseStaff(course_id=course.id, user_id=owner.id, is_owner=True))
    db.session.commit()
    return course, owner, browser_of(owner, make_user.password)


def test_ten_publishes_at_once_publish_once(make_user):
    def world() -> Shot:
        course, _, browser = owned_course(make_user, f"course-{make_user.count}")
        browser.post(f"/teaching/{course.slug}/modules/m1/lessons/new", data=LESSON)
        return Shot(browser, f"/teaching/{course.slug}/publish")

    as_one_request(world)
    published = select(func.count()).where(AuditEvent.action == "course.published")
    assert db.session.scalar(published) == 2  # one per world
    assert sorted(db.session.scalars(select(Course.version))) == [2, 2]


def test_ten_new_lessons_saved_at_once_by_co_instructors_are_all_kept(make_user):
    """Each of ten co-instructors adds a different lesson at the same moment: the draft is
    one document, so without turns each save would overwrite the others'."""
    course, _, browser = owned_course(make_user, "shared")
    forms = [LESSON | {"title": f"Lesson from author {i}"} for i in range(N)]
    responses = fire(Shot(browser, f"/teaching/{course.slug}/modules/m1/lessons/new"), forms=forms)
    assert {r.status_code for r in responses} == {302}
    db.session.expire_all()
    titles = {lesson.title for lesson in working_spec(course).modules[0].lessons}
    assert {f["title"] for f in forms} <= titles


def test_ten_additions_of_one_instructor_at_once_add_them_once(make_user):
    def world() -> Shot:
        course, _, browser = owned_course(make_user, f"course-{make_user.count}")
        colleague = make_user(Role.INSTRUCTOR)
        return Shot(browser, f"/teaching/{course.slug}/team", {"email": colleague.email})

    as_one_request(world)
    assert db.session.scalar(select(func.count()).select_from(CourseStaff)) == 4


def test_ten_removals_of_one_instructor_at_once_remove_them_once(make_user):
    def world() -> Shot:
        course, _, browser = owned_course(make_user, f"course-{make_user.count}")
        colleague = make_user(Role.INSTRUCTOR)
        db.session.add(CourseStaff(course_id=course.id, user_id=colleague.id, is_owner=False))
        db.session.commit()
        return Shot(
            browser, f"/teaching/{course.slug}/team/{colleague.id}/remove", {"confirm": "yes"}
        )

    as_one_request(world)
    assert db.session.scalar(select(func.count()).select_from(CourseStaff)) == 2


def test_two_owners_removing_each_other_at_once_leave_one_owner(make_user):
    course, first, first_browser = owned_course(make_user, "two-owners")
    second = make_user(Role.INSTRUCTOR)
    db.session.add(CourseStaff(course_id=course.id, user_id=second.id, is_owner=True))
    db.session.commit()
    second_browser = browser_of(second, make_user.password)
    path = f"/teaching/{course.slug}/team/{{}}/remove"
    fire_together(
        [
            Shot(first_browser, path.format(second.id), {"confirm": "yes"}),
            Shot(second_browser, path.format(first.id), {"confirm": "yes"}),
        ]
    )
    db.session.expire_all()
    owners = db.session.scalars(
        select(CourseStaff).where(CourseStaff.course_id == course.id, CourseStaff.is_owner)
    ).all()
    assert len(owners) == 1


def test_ten_new_courses_from_one_double_clicked_form_create_one(make_user):
    def world() -> Shot:
        instructor = make_user(Role.INSTRUCTOR)
        form = {
            "slug": f"new-course-{instructor.id}",
            "title": "A new course",
            "summary": "What it teaches.",
            "ce_hours": "1.5",
            "level": "beginning",
            "delivery_format": "Online, self-paced (home study)",
        }
        return Shot(browser_of(instructor, make_user.password), "/teaching/new", form)

    as_one_request(world)


@pytest.mark.parametrize("exists", [True, False], ids=["re-import", "first import"])
def test_ten_imports_of_one_zip_at_once_hold_as_one(make_user, exists):
    def world() -> Shot:
        slug = f"imported-{make_user.count}"
        course, _, browser = owned_course(make_user, slug)
        spec = course_spec(course)
        if not exists:  # the zip names a course the site does not have yet
            spec = dataclasses.replace(spec, slug=f"fresh-{make_user.count}")
        archive = course_to_zip(spec)
        return Shot(browser, "/teaching/import", {"archive": (archive, "course.zip")})

    responses = as_one_request(world)
    assert {r.status_code for r in responses} == {302}


def test_ten_saves_of_one_lesson_from_one_loaded_version_keep_one_and_refuse_the_rest(make_user):
    """Ten co-instructors opened the same lesson and press Save at the same moment: one
    version is saved, every other author is told and keeps their text, none is dropped."""
    course, _, browser = owned_course(make_user, "one-lesson")
    path = f"/teaching/{course.slug}/modules/m1/lessons/lesson-1"
    page = browser.get(path).get_data(as_text=True)
    base = re.search(r'<input[^>]*name="base"[^>]*value="([0-9a-f]+)"', page)
    assert base
    forms = [
        {"base": base.group(1), "title": "Lesson", "minutes": "30", "body": f"Version {i}."}
        | {"action": "save"}
        for i in range(N)
    ]
    responses = fire(Shot(browser, path), forms=forms)
    assert sorted(r.status_code for r in responses) == [302] + [409] * (N - 1)
    db.session.expire_all()
    kept = working_spec(course).modules[0].lessons[0].body
    for form, response in zip(forms, responses, strict=True):
        if response.status_code == 409:  # told, with their own text still in the form
            assert form["body"] in response.get_data(as_text=True)
            assert kept in response.get_data(as_text=True)
        else:
            assert form["body"] == kept


def test_ten_archive_clicks_at_once_archive_once(make_user):
    def world() -> Shot:
        course, _, browser = owned_course(make_user, f"course-{make_user.count}")
        return Shot(browser, f"/teaching/{course.slug}/archive", {"archived": "1"})

    as_one_request(world)
    archived = select(func.count()).where(AuditEvent.action == "course.archived")
    assert db.session.scalar(archived) == 2


def test_ten_discards_at_once_discard_once(make_user):
    def world() -> Shot:
        course, _, browser = owned_course(make_user, f"course-{make_user.count}")
        browser.post(f"/teaching/{course.slug}/modules/m1/lessons/new", data=LESSON)
        page = browser.get(f"/teaching/{course.slug}/discard").get_data(as_text=True)
        stamp = re.search(r'name="stamp" type="hidden" value="([^"]+)"', page).group(1)
        return Shot(browser, f"/teaching/{course.slug}/discard", {"confirm": "yes", "stamp": stamp})

    as_one_request(world)


def test_a_module_renamed_while_lessons_are_added_keeps_every_lesson(make_user):
    """The rename's form was loaded before the lessons existed; saved at the same moment as
    they are, it must not write back the module's lessons as they were."""
    course, _, browser = owned_course(make_user, "renamed")
    module_path = f"/teaching/{course.slug}/modules/m1"
    page = browser.get(module_path).get_data(as_text=True)
    base = re.search(r'<input[^>]*name="base"[^>]*value="([0-9a-f]+)"', page)
    assert base
    rename = {"base": base.group(1), "title": "Renamed", "summary": "A module."}
    rename |= {"objectives": "goal: Reach the goal."}
    adds = [LESSON | {"title": f"Added lesson {i}"} for i in range(N - 1)]
    fire_together(
        [Shot(browser, module_path, rename)]
        + [Shot(browser, f"{module_path}/lessons/new", form) for form in adds]
    )
    db.session.expire_all()
    module = working_spec(course).modules[0]
    assert module.title == "Renamed"
    assert {form["title"] for form in adds} <= {lesson.title for lesson in module.lessons}
