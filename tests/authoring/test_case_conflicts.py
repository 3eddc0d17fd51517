"""Two co-instructors editing one case simulation: a save or removal from a stale page is
refused (409) with the version now in the draft shown and the author's text kept, exactly as
for lessons and questions; no post loses a colleague's work, whatever its version field says."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pytest

from app.accounts.models import Role
from app.authoring import caseedits, edits
from app.authoring.services import working_spec
from app.catalog.models import CourseStaff
from app.content.spec import CaseSpec, SceneSpec
from app.db import db
from tests.authoring.test_case_editor import scene_form, version_in
from tests.concurrency import browser_of
from tests.factories import course_spec, make_course

CASE = "/teaching/{}/modules/m1/case"


def case_now(course: Any) -> CaseSpec:
    """The draft's case as it is now (fresh from the database)."""
    db.session.expire_all()
    case = working_spec(course).modules[0].case
    assert case is not None
    return case


def page_of(client: Any, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def ending_form(page: str, narrative: str) -> dict[str, object]:
    """The "poor-ending" scene's form as loaded in ``page``, with a new narrative typed in."""
    return {
        "base": version_in(page, "/scenes/poor-ending"),
        "title": "A poor outcome",
        "narrative": narrative,
        "is_ending": "y",
        "outcome": "A poor outcome",
        "ending_rating": "risky",
        "score": "30",
        "debrief": "What went wrong.",
        "objectives": "goal",
    }


@pytest.fixture
def two_authors(make_user):  # type: ignore[no-untyped-def]
    """A course with a case in its draft, taught by Ann and Bea, each in a browser of their own."""
    course = make_course()
    ann, bea = make_user(Role.INSTRUCTOR), make_user(Role.INSTRUCTOR)
    db.session.add_all(
        [
            CourseStaff(course_id=course.id, user_id=ann.id, is_owner=True),
            CourseStaff(course_id=course.id, user_id=bea.id, is_owner=False),
        ]
    )
    db.session.commit()
    anns, beas = browser_of(ann, make_user.password), browser_of(bea, make_user.password)
    added = anns.post(
        CASE.format(course.slug),
        data={"title": "Practice case", "summary": "A case.", "requirement": "none"},
    )
    assert added.status_code == 302
    return course, CASE.format(course.slug), anns, beas


def test_a_stale_scene_save_is_refused_and_keeps_the_authors_text(two_authors):
    course, case, ann, bea = two_authors
    path = f"{case}/scenes/poor-ending"
    anns_page, beas_page = page_of(ann, path), page_of(bea, path)
    assert ann.post(path, data=ending_form(anns_page, "Ann's careful scene.")).status_code == 302

    refused = bea.post(path, data=ending_form(beas_page, "Bea's own scene."))

    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert "Not saved: someone changed this scene while you were editing it" in page
    assert "Bea&#39;s own scene." in page.split('id="theirs"')[0]  # kept in her form
    assert "Ann&#39;s careful scene." in page.split('id="theirs"')[1]  # theirs, to merge from
    assert case_now(course).scene("poor-ending").narrative == "Ann's careful scene."

    # Having seen Ann's version, Bea saves again from the refusal page: it goes through.
    again = bea.post(path, data=ending_form(page, "Ann's scene, then Bea's."))
    assert again.status_code == 302
    assert case_now(course).scene("poor-ending").narrative == "Ann's scene, then Bea's."


def test_a_colleagues_edit_to_another_scene_is_kept(two_authors):
    """Both opened their scene before either saved: each save keeps the other's scene."""
    course, case, ann, bea = two_authors
    anns_page = page_of(ann, f"{case}/scenes/poor-ending")
    beas_page = page_of(bea, f"{case}/scenes/opening")
    assert (
        ann.post(
            f"{case}/scenes/poor-ending", data=ending_form(anns_page, "Ann's ending.")
        ).status_code
        == 302
    )
    beas = scene_form(
        base=version_in(beas_page, "/scenes/opening"), title="Opening", narrative="Bea's opening."
    )
    assert bea.post(f"{case}/scenes/opening", data=beas).status_code == 302
    now = case_now(course)
    assert now.scene("poor-ending").narrative == "Ann's ending."
    assert now.scene("opening").narrative == "Bea's opening."


def test_a_stale_removal_of_a_scene_the_other_edited_is_refused(two_authors):
    course, case, ann, bea = two_authors
    path = f"{case}/scenes/poor-ending"
    beas_page = page_of(bea, path)  # with the "Take this scene out" button
    assert ann.post(path, data=ending_form(page_of(ann, path), "Ann's rewrite.")).status_code == 302

    removing = {"base": version_in(beas_page, "/scenes/poor-ending/remove")}
    refused = bea.post(f"{path}/remove", data=removing)

    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert "Not taken out: someone changed this scene after you opened it" in page
    assert "Ann&#39;s rewrite." in page.split('id="theirs"')[1]
    assert case_now(course).scene("poor-ending").narrative == "Ann's rewrite."

    # Having seen Ann's version, Bea still means it: the page's button now removes it.
    again = {"base": version_in(page, "/scenes/poor-ending/remove")}
    assert bea.post(f"{path}/remove", data=again).status_code == 302
    assert case_now(course).scene("poor-ending") is None


def test_a_save_to_a_scene_the_other_took_out_keeps_the_text_to_add_back(two_authors):
    course, case, ann, bea = two_authors
    path = f"{case}/scenes/poor-ending"
    beas_page = page_of(bea, path)
    anns_page = page_of(ann, path)
    removing = {"base": version_in(anns_page, "/scenes/poor-ending/remove")}
    assert ann.post(f"{path}/remove", data=removing).status_code == 302

    refused = bea.post(path, data=ending_form(beas_page, "Bea's work in progress."))

    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert "Not saved: this scene was taken out of the case" in page
    assert "Bea&#39;s work in progress." in page
    assert case_now(course).scene("poor-ending") is None
    # The form now adds it as a new scene, its id filled in: one click brings it back.
    assert f'action="{case}/scenes/new"' in page
    assert re.search(r'name="scene_id"[^>]*value="poor-ending"', page)
    back = {
        **ending_form(beas_page, "Bea's work in progress."),
        "base": version_in(page, "/scenes/new"),
        "scene_id": "poor-ending",
    }
    assert bea.post(f"{case}/scenes/new", data=back).status_code == 302
    assert case_now(course).scene("poor-ending").narrative == "Bea's work in progress."


@pytest.mark.parametrize(
    "version",
    [None, "", "0" * 32, "not-a-version", "none", "²"],
    ids=["missing", "empty", "forged", "garbage", "no-case", "superscript"],
)
def test_a_tampered_or_missing_version_never_overwrites(two_authors, version):
    """A form without its version, or with one it was never given, is stale: refused with
    the draft's version shown, so nobody can skip the check by leaving the field out."""
    course, case, ann, bea = two_authors
    path = f"{case}/scenes/poor-ending"
    assert ann.post(path, data=ending_form(page_of(ann, path), "Ann's ending.")).status_code == 302
    before = case_now(course)

    form = ending_form(page_of(bea, path), "Bea's ending.")
    settings = {"title": "Bea's case", "summary": "A case.", "requirement": "none"}
    settings |= {"start": "opening"}
    posts = [
        (path, form),
        (f"{path}/remove", {}),
        (case, settings),
        (f"{case}/remove", {}),
    ]
    for address, data in posts:
        sent = {k: v for k, v in data.items() if k != "base"}
        if version is not None:
            sent["base"] = version
        response = bea.post(address, data=sent)
        assert response.status_code == 409, (address, version)
        assert "someone changed this" in response.get_data(as_text=True)
    assert case_now(course) == before


def test_another_scenes_version_is_no_key_to_this_one(two_authors):
    course, case, _ann, bea = two_authors
    other = version_in(page_of(bea, f"{case}/scenes/good-ending"), "/scenes/good-ending")
    before = case_now(course)
    form = ending_form(page_of(bea, f"{case}/scenes/poor-ending"), "Bea's.") | {"base": other}
    assert bea.post(f"{case}/scenes/poor-ending", data=form).status_code == 409
    assert bea.post(f"{case}/scenes/poor-ending/remove", data={"base": other}).status_code == 409
    assert case_now(course) == before


def test_a_replayed_form_changes_nothing_after_a_colleagues_save(two_authors):
    course, case, ann, bea = two_authors
    path = f"{case}/scenes/poor-ending"
    anns = ending_form(page_of(ann, path), "Ann's ending.")
    assert ann.post(path, data=anns).status_code == 302
    # A double click, or the browser posting again: what is there already, so it goes through.
    assert ann.post(path, data=anns).status_code == 302
    assert bea.post(path, data=ending_form(page_of(bea, path), "Bea's ending.")).status_code == 302

    replayed = ann.post(path, data=anns)  # Ann's first form, sent again later

    assert replayed.status_code == 409
    assert case_now(course).scene("poor-ending").narrative == "Bea's ending."
    # A replayed removal with the version Ann once saw cannot take out Bea's scene either.
    removing = {"base": version_in(ann.post(path, data=anns).get_data(as_text=True))}
    assert bea.post(path, data=ending_form(page_of(bea, path), "Bea, again.")).status_code == 302
    assert ann.post(f"{path}/remove", data=removing).status_code == 409
    assert case_now(course).scene("poor-ending").narrative == "Bea, again."


def test_a_stale_case_settings_save_is_refused_and_keeps_the_authors_text(two_authors):
    course, case, ann, bea = two_authors
    anns_version = version_in(page_of(ann, case), "/case")
    beas_version = version_in(page_of(bea, case), "/case")
    settings = {"summary": "A case.", "requirement": "none", "start": "opening"}
    anns = settings | {"base": anns_version, "title": "Ann's title"}
    assert ann.post(case, data=anns).status_code == 302

    refused = bea.post(case, data=settings | {"base": beas_version, "title": "Bea's title"})

    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert "Not saved: someone changed this case while you were editing it" in page
    assert 'value="Bea&#39;s title"' in page
    assert "Ann&#39;s title" in page.split('id="theirs"')[1]
    assert case_now(course).title == "Ann's title"
    again = settings | {"base": version_in(page, "/case"), "title": "Both titles"}
    assert bea.post(case, data=again).status_code == 302
    assert case_now(course).title == "Both titles"


def test_a_stale_removal_of_the_case_is_refused_after_a_scene_edit(two_authors):
    course, case, ann, bea = two_authors
    beas_page = page_of(bea, case)
    path = f"{case}/scenes/poor-ending"
    assert ann.post(path, data=ending_form(page_of(ann, path), "Ann's ending.")).status_code == 302

    refused = bea.post(f"{case}/remove", data={"base": version_in(beas_page, "/case/remove")})

    assert refused.status_code == 409
    assert "Not taken out: someone changed this case" in refused.get_data(as_text=True)
    assert case_now(course).scene("poor-ending").narrative == "Ann's ending."


def test_two_authors_adding_a_case_at_once_keep_the_first_and_the_second_text(make_user):
    course = make_course()
    ann, bea = make_user(Role.INSTRUCTOR), make_user(Role.INSTRUCTOR)
    db.session.add_all(
        [
            CourseStaff(course_id=course.id, user_id=ann.id, is_owner=True),
            CourseStaff(course_id=course.id, user_id=bea.id, is_owner=False),
        ]
    )
    db.session.commit()
    anns, beas = browser_of(ann, make_user.password), browser_of(bea, make_user.password)
    path = CASE.format(course.slug)
    anns_version, beas_version = version_in(page_of(anns, path)), version_in(page_of(beas, path))
    form = {"summary": "A case.", "requirement": "none"}
    assert anns.post(path, data=form | {"base": anns_version, "title": "Ann's"}).status_code == 302

    refused = beas.post(path, data=form | {"base": beas_version, "title": "Bea's"})

    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert 'value="Bea&#39;s"' in page and "Ann&#39;s" in page.split('id="theirs"')[1]
    assert case_now(course).title == "Ann's"


def test_a_module_form_is_not_made_stale_by_a_case_edit(two_authors):
    course, case, ann, bea = two_authors
    module_path = f"/teaching/{course.slug}/modules/m1"
    beas = {
        "base": version_in(page_of(bea, module_path)),
        "title": "Bea's module",
        "summary": "A module.",
        "objectives": "goal: Reach the goal.",
    }
    path = f"{case}/scenes/poor-ending"
    assert ann.post(path, data=ending_form(page_of(ann, path), "Ann's ending.")).status_code == 302
    assert bea.post(module_path, data=beas).status_code == 302
    db.session.expire_all()
    assert working_spec(course).modules[0].title == "Bea's module"
    assert case_now(course).scene("poor-ending").narrative == "Ann's ending."


def _starter() -> tuple[Any, SceneSpec]:
    spec = caseedits.set_case(
        course_spec(), "m1", caseedits.starter_case("Case", "A case.", "goal")
    )
    scene = caseedits.case_of(spec, "m1").scene("poor-ending")  # type: ignore[union-attr]
    assert scene is not None
    return spec, scene


def test_saving_what_is_already_there_is_no_conflict_but_anything_else_is():
    spec, scene = _starter()
    changed = dataclasses.replace(scene, narrative="B")
    after = caseedits.save_scene(spec, "m1", changed, "poor-ending", edits.fingerprint(scene))
    old = edits.fingerprint(scene)
    assert caseedits.save_scene(after, "m1", changed, "poor-ending", old) == after
    with pytest.raises(edits.EditConflict) as refused:
        caseedits.save_scene(after, "m1", dataclasses.replace(scene, narrative="C"), scene.id, old)
    assert refused.value.theirs == changed
    with pytest.raises(caseedits.RemovalConflict):
        caseedits.drop_scene(after, "m1", "poor-ending", old)
    with pytest.raises(edits.EditConflict):
        caseedits.save_scene(after, "m1", dataclasses.replace(changed, title="D"), scene.id, None)


def test_the_whole_case_version_follows_every_scene_and_setting():
    spec, scene = _starter()
    case = caseedits.case_of(spec, "m1")
    assert case is not None
    edited = caseedits.put_scene(case, dataclasses.replace(scene, title="Other"), scene.id)
    assert caseedits.whole_case_version(case) != caseedits.whole_case_version(edited)
    retitled = dataclasses.replace(case, title="Other")
    assert caseedits.whole_case_version(case) != caseedits.whole_case_version(retitled)
    # The settings' version leaves the scenes to theirs: a scene edit is no settings conflict.
    assert edits.fingerprint(case) == edits.fingerprint(edited)
