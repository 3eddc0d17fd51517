"""Statements are queued with their moment and only when an LRS is configured; a statement that
cannot be built never costs the learner their action; settings that would leak are refused."""

from __future__ import annotations

import hashlib
import logging

import pytest
from sqlalchemy import func, select

from app.catalog.models import Course, CourseStatus
from app.config import ConfigError, check_production
from app.db import db
from app.learning.models import LessonProgress
from app.outbound.models import OutboundDelivery
from app.xapi import services as xapi
from tests.factories import make_course
from tests.learning.helpers import complete_module_lessons

#: Nothing listens here: statements are queued, never sent, in these tests.
CLOSED_PORT_LRS = "http://127.0.0.1:9/xAPI/"


def statements() -> list[dict]:
    return [
        d.payload
        for d in db.session.scalars(
            select(OutboundDelivery).where(OutboundDelivery.channel == "xapi")
        )
    ]


def test_nothing_is_queued_unless_an_lrs_is_configured(app, client, sign_in):
    assert app.config["XAPI_LRS_ENDPOINT"] == ""
    course = make_course(modules=1)
    sign_in()
    client.post(f"/courses/{course.slug}/enroll")
    complete_module_lessons(client, course, course.active_modules[0])
    assert db.session.scalar(select(func.count()).select_from(OutboundDelivery)) == 0


def test_statements_are_queued_in_the_moments_transaction_keyed_by_their_id(app, client, sign_in):
    app.config["XAPI_LRS_ENDPOINT"] = CLOSED_PORT_LRS
    course = make_course(modules=1)
    sign_in()
    client.post(f"/courses/{course.slug}/enroll")
    client.post(f"/courses/{course.slug}/enroll")  # a second click: the same enrollment
    queued = db.session.scalars(select(OutboundDelivery)).all()
    assert [d.payload["verb"]["display"]["en-US"] for d in queued] == ["registered"]
    assert queued[0].dedupe_key == queued[0].payload["id"]
    assert queued[0].destination == CLOSED_PORT_LRS + "statements"


def test_a_refused_enrollment_queues_nothing(app, client, sign_in):
    app.config["XAPI_LRS_ENDPOINT"] = CLOSED_PORT_LRS
    course = make_course(modules=1)
    db.session.get_one(Course, course.id).status = CourseStatus.ARCHIVED.value
    db.session.commit()
    sign_in()
    client.post(f"/courses/{course.slug}/enroll")
    assert statements() == []


def test_a_statement_that_cannot_be_built_never_costs_the_learner_the_lesson(
    app, client, sign_in, monkeypatch, caplog
):
    app.config["XAPI_LRS_ENDPOINT"] = CLOSED_PORT_LRS
    course = make_course(modules=1)
    user = sign_in()
    client.post(f"/courses/{course.slug}/enroll")

    def broken(*args: object) -> list[dict]:
        raise RuntimeError("a bug in a statement builder")

    monkeypatch.setattr(xapi, "for_lesson", broken)
    with caplog.at_level(logging.ERROR, logger="app.xapi.listeners"):
        complete_module_lessons(client, course, course.active_modules[0])
    done = db.session.scalar(
        select(func.count())
        .select_from(LessonProgress)
        .where(LessonProgress.user_id == user.id, LessonProgress.completed_at.is_not(None))
    )
    assert done == 2
    assert "Could not queue an xAPI statement" in caplog.text
    verbs = [s["verb"]["display"]["en-US"] for s in statements()]
    assert verbs == ["registered"]  # the lessons' statements were not built; nothing else broke


def test_the_provider_may_choose_the_email_hash_instead_of_the_opaque_account(app, client, sign_in):
    app.config.update(XAPI_LRS_ENDPOINT=CLOSED_PORT_LRS, XAPI_ACTOR="mbox_sha1sum")
    course = make_course(modules=1)
    user = sign_in()
    client.post(f"/courses/{course.slug}/enroll")
    (statement,) = statements()
    digest = hashlib.sha1(f"mailto:{user.email}".encode()).hexdigest()  # noqa: S324
    assert statement["actor"] == {"objectType": "Agent", "mbox_sha1sum": digest}
    assert user.email not in str(statement)


def test_the_backfill_refuses_a_date_it_cannot_read_and_queues_nothing(app, runner):
    app.config["XAPI_LRS_ENDPOINT"] = CLOSED_PORT_LRS
    for since in ("yesterday", "2026-13-01", "01/02/2026", ""):
        result = runner.invoke(args=["xapi", "backfill", "--since", since])
        assert result.exit_code == 2 and "Invalid value for '--since'" in result.output
    assert runner.invoke(args=["xapi", "backfill"]).exit_code == 2
    assert statements() == []


PRODUCTION = {"GROUNDWORK_ENV": "production", "SECRET_KEY": "k" * 40, "DEBUG": False}


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"XAPI_LRS_ENDPOINT": "http://lrs.example/xAPI/"}, "must use https"),
        ({"XAPI_LRS_ENDPOINT": "https://lrs.example/xAPI/"}, "XAPI_ID_SECRET"),
        (
            {"XAPI_LRS_ENDPOINT": "https://lrs.example/xAPI/", "XAPI_ID_SECRET": "short"},
            "XAPI_ID_SECRET",
        ),
        ({"XAPI_LRS_ENDPOINT": "lrs.example/xAPI/"}, "http(s) URL"),
        ({"XAPI_ACTOR": "mbox"}, "XAPI_ACTOR"),
    ],
)
def test_settings_that_would_leak_or_change_ids_later_are_refused(settings, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        check_production({**PRODUCTION, **settings})


def test_an_https_lrs_with_a_kept_secret_starts_and_no_lrs_is_fine():
    check_production(PRODUCTION)
    check_production(
        {
            **PRODUCTION,
            "XAPI_LRS_ENDPOINT": "https://lrs.example/xAPI/",
            "XAPI_ID_SECRET": "s" * 64,
        }
    )
