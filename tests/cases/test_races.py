"""A learner's case choices and replays, fired ten at once on PostgreSQL: each holds as one."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.cases.models import CaseRun
from app.db import db
from tests.cases.helpers import course_with_case
from tests.concurrency import Shot, as_one_request, browser_of

pytestmark = pytest.mark.postgres


def _player(make_user):  # type: ignore[no-untyped-def]
    learner = make_user()
    course = course_with_case("ending", slug=f"case-course-{learner.id}")
    case = course.active_modules[0].active_case
    url = f"/courses/{course.slug}/cases/{case.id}"
    browser = browser_of(learner, make_user.password)
    browser.post(f"/courses/{course.slug}/enroll")
    assert browser.get(url).status_code == 200
    run = db.session.scalar(select(CaseRun).where(CaseRun.user_id == learner.id))
    return browser, url, run


def test_a_choice_clicked_ten_times_at_once_is_made_once(make_user):
    def world() -> Shot:
        browser, url, run = _player(make_user)
        form = {"run": run.id, "step": 1, "scene": "start", "choice": 2}  # to the harmful ending
        return Shot(browser, url + "/choose", form)

    responses = as_one_request(world)  # one choice row and one ended run, as a single click
    assert {r.status_code for r in responses} == {302}


def test_a_replay_clicked_ten_times_at_once_starts_one_run(make_user):
    def world() -> Shot:
        browser, url, run = _player(make_user)
        return Shot(browser, url + "/replay", {"run": run.id})

    as_one_request(world)
