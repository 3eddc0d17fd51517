"""Timed quizzes and accommodations: deadlines on the server, graded once, and who may set them."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from app.accounts.models import Role
from app.audit.labels import ACTION_LABELS
from app.audit.models import AuditEvent
from app.catalog.models import CourseStaff
from app.db import db, utcnow
from app.events import attempt_graded
from app.quizzes import services
from app.quizzes.deadlines import GRACE
from app.quizzes.models import Accommodation, QuizAttempt
from tests.factories import course_spec, make_course
from tests.learning.helpers import answers_for, complete_module_lessons, latest_attempt


def _timed_course(minutes: int = 10, **settings):  # type: ignore[no-untyped-def]
    spec = course_spec(**settings)
    first = spec.modules[0]
    module = dataclasses.replace(
        first, quiz=dataclasses.replace(first.quiz, time_limit_minutes=minutes)
    )
    return make_course(dataclasses.replace(spec, modules=(module, *spec.modules[1:])))


def _ready(client, course):  # type: ignore[no-untyped-def]
    client.post(f"/courses/{course.slug}/enroll")
    module = course.active_modules[0]
    complete_module_lessons(client, course, module)
    return module


def _start(client, course, user):  # type: ignore[no-untyped-def]
    module = course.active_modules[0]
    assert client.post(f"/courses/{course.slug}/quizzes/{module.quiz.id}/start").status_code == 302
    return latest_attempt(user.id, module.quiz.id)


def _move_deadline(attempt: QuizAttempt, to: dt.datetime) -> None:
    db.session.execute(
        update(QuizAttempt).where(QuizAttempt.id == attempt.id).values(deadline_at=to)
    )
    db.session.commit()


def _accommodate(user, course, multiplier="2", extra=0):  # type: ignore[no-untyped-def]
    setter = db.session.scalar(
        select(CourseStaff.user_id).where(CourseStaff.course_id == course.id)
    )
    db.session.add(
        Accommodation(
            user_id=user.id,
            course_id=course.id,
            time_multiplier=Decimal(multiplier),
            extra_attempts=extra,
            reason="Agreed with the learner",
            set_by_id=setter or user.id,
        )
    )
    db.session.commit()


def test_the_deadline_is_fixed_at_the_start_and_shown_without_javascript(client, sign_in):
    course = _timed_course(10)
    user = sign_in()
    _ready(client, course)
    before = utcnow()
    attempt = _start(client, course, user)
    assert attempt.deadline_at - attempt.started_at == dt.timedelta(minutes=10)
    assert before <= attempt.started_at <= utcnow()
    page = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    assert "This attempt is timed. Submit by" in page
    assert attempt.deadline_at.strftime("%H:%M:%S") + " UTC" in page
    assert 'data-announce-at="600,300,60"' in page
    assert 'value="pause"' not in page  # time keeps running: no Pause on a timed quiz


def test_double_time_doubles_the_limit_and_an_extra_attempt_gets_it_too(client, sign_in):
    course = _timed_course(10, attempt_limit=1)
    user = sign_in()
    module = _ready(client, course)
    _accommodate(user, course, "2", extra=1)
    intro = client.get(f"/courses/{course.slug}/quizzes/{module.quiz.id}").get_data(as_text=True)
    assert "with your extra time, 20 minutes" in intro and "Extra time: 2 times" in intro
    assert "2 allowed" in intro  # the course's one attempt plus one extra
    first = _start(client, course, user)
    assert first.deadline_at - first.started_at == dt.timedelta(minutes=20)
    client.post(
        f"/attempts/{first.id}", data={**answers_for(first, right=False), "action": "submit"}
    )
    second = _start(client, course, user)
    assert second.number == 2
    assert second.deadline_at - second.started_at == dt.timedelta(minutes=20)


def test_a_submission_in_the_grace_period_counts_unanswered_questions_and_all(client, sign_in):
    course = _timed_course()
    user = sign_in()
    _ready(client, course)
    attempt = _start(client, course, user)
    _move_deadline(attempt, utcnow() - dt.timedelta(seconds=5))
    first = attempt.snapshot[0]
    one = {f"q-{first['id']}": answers_for(attempt)[f"q-{first['id']}"], "action": "submit"}
    assert client.post(f"/attempts/{attempt.id}", data=one).status_code == 302
    graded = latest_attempt(user.id, attempt.quiz_id)
    assert graded.state == "submitted" and not graded.closed_at_deadline
    assert graded.score == Decimal("33.33")


def test_a_post_after_the_grace_period_is_refused_and_the_saved_answers_are_graded(client, sign_in):
    course = _timed_course()
    user = sign_in()
    _ready(client, course)
    attempt = _start(client, course, user)
    saved = answers_for(attempt)
    first = attempt.snapshot[0]
    client.post(
        f"/attempts/{attempt.id}",
        data={f"q-{first['id']}": saved[f"q-{first['id']}"], "action": "save"},
        headers={"X-Autosave": "1"},
    )
    _move_deadline(attempt, utcnow() - GRACE - dt.timedelta(seconds=1))
    with attempt_graded.recording() as seen:
        late = client.post(f"/attempts/{attempt.id}", data={**saved, "action": "submit"})
    assert late.status_code == 302 and late.location.endswith(f"/attempts/{attempt.id}/result")
    graded = latest_attempt(user.id, attempt.quiz_id)
    assert graded.closed_at_deadline and graded.score == Decimal("33.33")  # only what was saved
    assert len(seen) == 1
    result = client.get(late.location).get_data(as_text=True)
    assert "before these answers arrived, so they were not accepted" in result
    assert "Time ran out on this attempt: the answers saved before the deadline" in result


def test_saving_after_the_deadline_is_refused(client, sign_in):
    course = _timed_course()
    user = sign_in()
    _ready(client, course)
    attempt = _start(client, course, user)
    _move_deadline(attempt, utcnow() - dt.timedelta(seconds=1))
    response = client.post(
        f"/attempts/{attempt.id}",
        data={**answers_for(attempt), "action": "save"},
        headers={"X-Autosave": "1"},
    )
    assert response.status_code == 409 and "Time is up" in response.get_data(as_text=True)
    assert latest_attempt(user.id, attempt.quiz_id).answer_map() == {}


def test_a_tampered_deadline_field_moves_nothing(client, sign_in):
    course = _timed_course()
    user = sign_in()
    _ready(client, course)
    attempt = _start(client, course, user)
    deadline = attempt.deadline_at
    later = (deadline + dt.timedelta(hours=5)).isoformat()
    for field in ("deadline_at", "deadline", "time_limit_minutes", "started_at"):
        client.post(
            f"/attempts/{attempt.id}",
            data={field: later, "action": "save"},
            headers={"X-Autosave": "1"},
        )
    assert latest_attempt(user.id, attempt.quiz_id).deadline_at == deadline


def test_the_next_read_grades_an_abandoned_attempt_once(client, sign_in):
    course = _timed_course()
    user = sign_in()
    module = _ready(client, course)
    attempt = _start(client, course, user)
    _move_deadline(attempt, utcnow() - GRACE - dt.timedelta(minutes=1))
    with attempt_graded.recording() as seen:
        intro = client.get(f"/courses/{course.slug}/quizzes/{module.quiz.id}")
        client.get(f"/attempts/{attempt.id}")
        client.get(f"/attempts/{attempt.id}/result")
    assert intro.status_code == 200 and len(seen) == 1
    graded = latest_attempt(user.id, attempt.quiz_id)
    assert graded.closed_at_deadline and graded.score == 0
    events = db.session.scalar(
        select(func.count()).where(AuditEvent.action == "quiz.closed_at_deadline")
    )
    assert events == 1


def test_the_cron_command_grades_attempts_nobody_reads_and_only_once(app, client, sign_in):
    course = _timed_course()
    user = sign_in()
    _ready(client, course)
    attempt = _start(client, course, user)
    _move_deadline(attempt, utcnow() - dt.timedelta(seconds=10))  # still in its grace period
    runner = app.test_cli_runner()
    assert "Graded 0 timed attempts" in runner.invoke(args=["quizzes", "close-expired"]).output
    _move_deadline(attempt, utcnow() - GRACE - dt.timedelta(seconds=1))
    with attempt_graded.recording() as seen:
        assert "Graded 1 timed attempt " in runner.invoke(args=["quizzes", "close-expired"]).output
        assert "Graded 0 timed attempts" in runner.invoke(args=["quizzes", "close-expired"]).output
    assert len(seen) == 1
    assert latest_attempt(user.id, attempt.quiz_id).closed_at_deadline


def test_two_requests_at_the_deadline_grade_once(client, sign_in):
    course = _timed_course()
    user = sign_in()
    _ready(client, course)
    attempt = _start(client, course, user)
    _move_deadline(attempt, utcnow() - dt.timedelta(seconds=2))
    data = {**answers_for(attempt), "action": "submit"}
    with attempt_graded.recording() as seen:
        first = client.post(f"/attempts/{attempt.id}", data=data)
        second = client.post(f"/attempts/{attempt.id}", data=data)
        closed = services.close_if_expired(
            latest_attempt(user.id, attempt.quiz_id), course, utcnow() + dt.timedelta(hours=1)
        )
    assert first.status_code == second.status_code == 302 and not closed
    assert len(seen) == 1


# ---- accommodations: who may set them ----


def _team_course(make_user):  # type: ignore[no-untyped-def]
    course = _timed_course()
    owner = make_user(Role.INSTRUCTOR)
    db.session.add(CourseStaff(course_id=course.id, user_id=owner.id, is_owner=True))
    db.session.commit()
    return course, owner


def _form(email: str, multiplier: str = "2", extra: str = "1", reason: str = "Agreed"):
    return {
        "email": email,
        "time_multiplier": multiplier,
        "extra_attempts": extra,
        "reason": reason,
    }


def test_the_course_team_sets_an_accommodation_the_learner_then_sees(client, sign_in, make_user):
    course, owner = _team_course(make_user)
    learner = make_user(Role.LEARNER)
    sign_in(user=learner)
    client.post(f"/courses/{course.slug}/enroll")
    client.post("/sign-out")
    sign_in(user=owner)
    url = f"/teaching/{course.slug}/accommodations"
    response = client.post(url, data=_form(learner.email, "1.5", "2", "Extended time plan"))
    assert response.status_code == 302
    row = db.session.scalar(select(Accommodation))
    assert (row.time_multiplier, row.extra_attempts, row.set_by_id) == (Decimal("1.5"), 2, owner.id)
    page = client.get(url).get_data(as_text=True)
    assert "1.5 times" in page and "Extended time plan" in page
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "course.accommodation_set")
    )
    assert event.details["reason"] == "Extended time plan" and event.actor_id == owner.id
    assert "course.accommodation_set" in ACTION_LABELS
    client.post("/sign-out")
    sign_in(user=learner)
    quiz = course.active_modules[0].quiz
    intro = client.get(f"/courses/{course.slug}/quizzes/{quiz.id}").get_data(as_text=True)
    assert "Your accommodations in this course" in intro and "Extra time: 1.5 times" in intro
    assert "2 extra attempts" in intro


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_form("{email}", "0.5"), "Enter a multiplier from 1 to 4."),
        (_form("{email}", "9"), "Enter a multiplier from 1 to 4."),
        (_form("{email}", "abc"), "Not a valid decimal value"),
        (_form("{email}", "2", "11"), "from 0 to 10"),
        (_form("{email}", "2", "-1"), "from 0 to 10"),
        (_form("{email}", "2", "1", ""), "Please give the reason."),
        (_form("nobody@example.com"), "not enrolled in this course"),
        (_form("{owner}"), "cannot set an accommodation for yourself"),
        (_form("{email}", "1.333"), "at most two decimal places"),
    ],
)
def test_bad_accommodations_are_refused_and_change_nothing(
    client, sign_in, make_user, data, message
):
    course, owner = _team_course(make_user)
    learner = make_user(Role.LEARNER)
    sign_in(user=learner)
    client.post(f"/courses/{course.slug}/enroll")
    client.post("/sign-out")
    sign_in(user=owner)
    filled = {k: v.format(email=learner.email, owner=owner.email) for k, v in data.items()}
    response = client.post(f"/teaching/{course.slug}/accommodations", data=filled)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Accommodation)) == 0


@pytest.mark.parametrize("who", ["learner", "other instructor"])
def test_no_one_outside_the_course_team_sets_an_accommodation(client, sign_in, make_user, who):
    course, _owner = _team_course(make_user)
    learner = make_user(Role.LEARNER)
    sign_in(user=learner)
    client.post(f"/courses/{course.slug}/enroll")
    if who == "other instructor":
        client.post("/sign-out")
        sign_in(Role.INSTRUCTOR)
    url = f"/teaching/{course.slug}/accommodations"
    assert client.get(url).status_code == 403
    # The learner trying to give themselves double time and five more attempts:
    assert client.post(url, data=_form(learner.email, "4", "5")).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Accommodation)) == 0


def test_an_administrator_sets_one_in_any_course(client, sign_in, make_user):
    course, _owner = _team_course(make_user)
    learner = make_user(Role.LEARNER)
    sign_in(user=learner)
    client.post(f"/courses/{course.slug}/enroll")
    client.post("/sign-out")
    sign_in(Role.ADMIN)
    response = client.post(f"/teaching/{course.slug}/accommodations", data=_form(learner.email))
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Accommodation)) == 1
