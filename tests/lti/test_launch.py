"""The full LTI flow against lti1p3platform: launch, deep link, grades back, and refusals."""

from __future__ import annotations

import base64
import json

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.catalog.models import Course, CourseStaff
from app.db import db
from app.learning.models import Enrollment
from app.lti.models import Account, LinkMember, ResourceLink
from app.outbound import services as outbound
from app.outbound.models import OutboundDelivery
from tests.cases.helpers import course_with_case
from tests.cases.test_player import choose, run_of
from tests.learning.helpers import complete_module_lessons, pass_quiz
from tests.lti.conftest import launch, local
from tests.lti.platform import INSTRUCTOR, Scenario


def _counts() -> dict[str, int]:
    db.session.expire_all()
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (User, Account, Enrollment, ResourceLink, LinkMember, CourseStaff, AuditEvent)
    }


def test_first_launch_creates_the_learner_enrolls_and_opens_the_quiz(app, client, course, platform):
    with app.app_context():
        quiz_id = db.session.scalar(select(Course).where(Course.slug == course)).modules[0].quiz.id
    response, _ = launch(client, platform, Scenario(target=f"quiz:{course}/m1"))
    assert response.status_code == 303
    assert response.location.startswith("/lti/open/")
    opened = client.get(response.location)
    assert opened.status_code == 303
    assert opened.location == f"/courses/{course}/quizzes/{quiz_id}"
    assert client.get(opened.location).status_code == 200
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "pat@hospital.example"))
        assert user is not None and user.legal_name == "Pat Platform"
        assert user.role == "learner"
        account = db.session.scalar(select(Account).where(Account.user_id == user.id))
        assert account.sub == "platform-user-1"
        assert db.session.scalar(select(func.count()).select_from(Enrollment)) == 1


def test_a_second_launch_finds_the_same_learner(app, client, course, platform):
    launch(client, platform, Scenario(target=f"course:{course}"))
    other = app.test_client()
    response, _ = launch(other, platform, Scenario(target=f"course:{course}"))
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Account)) == 1
        assert (
            db.session.scalar(
                select(func.count()).select_from(User).where(User.email == "pat@hospital.example")
            )
            == 1
        )


def test_an_instructor_launch_gives_course_staff_for_that_course_only(
    app, client, course, platform
):
    with app.app_context():
        from tests.factories import make_course

        other = make_course(slug="other-course").id
    response, _ = launch(
        client,
        platform,
        Scenario(
            sub="teacher-1",
            email="t@hospital.example",
            roles=(INSTRUCTOR,),
            target=f"course:{course}",
        ),
    )
    assert response.status_code == 303
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "t@hospital.example"))
        staff = set(
            db.session.scalars(select(CourseStaff.course_id).where(CourseStaff.user_id == user.id))
        )
        course_id = db.session.scalar(select(Course.id).where(Course.slug == course))
        assert staff == {course_id} and other not in staff
        assert user.role == "learner"  # the site-wide role is unchanged


def test_an_existing_email_is_linked_only_after_signing_in(
    app, client, course, platform, make_user
):
    existing = make_user(email="pat@hospital.example")
    response, _ = launch(client, platform, Scenario(target=f"course:{course}"))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Sign in and link" in page
    with app.app_context():
        assert (
            db.session.scalar(select(func.count()).select_from(Account)) == 0
        )  # nothing linked yet
    action = page.split('action="')[1].split('"')[0]
    wrong = client.post(action, data={"email": existing.email, "password": "not it"}, csrf=False)
    assert wrong.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Account)) == 0
    right = client.post(
        action, data={"email": existing.email, "password": "correct horse battery"}, csrf=False
    )
    assert right.status_code == 303
    with app.app_context():
        account = db.session.scalar(select(Account))
        assert account.user_id == existing.id


def test_guessing_the_password_of_the_account_to_link_is_rate_limited(
    app, client, course, platform, make_user
):
    existing = make_user(email="pat@hospital.example")
    response, _ = launch(client, platform, Scenario(target=f"course:{course}"))
    action = response.get_data(as_text=True).split('action="')[1].split('"')[0]
    codes = [
        client.post(
            action, data={"email": existing.email, "password": f"guess {i}"}, csrf=False
        ).status_code
        for i in range(6)
    ]
    assert codes == [400] * 5 + [429]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Account)) == 0


def _tamper(token: str) -> str:
    header, body, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    claims["name"] = "Mallory"
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{body}.{signature}"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (
            {"extra_claims": {"aud": "someone-else", "azp": "someone-else"}},
            "another tool (audience)",
        ),
        (
            {
                "extra_claims": {
                    "https://purl.imsglobal.org/spec/lti/claim/deployment_id": "unknown"
                }
            },
            "deployment this platform has not registered",
        ),
        ({"expires_in": -600}, "has expired"),
        (
            {"extra_claims": {"https://purl.imsglobal.org/spec/lti/claim/version": "1.1"}},
            "not LTI version 1.3.0",
        ),
        (
            {"extra_claims": {"https://purl.imsglobal.org/spec/lti/claim/message_type": "Other"}},
            "message type",
        ),
        ({"extra_claims": {"iss": "https://impostor.example"}}, "another issuer"),
    ],
)
def test_a_refused_launch_says_why_and_changes_nothing(
    app, client, course, platform, change, reason
):
    with app.app_context():
        before = _counts()
    response, _ = launch(client, platform, Scenario(target=f"course:{course}", **change))
    assert response.status_code == 400
    assert reason in response.get_data(as_text=True)
    with app.app_context():
        assert _counts() == before


def test_a_bad_signature_is_refused(app, client, course, platform):
    with app.app_context():
        before = _counts()
    started = client.get(local(platform.login_url(Scenario(target=f"course:{course}"))))
    import httpx

    from tests.lti.platform import form_fields

    fields = form_fields(httpx.get(started.location, timeout=10).text)
    fields["id_token"] = _tamper(fields["id_token"])
    response = client.post("/lti/launch", data=fields, csrf=False)
    assert response.status_code == 400
    assert "signature does not match" in response.get_data(as_text=True)
    with app.app_context():
        assert _counts() == before


def test_a_replayed_launch_is_refused(app, client, course, platform):
    first, fields = launch(client, platform, Scenario(target=f"course:{course}"))
    assert first.status_code == 303
    with app.app_context():
        before = _counts()
    again = app.test_client().post("/lti/launch", data=fields, csrf=False)
    assert again.status_code == 400
    assert "already used" in again.get_data(as_text=True)
    with app.app_context():
        assert _counts() == before


def test_an_unregistered_issuer_cannot_start_a_login(client):
    response = client.get(
        "/lti/login?iss=https://nobody.example&login_hint=x&target_link_uri=http://groundwork.test/lti/launch"
    )
    assert response.status_code == 400
    assert "not registered" in response.get_data(as_text=True)


def test_a_login_for_another_site_is_refused(client, platform):
    response = client.get(
        "/lti/login",
        query_string={
            "iss": platform.issuer,
            "login_hint": "x",
            "target_link_uri": "https://evil.example/",
        },
    )
    assert response.status_code == 400


def test_deep_linking_returns_a_signed_response_the_platform_accepts(app, client, course, platform):
    response, _ = launch(
        client,
        platform,
        Scenario(sub="teacher-1", email="t@hospital.example", roles=(INSTRUCTOR,), deep_link=True),
    )
    assert response.status_code == 303
    picker = client.get(response.location)
    assert picker.status_code == 200
    assert f"quiz:{course}/m1" in picker.get_data(as_text=True)
    chosen = client.post(response.location, data={"target": f"quiz:{course}/m1"}, csrf=False)
    assert chosen.status_code == 200
    page = chosen.get_data(as_text=True)
    assert f"form-action 'self' {platform.url}" in chosen.headers["Content-Security-Policy"]
    jwt_value = page.split('name="JWT" value="')[1].split('"')[0]
    import httpx

    returned = httpx.post(f"{platform.url}/deep-link-return", data={"JWT": jwt_value}, timeout=10)
    assert returned.status_code == 200
    [item] = platform.deep_link_items
    assert item["type"] == "ltiResourceLink"
    assert item["custom"] == {"target": f"quiz:{course}/m1"}
    assert item["lineItem"]["scoreMaximum"] == 100
    # The picker's ticket is spent: a second answer is refused.
    assert (
        client.post(response.location, data={"target": f"quiz:{course}/m1"}, csrf=False).status_code
        == 400
    )


def test_a_learner_cannot_open_the_picker(client, course, platform):
    response, _ = launch(client, platform, Scenario(deep_link=True))
    assert response.status_code == 400
    assert "Only an instructor" in response.get_data(as_text=True)


def test_a_graded_quiz_sends_the_best_score_to_the_platform(app, client, course, platform):
    response, _ = launch(client, platform, Scenario(target=f"quiz:{course}/m1"))
    client.get(response.location)
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == "pat@hospital.example"))
        course_row = db.session.scalar(select(Course).where(Course.slug == course))
        module = course_row.modules[0]
        complete_module_lessons(client, course_row, module)
        failed = pass_quiz(client, course_row, module, user_id, right=False)
        assert failed.passed is False
        assert outbound.drain().delivered == 1
    assert [s["scoreGiven"] for s in platform.scores["item-1"]] == [0.0]
    with app.app_context():
        course_row = db.session.scalar(select(Course).where(Course.slug == course))
        passed = pass_quiz(client, course_row, course_row.modules[0], user_id)
        assert passed.passed is True
        report = outbound.drain()
        assert report.delivered == 1
    [_first, second] = platform.scores["item-1"]
    assert second["scoreGiven"] == 100.0 and second["scoreMaximum"] == 100
    assert second["userId"] == "platform-user-1"
    assert second["activityProgress"] == "Completed" and second["gradingProgress"] == "FullyGraded"
    assert second["timestamp"].endswith("+00:00")
    assert platform.token_requests == 1  # the access token is reused until it expires


def test_a_worse_attempt_sends_nothing(app, client, course, platform):
    response, _ = launch(client, platform, Scenario(target=f"quiz:{course}/m1"))
    client.get(response.location)
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == "pat@hospital.example"))
        course_row = db.session.scalar(select(Course).where(Course.slug == course))
        complete_module_lessons(client, course_row, course_row.modules[0])
        pass_quiz(client, course_row, course_row.modules[0], user_id)
        course_row.attempt_limit = None
        db.session.commit()
        outbound.drain()
        queued = db.session.scalar(select(func.count()).select_from(OutboundDelivery))
    assert len(platform.scores["item-1"]) == 1
    assert queued == 1


def test_a_score_refused_by_the_platform_is_retried_then_visible(app, client, course, platform):
    response, _ = launch(client, platform, Scenario(target=f"quiz:{course}/m1"))
    client.get(response.location)
    platform.server.shutdown()  # the platform goes down before the grade leaves
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == "pat@hospital.example"))
        course_row = db.session.scalar(select(Course).where(Course.slug == course))
        complete_module_lessons(client, course_row, course_row.modules[0])
        pass_quiz(client, course_row, course_row.modules[0], user_id)
        report = outbound.drain()
        assert report.retrying == 1
        delivery = db.session.scalar(select(OutboundDelivery))
        assert delivery.status == "pending" and "token request failed" in delivery.last_error


@pytest.fixture
def case_course(app):  # type: ignore[no-untyped-def]
    """A published course whose first module holds a case simulation."""
    with app.app_context():
        made = course_with_case("ending", slug="lti-case-course", modules_unlock_in_order=False)
        return made.slug


def test_a_case_is_deep_linked_launched_and_its_ending_scored(app, client, case_course, platform):
    target = f"case:{case_course}/m1"
    teacher, _ = launch(
        client,
        platform,
        Scenario(sub="teacher-1", email="t@hospital.example", roles=(INSTRUCTOR,), deep_link=True),
    )
    picker = client.get(teacher.location).get_data(as_text=True)
    assert target in picker and "Case simulation: A test case" in picker
    chosen = client.post(teacher.location, data={"target": target}, csrf=False)
    jwt_value = chosen.get_data(as_text=True).split('name="JWT" value="')[1].split('"')[0]
    import httpx

    assert (
        httpx.post(
            f"{platform.url}/deep-link-return", data={"JWT": jwt_value}, timeout=10
        ).status_code
        == 200
    )
    [item] = platform.deep_link_items
    assert item["custom"] == {"target": target} and item["lineItem"]["scoreMaximum"] == 100

    learner = app.test_client()
    response, _ = launch(learner, platform, Scenario(target=target))
    opened = learner.get(response.location)
    with app.app_context():
        case = db.session.scalar(select(Course).where(Course.slug == case_course))
        case_id = case.modules[0].active_case.id
    assert opened.location == f"/courses/{case_course}/cases/{case_id}"
    url = opened.location
    assert "The first scene" in learner.get(url).get_data(as_text=True)
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == "pat@hospital.example"))
        choose(learner, url, run_of(user_id), 1)
        choose(learner, url, run_of(user_id), 2)
        run = run_of(user_id)
        assert run.ended_at is not None
        assert outbound.drain().delivered == 1
    [score] = platform.scores["item-1"]
    assert score["scoreGiven"] == float(run.score) and score["userId"] == "platform-user-1"


def test_a_case_target_for_a_module_without_a_case_is_refused(app, client, course, platform):
    response, _ = launch(client, platform, Scenario(target=f"case:{course}/m1"))
    assert response.status_code == 400
    assert "no case simulation" in response.get_data(as_text=True)
