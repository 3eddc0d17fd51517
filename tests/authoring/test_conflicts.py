"""Two co-instructors editing one lesson or question: the later save from a stale form is
refused, told plainly, and keeps what its author typed."""

from __future__ import annotations

import re

import pytest

from app.accounts.models import Role
from app.authoring import edits
from app.authoring.services import working_spec
from app.catalog.models import CourseStaff
from app.db import db
from tests.authoring.test_authoring import QUESTION
from tests.concurrency import browser_of
from tests.factories import course_spec, make_course, question
from tests.security.cases import SETTINGS

LESSON_PATH = "/teaching/{}/modules/m1/lessons/lesson-1"
QUESTION_PATH = "/teaching/{}/modules/m1/questions/q-single"


def base_of(page: str) -> str:
    """The version the edit form was loaded from (its hidden field)."""
    found = re.search(r'<input[^>]*name="base"[^>]*>', page)
    assert found, "the edit form should carry the version it was loaded from"
    value = re.search(r'value="([^"]*)"', found.group(0))
    assert value and value.group(1)
    return value.group(1)


@pytest.fixture
def co_instructors(make_user):  # type: ignore[no-untyped-def]
    """A course taught by two instructors, each in a browser of their own."""
    course = make_course()
    first, second = make_user(Role.INSTRUCTOR), make_user(Role.INSTRUCTOR)
    db.session.add_all(
        [
            CourseStaff(course_id=course.id, user_id=first.id, is_owner=True),
            CourseStaff(course_id=course.id, user_id=second.id, is_owner=False),
        ]
    )
    db.session.commit()
    return course, browser_of(first, make_user.password), browser_of(second, make_user.password)


def lesson_form(page: str, title: str, body: str) -> dict[str, str]:
    """The lesson form as loaded in ``page``, with a new title and body typed in."""
    return {"base": base_of(page), "title": title, "minutes": "30", "body": body, "action": "save"}


def test_a_stale_lesson_save_is_refused_and_keeps_the_authors_text(co_instructors):
    course, ann, bea = co_instructors
    path = LESSON_PATH.format(course.slug)
    anns_page = ann.get(path).get_data(as_text=True)
    beas_page = bea.get(path).get_data(as_text=True)
    saved = ann.post(path, data=lesson_form(anns_page, "Ann's title", "Ann's careful rewrite."))
    assert saved.status_code == 302

    refused = bea.post(path, data=lesson_form(beas_page, "Bea's title", "Bea's own paragraph."))

    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert "Not saved: someone changed this lesson while you were editing it" in page
    assert "Bea&#39;s own paragraph." in page and "Bea&#39;s title" in page  # kept in the form
    assert "Ann&#39;s careful rewrite." in page  # their version, shown to merge from
    db.session.expire_all()
    lesson = working_spec(course).modules[0].lessons[0]
    assert (lesson.title, lesson.body) == ("Ann's title", "Ann's careful rewrite.")

    # Having seen Ann's version, Bea saves again from the refusal page: it goes through.
    again = bea.post(path, data=lesson_form(page, "Both titles", "Ann's rewrite, then Bea's."))
    assert again.status_code == 302
    db.session.expire_all()
    assert working_spec(course).modules[0].lessons[0].body == "Ann's rewrite, then Bea's."


def test_a_colleagues_edit_to_another_lesson_is_no_conflict(co_instructors):
    course, ann, bea = co_instructors
    path = LESSON_PATH.format(course.slug)
    other = path.replace("lesson-1", "lesson-2")
    beas_page = bea.get(path).get_data(as_text=True)
    anns_page = ann.get(other).get_data(as_text=True)
    assert ann.post(other, data=lesson_form(anns_page, "Other", "Other text.")).status_code == 302
    assert bea.post(path, data=lesson_form(beas_page, "Mine", "My text.")).status_code == 302
    db.session.expire_all()
    first, second = working_spec(course).modules[0].lessons
    assert (first.body, second.body) == ("My text.", "Other text.")


def test_a_stale_question_save_is_refused_and_keeps_the_authors_text(co_instructors):
    course, ann, bea = co_instructors
    path = QUESTION_PATH.format(course.slug)
    anns_base = base_of(ann.get(path).get_data(as_text=True))
    beas_base = base_of(bea.get(path).get_data(as_text=True))
    anns = QUESTION | {"base": anns_base, "prompt": "Ann asks this?"}
    assert ann.post(path, data=anns).status_code == 302

    beas = QUESTION | {"base": beas_base, "prompt": "Bea asks that?"}
    refused = bea.post(path, data=beas)

    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert "Not saved: someone changed this question while you were editing it" in page
    assert "Bea asks that?" in page and "Ann asks this?" in page
    db.session.expire_all()
    saved = working_spec(course).modules[0].quiz.questions[0]
    assert saved.prompt == "Ann asks this?"


def test_a_forged_or_missing_base_never_overwrites_silently(co_instructors):
    """A base from nowhere is stale; a form without one (an old page) keeps the old rule."""
    course, ann, _ = co_instructors
    path = LESSON_PATH.format(course.slug)
    page = ann.get(path).get_data(as_text=True)
    forged = lesson_form(page, "Forged", "Forged.") | {"base": "0" * 32}
    assert ann.post(path, data=forged).status_code == 409
    no_base = {k: v for k, v in lesson_form(page, "Plain", "Plain.").items() if k != "base"}
    assert ann.post(path, data=no_base).status_code == 302


def test_saving_what_is_already_there_is_no_conflict():
    spec = course_spec()
    lesson = spec.modules[0].lessons[0]
    changed = edits.put_lesson(
        spec, "m1", lesson.__class__(**{**lesson.to_dict(), "body": "B"}), lesson.slug
    )
    same = changed.modules[0].lessons[0]
    # A double click: the second save carries the old base but the same text.
    assert edits.put_lesson(changed, "m1", same, lesson.slug, edits.fingerprint(lesson)) == changed
    other = same.__class__(**{**same.to_dict(), "body": "C"})
    with pytest.raises(edits.EditConflict) as refused:
        edits.put_lesson(changed, "m1", other, lesson.slug, edits.fingerprint(lesson))
    assert refused.value.theirs == same


def test_fingerprints_follow_content_not_identity():
    first = question("q-a")
    assert edits.fingerprint(first) == edits.fingerprint(question("q-a"))
    assert edits.fingerprint(first) != edits.fingerprint(question("q-b"))


def module_form(page: str, title: str) -> dict[str, str]:
    """The module form as loaded in ``page``, retitled."""
    return {
        "base": base_of(page),
        "title": title,
        "summary": "A module.",
        "objectives": "goal: Reach the goal.",
    }


def test_a_stale_module_save_is_refused_and_keeps_the_authors_text(co_instructors):
    course, ann, bea = co_instructors
    path = f"/teaching/{course.slug}/modules/m1"
    anns_page = ann.get(path).get_data(as_text=True)
    beas_page = bea.get(path).get_data(as_text=True)
    assert ann.post(path, data=module_form(anns_page, "Ann's module")).status_code == 302
    refused = bea.post(path, data=module_form(beas_page, "Bea's module"))
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert "Not saved: someone changed this module while you were editing it" in page
    assert "Bea&#39;s module" in page and "Ann&#39;s module" in page
    db.session.expire_all()
    assert working_spec(course).modules[0].title == "Ann's module"


def test_a_stale_settings_save_is_refused_and_shows_what_differs(co_instructors):
    course, ann, bea = co_instructors
    path = f"/teaching/{course.slug}/settings"
    anns_base = base_of(ann.get(path).get_data(as_text=True))
    beas_base = base_of(bea.get(path).get_data(as_text=True))
    settings = SETTINGS | {"title": course.title, "attempt_limit": "2"}
    assert ann.post(path, data=settings | {"base": anns_base, "pass_mark": "90"}).status_code == 302

    refused = bea.post(path, data=settings | {"base": beas_base, "summary": "Bea's summary."})

    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert "Not saved: someone changed this course&#39;s settings while you were editing it" in page
    assert "Bea&#39;s summary." in page  # kept in the form
    theirs = page[page.index('id="theirs"') :]
    assert "Pass mark" in theirs and "90" in theirs  # Ann's change, named
    db.session.expire_all()
    spec = working_spec(course)
    assert (spec.pass_mark, spec.summary) == (90, "A test course.")
