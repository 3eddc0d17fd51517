"""A small case for tests: two scenes before three endings, one per kind of outcome."""

from __future__ import annotations

from app.content.spec import CaseChoiceSpec, CaseSpec, EndingSpec, SceneSpec, StatusLineSpec


def ending(scene_id: str, rating: str, score: int) -> SceneSpec:
    """An ending scene tied to the test module's objective and first lesson."""
    return SceneSpec(
        id=scene_id,
        title=f"End {scene_id}",
        narrative=f"The {scene_id} ending.",
        ending=EndingSpec(
            outcome=f"Outcome {scene_id}",
            rating=rating,
            score=score,
            debrief=f"Debrief {scene_id}.",
            objectives=("goal",),
            lessons=("lesson-1",),
        ),
    )


def choice(text: str, rating: str, target: str) -> CaseChoiceSpec:
    """A choice with feedback naming it."""
    return CaseChoiceSpec(text=text, rating=rating, next=target, feedback=f"Feedback: {text}.")


def case_spec(
    requirement: str = "none", slug: str = "test-case", advisories: tuple[str, ...] = ()
) -> CaseSpec:
    """start -> (best: middle | harmful: bad | risky: middle);
    middle -> (acceptable: ok | best: good)."""
    return CaseSpec(
        slug=slug,
        title="A test case",
        summary="A case for tests.",
        requirement=requirement,
        advisories=advisories,
        start="start",
        scenes=(
            SceneSpec(
                id="start",
                title="The first scene",
                narrative="It begins.",
                client_says="Something is wrong.",
                status=(StatusLineSpec(label="Breathing", value="Fast"),),
                choices=(
                    choice("Orient", "best", "middle"),
                    choice("Leave the room", "harmful", "bad"),
                    choice("Dig for detail", "risky", "middle"),
                ),
            ),
            SceneSpec(
                id="middle",
                title="The second scene",
                narrative="It goes on.",
                choices=(
                    choice("Wait", "acceptable", "ok"),
                    choice("Call the team", "best", "good"),
                ),
            ),
            ending("good", "best", 100),
            ending("ok", "acceptable", 60),
            ending("bad", "harmful", 0),
        ),
    )


def course_with_case(  # type: ignore[no-untyped-def]
    requirement: str = "ending",
    slug: str = "case-course",
    advisories: tuple[str, ...] = (),
    **settings: object,
):
    """Import a two-module course whose first module holds the test case; return the course."""
    import dataclasses

    from tests.factories import course_spec, make_course

    spec = course_spec(slug=slug, **settings)
    first = dataclasses.replace(spec.modules[0], case=case_spec(requirement, advisories=advisories))
    return make_course(dataclasses.replace(spec, modules=(first, *spec.modules[1:])))


def continue_past_advisory(client, url: str, case_id: int) -> None:  # type: ignore[no-untyped-def]
    """Open the case; if it shows its content advisory, choose "continue now" (a run starts)."""
    page = client.get(url)
    assert page.status_code == 200
    if "Content advisory" in page.get_data(as_text=True):
        data = {"choice": "now", "back": url}
        assert client.post(f"/advisories/case/{case_id}", data=data).status_code == 302
        assert client.get(url).status_code == 200


def play_acceptably(client, course_slug: str, case, user_id: int) -> None:  # type: ignore[no-untyped-def]
    """Play a case over HTTP along the author's recommended path (the best-rated choice in
    each scene), past its content advisory, to the ending that path reaches.

    The shipped cases require an ending rated acceptable or best and their recommended paths
    end rated best (a content guard checks it), so this completes their requirement the way a
    learner would: one final choice a scene, from a new or open run.
    """
    from sqlalchemy import select

    from app.cases.models import CaseRun
    from app.content.casegraph import recommended_path
    from app.db import db

    url = f"/courses/{course_slug}/cases/{case.id}"
    continue_past_advisory(client, url, case.id)
    for scene, index in recommended_path(CaseSpec.from_dict(case.spec)):
        if index is None:
            break
        db.session.expire_all()
        run = db.session.scalars(
            select(CaseRun)
            .where(CaseRun.user_id == user_id, CaseRun.case_id == case.id)
            .order_by(CaseRun.number.desc())
        ).first()
        assert run is not None and run.current_scene == scene.id
        data = {"run": run.id, "step": run.steps + 1, "scene": scene.id, "choice": index + 1}
        assert client.post(url + "/choose", data=data).status_code == 302
