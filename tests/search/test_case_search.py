"""Case simulations in site search: what a learner reads in a published case is found, the
hit leads to the case, and drafts, archived courses and cases taken out are never found.

Like the rest of tests/search, every test here runs on SQLite and, with TEST_DATABASE_URL,
on PostgreSQL.
"""

from __future__ import annotations

import dataclasses
import re

from sqlalchemy import select

from app.accounts.models import Role
from app.authoring.services import set_archived
from app.catalog.models import Course, CourseStaff, ModuleCase
from app.content.importer import import_courses
from app.content.spec import CaseSpec, CourseSpec
from app.db import db
from app.search.services import search
from app.search.text import case_text
from tests.authoring.test_case_editor import version_in
from tests.cases.helpers import case_spec
from tests.factories import course_spec, make_course


def rare_case() -> CaseSpec:
    """The test case with a rare word in each text a learner reads: a scene's title, its
    narrative (Markdown), what the client says, and an ending's outcome and debrief."""
    case = case_spec()
    start, middle, good, *others = case.scenes
    ending = good.ending
    assert ending is not None
    return dataclasses.replace(
        case,
        scenes=(
            dataclasses.replace(
                start, narrative="The client describes a **zebrafish** memory.", client_says=None
            ),
            dataclasses.replace(middle, title="Marmalade", client_says="I smell kumquat."),
            dataclasses.replace(
                good,
                ending=dataclasses.replace(
                    ending, outcome="Quetzal calm", debrief="The *axolotl* pacing held."
                ),
            ),
            *others,
        ),
    )


def course_with(case: CaseSpec, slug: str = "casework") -> CourseSpec:
    """A course whose first module holds ``case``."""
    spec = course_spec(slug)
    return dataclasses.replace(
        spec, modules=(dataclasses.replace(spec.modules[0], case=case), *spec.modules[1:])
    )


def the_case(course: Course) -> ModuleCase:
    db.session.expire_all()
    case = course.active_modules[0].active_case
    assert case is not None
    return case


def test_a_word_only_in_a_case_scene_finds_the_case(app):
    course = make_course(course_with(rare_case()))
    case = the_case(course)
    for word in ("zebrafish", "marmalade", "kumquat", "quetzal", "axolotl"):
        hits = search(word)
        assert [(hit.case_id, hit.title) for hit in hits] == [(case.id, "A test case")], word
        assert hits[0].module_slug == "m1" and hits[0].lesson_slug is None
        assert "<mark>" in hits[0].snippet and "*" not in hits[0].snippet  # plain text


def test_the_search_page_links_a_case_hit_to_the_case(client, app, make_user, sign_in):
    course = make_course(course_with(rare_case()))
    case = the_case(course)
    page = client.get("/?q=zebrafish").get_data(as_text=True)
    link = f'href="/courses/{course.slug}/cases/{case.id}"'
    assert re.search(rf"<h3><a {re.escape(link)}>Case simulation: A test case</a>", page)
    assert "Module m1" in page and "<mark>zebrafish</mark>" in page
    # As for a lesson, the case itself opens to enrolled learners only.
    assert client.get(f"/courses/{course.slug}/cases/{case.id}").status_code == 302
    sign_in(Role.LEARNER)
    client.post(f"/courses/{course.slug}/enroll")
    assert "zebrafish" in client.get(f"/courses/{course.slug}/cases/{case.id}").get_data(
        as_text=True
    )


def test_choices_and_their_feedback_are_not_searched():
    """A search leads to a case; it does not hand out which choice the author rated best."""
    text = case_text(case_spec().to_dict())
    assert "It begins." in text and "Debrief good." in text and "Outcome bad" in text
    assert "Orient" not in text and "Feedback" not in text and "harmful" not in text


def test_a_draft_edit_of_the_case_is_not_found_until_published(client, app, make_user, sign_in):
    course = make_course(course_with(case_spec()))
    owner = make_user(Role.INSTRUCTOR)
    db.session.add(CourseStaff(course_id=course.id, user_id=owner.id, is_owner=True))
    db.session.commit()
    sign_in(user=owner)
    path = f"/teaching/{course.slug}/modules/m1/case/scenes/middle"
    edited = {
        "base": version_in(client.get(path).get_data(as_text=True), "/scenes/middle"),
        "title": "The second scene",
        "narrative": "The client mentions a narwhal.",
        "choices-0-text": "Wait",
        "choices-0-rating": "acceptable",
        "choices-0-next": "ok",
        "choices-0-feedback": "Waiting.",
        "choices-1-text": "Call the team",
        "choices-1-rating": "best",
        "choices-1-next": "good",
        "choices-1-feedback": "Calling.",
        "ending_rating": "best",
    }
    assert client.post(path, data=edited).status_code == 302

    assert search("narwhal") == []
    assert "No course matches" in client.get("/?q=narwhal").get_data(as_text=True)
    assert [hit.case_id for hit in search("goes on")] == [the_case(course).id]  # as published

    assert client.post(f"/teaching/{course.slug}/publish").status_code == 302
    assert [hit.case_id for hit in search("narwhal")] == [the_case(course).id]
    assert search("goes on") == []  # the replaced text is gone at once


def test_an_archived_courses_case_is_not_found(app, make_user):
    course = make_course(course_with(rare_case()))
    assert search("zebrafish")
    set_archived(course, make_user(Role.ADMIN), True)
    assert search("zebrafish") == []
    set_archived(course, make_user(Role.ADMIN), False)
    assert search("zebrafish")


def test_a_case_taken_out_of_its_module_is_not_found(app):
    spec = course_with(rare_case())
    import_courses([spec])
    assert search("kumquat")
    first = dataclasses.replace(spec.modules[0], case=None)
    import_courses([dataclasses.replace(spec, modules=(first, *spec.modules[1:]))])
    assert search("kumquat") == []
    assert db.session.scalar(select(ModuleCase.retired_at)) is not None  # runs keep it


def test_the_migration_indexes_the_cases_already_published(app):
    from app.migrate import downgrade, upgrade

    make_course(course_with(rare_case()))
    case_id = search("quetzal")[0].case_id
    db.session.close()
    downgrade(db.engine, "0019")
    upgrade(db.engine)
    assert [hit.case_id for hit in search("quetzal")] == [case_id]
    assert [hit.lesson_title for hit in search("m1 text") if hit.lesson_title]  # lessons kept
