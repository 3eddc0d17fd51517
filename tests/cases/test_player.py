"""The case player over HTTP: playing, final choices, replay, resume, debrief, completion,
and the attacks (someone else's run, tampered or stale choices, unenrolled learners)."""

from __future__ import annotations

import dataclasses

from sqlalchemy import func, select

from app import events
from app.accounts.models import Role
from app.cases.models import CaseRun, CaseRunChoice
from app.catalog.models import ModuleCase
from app.content.exporter import course_spec as exported_spec
from app.content.importer import import_courses
from app.db import db
from app.learning.models import ModuleCompletion
from tests.cases.helpers import course_with_case
from tests.learning.helpers import complete_module_lessons, pass_quiz


def count(model) -> int:  # type: ignore[no-untyped-def]
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def setup(client, sign_in, requirement: str = "ending"):  # type: ignore[no-untyped-def]
    course = course_with_case(requirement)
    user = sign_in()
    assert client.post(f"/courses/{course.slug}/enroll").status_code == 302
    module = course.active_modules[0]
    case = module.active_case
    return course, user, module, case, f"/courses/{course.slug}/cases/{case.id}"


def run_of(user_id: int) -> CaseRun:
    db.session.expire_all()
    return db.session.scalars(
        select(CaseRun).where(CaseRun.user_id == user_id).order_by(CaseRun.number.desc())
    ).first()


def choose(client, url: str, run: CaseRun, choice: int, **override: object):  # type: ignore[no-untyped-def]
    data = {"run": run.id, "step": run.steps + 1, "scene": run.current_scene, "choice": choice}
    data.update(override)
    return client.post(url + "/choose", data=data)


def test_a_run_plays_one_scene_at_a_time_to_a_debrief(client, sign_in):
    course, user, _module, _case, url = setup(client, sign_in)
    page = client.get(url).get_data(as_text=True)
    assert 'id="scene-title" tabindex="-1" autofocus>The first scene' in page
    assert "<dt>Breathing</dt><dd>Fast</dd>" in page and "Something is wrong." in page
    assert "Required: reach any ending" in page and "The second scene" not in page
    run = run_of(user.id)
    assert run.snapshot["slug"] == "test-case" and run.course_version == course.version

    response = choose(client, url, run, 3)
    assert response.status_code == 302 and response.location.endswith("#scene-title")
    page = client.get(url).get_data(as_text=True)
    assert "The second scene" in page and "You chose:</strong> Dig for detail" in page
    assert "Risky" in page and "Feedback: Dig for detail." in page

    run = run_of(user.id)
    response = choose(client, url, run, 1)
    assert f"/runs/{run.id}" in response.location
    page = client.get(response.location.split("#")[0]).get_data(as_text=True)
    assert "Debrief: Outcome ok" in page and "60 / 100" in page
    assert "The path you took" in page and "The recommended path" in page
    assert "Call the team" in page and "Reach the goal." in page  # objective text
    assert "Lesson m1 1" in page  # the lesson it draws on, linked
    assert client.get(url).status_code == 302  # an ended run shows its debrief
    assert [c.rating for c in run_of(user.id).choices] == ["risky", "acceptable"]


def test_module_completion_follows_the_case_rule(client, sign_in):
    course, user, module, case, url = setup(client, sign_in, "acceptable_ending")
    complete_module_lessons(client, course, module)
    pass_quiz(client, course, module, user.id)
    assert count(ModuleCompletion) == 0  # the case is still required
    outline = client.get(url).get_data(as_text=True)
    assert "Case simulation" in outline and "(open)" in outline

    with events.case_ended.recording(lambda p: p.run.ending_rating) as ended:
        choose(client, url, run_of(user.id), 2)  # harmful ending
    assert ended == ["harmful"] and count(ModuleCompletion) == 0
    page = client.get(f"/courses/{course.slug}/cases/{case.id}/runs/{run_of(user.id).id}")
    assert "does not meet it yet" in page.get_data(as_text=True)

    client.post(url + "/replay", data={"run": run_of(user.id).id})
    run = run_of(user.id)
    assert run.number == 2 and run.steps == 0
    choose(client, url, run, 1)
    choose(client, url, run_of(user.id), 1)  # acceptable ending
    assert count(ModuleCompletion) == 1
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "Required case simulations: 1 of 1 done" in dashboard


def test_any_ending_is_enough_when_the_module_asks_for_an_ending(client, sign_in):
    course, user, module, _case, url = setup(client, sign_in, "ending")
    complete_module_lessons(client, course, module)
    pass_quiz(client, course, module, user.id)
    client.get(url)
    assert "case simulation" in client.get("/dashboard").get_data(as_text=True)
    choose(client, url, run_of(user.id), 2)
    assert count(ModuleCompletion) == 1


def test_a_practice_case_does_not_hold_back_the_module(client, sign_in):
    course, user, module, _case, url = setup(client, sign_in, "none")
    complete_module_lessons(client, course, module)
    pass_quiz(client, course, module, user.id)
    assert count(ModuleCompletion) == 1
    assert "(practice)" in client.get(url).get_data(as_text=True)


def test_a_replayed_or_stale_choice_changes_nothing(client, sign_in):
    _course, user, _module, _case, url = setup(client, sign_in)
    client.get(url)
    run = run_of(user.id)
    first = {"run": run.id, "step": 1, "scene": "start", "choice": 1}
    assert client.post(url + "/choose", data=first).status_code == 302
    assert client.post(url + "/choose", data=first).status_code == 302  # the same POST again
    assert "already made" in client.get(url).get_data(as_text=True)
    run = run_of(user.id)
    assert run.steps == 1 and run.current_scene == "middle" and count(CaseRunChoice) == 1
    # The right step number with the scene it was at before, and a choice from another scene.
    choose(client, url, run, 1, scene="start")
    choose(client, url, run, 3, scene="middle")  # middle offers two choices
    choose(client, url, run, 0)
    choose(client, url, run, "2; DROP TABLE")
    choose(client, url, run, "²")  # a digit to str.isdigit, not to int
    client.post(url + "/replay", data={"run": "²"})
    choose(client, url, run, 1, step="-1")
    run = run_of(user.id)
    assert run.steps == 1 and count(CaseRunChoice) == 1
    # A replay posted twice starts one new run, not two.
    client.post(url + "/replay", data={"run": run.id})
    client.post(url + "/replay", data={"run": run.id})
    db.session.expire_all()
    assert [r.number for r in db.session.scalars(select(CaseRun).order_by(CaseRun.number))] == [
        1,
        2,
    ]
    assert db.session.get(CaseRun, run.id).replaced_at is not None


def test_an_ended_run_takes_no_more_choices(client, sign_in):
    _course, user, _module, _case, url = setup(client, sign_in)
    client.get(url)
    run = run_of(user.id)
    choose(client, url, run, 2)
    ended = run_of(user.id)
    assert ended.ended_at is not None
    choose(client, url, ended, 1, step=2, scene="bad")
    assert count(CaseRunChoice) == 1


def test_another_learners_run_is_not_found(client, sign_in, make_user):
    course, owner, _module, _case, url = setup(client, sign_in)
    client.get(url)
    theirs = run_of(owner.id)
    client.post("/sign-out")
    intruder = sign_in()
    client.post(f"/courses/{course.slug}/enroll")
    client.get(url)
    assert choose(client, url, theirs, 1).status_code == 404
    assert client.post(url + "/replay", data={"run": theirs.id}).status_code == 404
    choose(client, url, run_of(owner.id), 2)  # still the intruder: the run is the owner's
    assert client.get(f"{url}/runs/{theirs.id}").status_code == 404
    assert run_of(owner.id).steps == 0 and run_of(intruder.id).steps == 0


def test_a_run_resumes_after_signing_out(client, sign_in):
    _course, user, _module, _case, url = setup(client, sign_in)
    client.get(url)
    choose(client, url, run_of(user.id), 1)
    client.post("/sign-out")
    sign_in(user=user)
    assert "The second scene" in client.get(url).get_data(as_text=True)
    assert count(CaseRun) == 1


def test_unenrolled_and_foreign_cases_are_refused(client, sign_in):
    course = course_with_case("ending")
    other = course_with_case("ending", slug="other-course")
    case = course.active_modules[0].active_case
    sign_in()
    url = f"/courses/{course.slug}/cases/{case.id}"
    response = client.get(url)
    assert response.status_code == 302 and f"/courses/{course.slug}" in response.location
    assert (
        client.post(
            url + "/choose", data={"run": 1, "step": 1, "scene": "start", "choice": 1}
        ).status_code
        == 302
    )
    assert count(CaseRun) == 0
    client.post(f"/courses/{other.slug}/enroll")
    # The case of a course the learner is not enrolled in, asked for under one they are in.
    assert client.get(f"/courses/{other.slug}/cases/{case.id}").status_code == 404
    assert count(CaseRun) == 0


def test_editing_the_case_never_rewrites_a_past_run(client, sign_in):
    course, user, _module, case, url = setup(client, sign_in)
    client.get(url)
    choose(client, url, run_of(user.id), 1)
    spec = exported_spec(course)
    first = spec.modules[0]
    renamed = dataclasses.replace(first.case.scenes[1], title="A renamed scene")
    edited_case = dataclasses.replace(
        first.case, scenes=(first.case.scenes[0], renamed, *first.case.scenes[2:])
    )
    import_courses(
        [
            dataclasses.replace(
                spec, modules=(dataclasses.replace(first, case=edited_case), *spec.modules[1:])
            )
        ]
    )
    db.session.expire_all()
    assert db.session.get(ModuleCase, case.id).spec["scenes"][1]["title"] == "A renamed scene"
    assert "The second scene" in client.get(url).get_data(as_text=True)  # the run's snapshot
    client.post(url + "/replay", data={"run": run_of(user.id).id})
    choose(client, url, run_of(user.id), 1)
    assert "A renamed scene" in client.get(url).get_data(as_text=True)


def test_insight_counts_endings_choices_and_risky_scenes(client, sign_in, make_user):
    course, user, _module, _case, url = setup(client, sign_in)
    client.get(url)
    choose(client, url, run_of(user.id), 3)  # risky
    choose(client, url, run_of(user.id), 1)  # ok ending
    client.post(url + "/replay", data={"run": run_of(user.id).id})
    choose(client, url, run_of(user.id), 2)  # harmful -> bad ending
    insight_url = f"/teaching/{course.slug}/modules/m1/case/insight"
    assert client.get(insight_url).status_code == 403  # a learner
    client.post("/sign-out")
    sign_in(Role.ADMIN)
    page = client.get(insight_url).get_data(as_text=True)
    assert "Runs that reached an ending</dt><dd>2" in page
    assert "<td>Dig for detail</td>" in page and "<td>Leave the room</td>" in page
    assert '<th scope="row">The first scene</th><td>2</td><td>2</td><td>100%</td>' in page
    assert client.get(f"/teaching/{course.slug}/modules/m2/case/insight").status_code == 404


def test_a_case_with_an_advisory_asks_first_and_later_starts_nothing(client, sign_in):
    course = course_with_case("ending", advisories=("panic-during-a-session",))
    user = sign_in()
    assert client.post(f"/courses/{course.slug}/enroll").status_code == 302
    case = course.active_modules[0].active_case
    url = f"/courses/{course.slug}/cases/{case.id}"
    page = client.get(url).get_data(as_text=True)
    assert "Content advisory" in page and "a client in panic or acute fear" in page
    assert "The first scene" not in page and count(CaseRun) == 0  # no run before the choice
    advisory = f"/advisories/case/{case.id}"
    assert client.post(advisory, data={"choice": "later", "back": url}).status_code == 302
    assert "Content advisory" in client.get(url).get_data(as_text=True)
    assert count(CaseRun) == 0  # coming back later starts and completes nothing
    # A choice or a replay posted past the advisory (a stale or crafted form) is refused.
    refused = client.post(
        url + "/choose", data={"run": 1, "step": 1, "scene": "start", "choice": 1}
    )
    assert refused.status_code == 302 and count(CaseRunChoice) == 0
    assert client.post(url + "/replay", data={"run": 1}).status_code == 302
    assert count(CaseRun) == 0
    assert client.post(advisory, data={"choice": "now", "back": url}).status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "The first scene" in page and "Content advisory" not in page
    assert run_of(user.id) is not None


def test_every_scene_offers_pause_and_returns_to_it(client, sign_in):
    course, _user, _module, _case, url = setup(client, sign_in)
    page = client.get(url).get_data(as_text=True)
    assert "data-pause" in page  # the control, opening the grounding dialog with JavaScript
    pause = client.get(f"/pause?course={course.slug}&back={url}").get_data(as_text=True)
    assert f'href="{url}"' in pause  # and, without it, a page that leads back to the scene


def test_an_advisory_for_another_kind_of_step_cannot_name_a_missing_case(client, sign_in):
    setup(client, sign_in)
    response = client.post("/advisories/case/99999", data={"choice": "now", "back": "/"})
    assert response.status_code == 404
