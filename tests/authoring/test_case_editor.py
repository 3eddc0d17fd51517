"""The case editor: a case added to the draft, scenes written with the checker's messages
beside their fields, the graph and its text, the preview, publishing, and who may do it."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.accounts.models import Role
from app.authoring.models import CourseDraft
from app.authoring.services import working_spec
from app.cases import drawing
from app.catalog.models import ModuleCase
from app.db import db
from tests.cases.helpers import case_spec
from tests.factories import make_course, teach_signed_in


def case_base(course) -> str:  # type: ignore[no-untyped-def]
    return f"/teaching/{course.slug}/modules/m1/case"


def version_in(page: str, action: str = "") -> str:
    """The version (hidden ``base``) in the page's form posting to a path ending ``action``
    (any form when ``action`` is empty), as a browser would send it back."""
    for form in re.findall(r"<form\b.*?</form>", page, flags=re.S):
        posts_to = re.search(r'action="([^"]*)"', form)
        found = re.search(r'<input[^>]*name="base"[^>]*value="([^"]*)"', form)
        if action and posts_to and posts_to.group(1).endswith(action):
            assert found, f"the form posting to {action} carries no version"
            return found.group(1)
        if not action and found:
            return found.group(1)
    raise AssertionError(f"no form posts to {action or 'the page'} with a version")


def scene_form(**values: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "A check-in",
        "narrative": "The client opens their eyes.",
        "status": "Alertness: awake",
        "choices-0-text": "Ask how they are",
        "choices-0-rating": "best",
        "choices-0-next": "good-ending",
        "choices-0-feedback": "An open question keeps them in charge.",
        "choices-1-text": "Start talking about the next session",
        "choices-1-rating": "",
        "choices-1-next": "poor-ending",
        "choices-1-feedback": "Too soon.",
        "ending_rating": "best",
    }
    data.update(values)
    return data


def test_an_instructor_adds_a_case_writes_a_scene_and_publishes_it(client, make_user, sign_in):
    course, _owner = teach_signed_in(make_user, sign_in)
    base = case_base(course)
    page = client.get(base).get_data(as_text=True)
    assert "Add a case simulation" in page
    response = client.post(
        base, data={"title": "Practice case", "summary": "A first case.", "requirement": "ending"}
    )
    assert response.status_code == 302
    case = working_spec(course).modules[0].case
    assert case is not None and case.requirement == "ending"
    assert [s.id for s in case.scenes] == ["opening", "good-ending", "poor-ending"]

    # A new scene with a choice left without a rating: saved to the draft, and the checker
    # names the problem beside that choice's rating field (and the unreachable scene).
    response = client.post(f"{base}/scenes/new", data=scene_form(scene_id="check-in"))
    assert response.status_code == 302 and response.location.endswith("/scenes/check-in")
    page = client.get(response.location).get_data(as_text=True)
    assert 'id="choices-1-rating-checker"' in page
    assert "choice has no rating (best, acceptable, risky or harmful)" in page
    assert "scene &#39;check-in&#39; cannot be reached from the start" in page

    overview = client.get(base).get_data(as_text=True)
    assert "<svg" in overview and 'role="img"' in overview and "The graph in words" in overview
    assert "check-in, choice 1" in overview and "leads to good-ending" in overview

    # Publishing refuses the draft while the checker reports problems.
    client.post(f"/teaching/{course.slug}/publish")
    assert db.session.scalar(select(ModuleCase)) is None

    # Fix it: rate the choice and lead the opening's first choice to the new scene.
    version = version_in(page, "/scenes/check-in")
    rated = scene_form(base=version, **{"choices-1-rating": "risky"})
    assert client.post(f"{base}/scenes/check-in", data=rated).status_code == 302
    opening = {
        "base": version_in(client.get(f"{base}/scenes/opening").get_data(as_text=True)),
        "title": "Opening",
        "narrative": "Describe the moment.",
        "choices-0-text": "Check in first",
        "choices-0-rating": "best",
        "choices-0-next": "check-in",
        "choices-0-feedback": "Checking in comes first.",
        "choices-1-text": "Carry on",
        "choices-1-rating": "risky",
        "choices-1-next": "poor-ending",
        "choices-1-feedback": "It skips the check-in.",
        "ending_rating": "best",
    }
    assert client.post(f"{base}/scenes/opening", data=opening).status_code == 302
    assert "The checker reports" not in client.get(base).get_data(as_text=True)

    preview = client.get(f"{base}/preview").get_data(as_text=True)
    assert "Opening" in preview and "scenes/" not in preview and "at=check-in" in preview
    after = client.get(f"{base}/preview?at=check-in&from=opening&choice=1").get_data(as_text=True)
    assert "A check-in" in after and "Checking in comes first." in after
    ending = client.get(f"{base}/preview?at=good-ending").get_data(as_text=True)
    assert "Ending: A good outcome" in ending

    assert client.post(f"/teaching/{course.slug}/publish").status_code == 302
    published = db.session.scalar(select(ModuleCase))
    assert published is not None and published.requirement == "ending"
    assert [s["id"] for s in published.spec["scenes"]] == [
        "opening", "good-ending", "poor-ending", "check-in",
    ]  # fmt: skip


def test_tampered_and_invalid_scene_posts_change_nothing(client, make_user, sign_in):
    course, _owner = teach_signed_in(make_user, sign_in)
    base = case_base(course)
    client.post(
        base, data={"title": "Practice case", "summary": "A first case.", "requirement": "none"}
    )
    before = db.session.scalar(select(CourseDraft.document))
    for data in (
        scene_form(scene_id="x", **{"choices-0-next": "not-a-scene"}),  # a target not offered
        scene_form(scene_id="x", **{"choices-0-rating": "superb"}),
        scene_form(scene_id="Not A Slug"),
        scene_form(scene_id="opening"),  # an id already taken
        scene_form(scene_id="x", narrative="<script>alert(1)</script>"),
        scene_form(scene_id="x", status="no colon here"),
        scene_form(scene_id="x", is_ending="y", score="400", outcome="Done", debrief="D"),
    ):
        response = client.post(f"{base}/scenes/new", data=data)
        assert response.status_code == 200, data
    db.session.expire_all()
    assert db.session.scalar(select(CourseDraft.document)) == before
    assert client.get(f"{base}/scenes/nope").status_code == 404
    assert client.get(f"/teaching/{course.slug}/modules/nope/case").status_code == 404
    assert client.get(f"{base}/preview?at=nowhere").status_code == 404


def test_the_first_scene_cannot_be_removed_and_others_can(client, make_user, sign_in):
    course, _owner = teach_signed_in(make_user, sign_in)
    base = case_base(course)
    client.post(base, data={"title": "Practice case", "summary": "A case.", "requirement": "none"})
    opening = client.get(f"{base}/scenes/opening").get_data(as_text=True)
    assert "Take this scene out" not in opening  # no button, and a forged post is refused:
    client.post(f"{base}/scenes/opening/remove", data={"base": version_in(opening)})
    assert working_spec(course).modules[0].case.scene("opening") is not None
    poor = client.get(f"{base}/scenes/poor-ending").get_data(as_text=True)
    removing = {"base": version_in(poor, "/scenes/poor-ending/remove")}
    assert client.post(f"{base}/scenes/poor-ending/remove", data=removing).status_code == 302
    case = working_spec(course).modules[0].case
    assert case.scene("poor-ending") is None
    assert "leads to &#39;poor-ending&#39;, which is not a scene" in client.get(base).get_data(
        as_text=True
    )
    page = client.get(base).get_data(as_text=True)
    assert (
        client.post(f"{base}/remove", data={"base": version_in(page, "/remove")}).status_code == 302
    )
    assert working_spec(course).modules[0].case is None


def test_other_instructors_and_learners_are_refused(client, make_user, sign_in):
    course = make_course()
    base = case_base(course)
    sign_in(Role.INSTRUCTOR)  # not on the course's team
    for path in (base, f"{base}/scenes/new", f"{base}/preview"):
        assert client.get(path).status_code == 403
    assert (
        client.post(base, data={"title": "X", "summary": "Y", "requirement": "none"}).status_code
        == 403
    )
    client.post("/sign-out")
    sign_in(Role.LEARNER)
    assert client.get(base).status_code == 403
    assert db.session.scalar(select(CourseDraft)) is None


def test_the_graph_is_drawn_with_every_scene_and_choice() -> None:
    case = case_spec()
    assert drawing.columns(case) == [["start"], ["middle", "bad"], ["good", "ok"]]
    svg = drawing.svg(case)
    assert svg.count("<rect") == 5 and svg.count("<line") == 5
    assert 'stroke-dasharray="2 4"' in svg  # the harmful choice is dotted, not only coloured
    assert [(e.source, e.number, e.target) for e in drawing.edges(case)][:2] == [
        ("start", 1, "middle"),
        ("start", 2, "bad"),
    ]
    hostile = case_spec().__class__(
        **{**case.to_dict(), "title": "<b>&</b>", "scenes": case.scenes}
    )
    assert "&lt;b&gt;&amp;&lt;/b&gt;" in drawing.svg(hostile)
