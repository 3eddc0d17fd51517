"""The shipped courses' cases are required: a module of the real core course completes only
once a run of its case reaches an ending rated acceptable or best (HTTP, real content)."""

from __future__ import annotations

from sqlalchemy import func, select

from app.cases.models import CaseRun
from app.catalog.models import Course
from app.config import PROJECT_ROOT
from app.content.casegraph import rank
from app.content.importer import import_courses
from app.content.reader import read_course
from app.db import db
from app.learning.models import ModuleCompletion
from tests.cases.helpers import continue_past_advisory, play_acceptably
from tests.learning.helpers import lesson_url, pass_quiz

CORE = PROJECT_ROOT / "courses" / "kap-core-clinical-skills"


def completions(user_id: int) -> int:
    query = select(func.count()).where(ModuleCompletion.user_id == user_id)
    return db.session.scalar(query.select_from(ModuleCompletion)) or 0


def read_every_lesson(client, course: Course, module) -> None:  # type: ignore[no-untyped-def]
    """Complete the module's lessons, choosing "continue now" at each content advisory
    (the test app does not hold lessons to their minimum time)."""
    for lesson in module.active_lessons:
        url = lesson_url(course, module.slug, lesson.slug)
        if lesson.advisories:
            data = {"choice": "now", "back": url}
            assert client.post(f"/advisories/lesson/{lesson.id}", data=data).status_code == 302
        assert client.get(url).status_code == 200
        assert client.post(url + "/complete").status_code == 302


def test_a_shipped_module_waits_for_an_acceptable_ending_of_its_case(client, sign_in):
    spec, problems = read_course(CORE)
    assert not problems and spec is not None
    import_courses([spec])
    course = db.session.scalar(select(Course).where(Course.slug == spec.slug))
    module = course.active_modules[0]
    case = module.active_case
    assert case is not None and case.requirement == "acceptable_ending"
    user = sign_in()
    assert client.post(f"/courses/{course.slug}/enroll").status_code == 302
    read_every_lesson(client, course, module)
    quiz = module.quiz
    if quiz.advisories:
        data = {"choice": "now", "back": f"/courses/{course.slug}/quizzes/{quiz.id}"}
        assert client.post(f"/advisories/quiz/{quiz.id}", data=data).status_code == 302
    pass_quiz(client, course, module, user.id)
    assert completions(user.id) == 0  # lessons read and quiz passed: the case is still due
    url = f"/courses/{course.slug}/cases/{case.id}"
    continue_past_advisory(client, url, case.id)
    page = client.get(url).get_data(as_text=True)
    assert "Required: reach an ending rated acceptable or best" in page

    # The worst-rated choice in each scene ends the run harmfully; the module stays open.
    played = spec.modules[0].case
    scene = played.scene(played.start)
    while scene is not None and scene.ending is None:
        ranks = [rank(choice.rating) for choice in scene.choices]
        worst = ranks.index(max(ranks))
        db.session.expire_all()
        run = db.session.scalars(select(CaseRun).where(CaseRun.user_id == user.id)).one()
        data = {"run": run.id, "step": run.steps + 1, "scene": scene.id, "choice": worst + 1}
        assert client.post(url + "/choose", data=data).status_code == 302
        scene = played.scene(scene.choices[worst].next)
    db.session.expire_all()
    run = db.session.scalars(select(CaseRun).where(CaseRun.user_id == user.id)).one()
    assert run.ended_at is not None and run.ending_rating == "harmful"
    assert completions(user.id) == 0
    assert client.post(url + "/replay", data={"run": run.id}).status_code == 302

    play_acceptably(client, course.slug, case, user.id)
    assert completions(user.id) == 1
    db.session.expire_all()
    best = db.session.scalars(
        select(CaseRun).where(CaseRun.user_id == user.id).order_by(CaseRun.number.desc())
    ).first()
    assert best.number == 2 and best.ending_rating == "best"
