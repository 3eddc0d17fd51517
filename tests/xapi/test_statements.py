"""The statement builders alone (no app): ids stable and private, scores within bounds."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import uuid

import pytest

from app.xapi import statements as xs

SITE = xs.Site(url="https://learn.example.org/", secret=b"s" * 32)
AT = dt.datetime(2026, 3, 14, 17, 2, 11, 123456, tzinfo=dt.UTC)
LEARNER = xs.Learner(user_id=7, email="Ann@Example.org")
COURSE = xs.CourseRef(slug="kap-prep", title="Preparation", version=3)
MODULE = xs.PartRef(slug="m1", title="Module one")
LESSON = xs.PartRef(slug="set-and-setting", title="Set and setting")


def moment(site: xs.Site = SITE, course: xs.CourseRef = COURSE) -> xs.Moment:
    return xs.Moment(site=site, learner=LEARNER, course=course, enrollment_id=41)


def outcome(points: int = 4, total: int = 5, passed: bool = True) -> xs.QuizOutcome:
    return xs.QuizOutcome(
        attempt_pk=9,
        number=2,
        title="Quiz one",
        points=points,
        total=total,
        passed=passed,
        started_at=AT - dt.timedelta(minutes=5),
        submitted_at=AT,
    )


def test_activity_ids_come_from_slugs_under_the_site_so_they_survive_a_new_version():
    v3 = xs.lesson_completed(moment(), MODULE, LESSON, 12, AT)
    v4 = xs.lesson_completed(
        moment(course=xs.CourseRef("kap-prep", "Preparation, revised", 4)), MODULE, LESSON, 12, AT
    )
    expected = (
        "https://learn.example.org/xapi/activities/course/kap-prep/module/m1/lesson/set-and-setting"
    )
    assert v3["object"]["id"] == v4["object"]["id"] == expected
    assert v3["context"]["contextActivities"]["grouping"][0]["id"] == (
        "https://learn.example.org/xapi/activities/course/kap-prep"
    )
    assert v3["context"]["contextActivities"]["parent"][0]["id"].endswith("/module/m1")
    version_key = "https://learn.example.org/xapi/extensions/course-version"
    assert (v3["context"]["extensions"][version_key], v4["context"]["extensions"][version_key]) == (
        3,
        4,
    )


def test_a_replayed_moment_has_the_same_statement_id_and_another_moment_another():
    first = xs.lesson_completed(moment(), MODULE, LESSON, 12, AT)
    again = xs.lesson_completed(moment(), MODULE, LESSON, 12, AT + dt.timedelta(seconds=3))
    other = xs.lesson_completed(moment(), MODULE, LESSON, 13, AT)
    assert first["id"] == again["id"] != other["id"]
    assert uuid.UUID(first["id"]).version == 5
    ids = {
        xs.registered(moment(), AT)["id"],
        xs.course_completed(moment(), AT)["id"],
        xs.module_completed(moment(), MODULE, 3, AT)["id"],
        xs.quiz_attempted(moment(), MODULE, outcome())["id"],
        xs.quiz_graded(moment(), MODULE, outcome())["id"],
        xs.certificate_earned(moment(), AT)["id"],
        xs.certificate_voided(SITE, 41, AT)["id"],
    }
    assert len(ids) == 7


def test_the_actor_is_an_opaque_account_on_the_site_by_default():
    agent = xs.actor(SITE, LEARNER)
    assert agent["account"]["homePage"] == "https://learn.example.org"
    name = agent["account"]["name"]
    assert name != "7" and "ann" not in name.lower() and len(name) == 32
    assert set(agent) == {"objectType", "account"}
    # The same learner is the same account every time; another secret gives another one.
    assert xs.actor(SITE, LEARNER) == agent
    other_site = xs.Site(url=SITE.url, secret=b"t" * 32)
    assert xs.actor(other_site, LEARNER)["account"]["name"] != name


def test_mbox_sha1sum_only_when_chosen_and_hashes_the_lowercased_mailto():
    site = xs.Site(url=SITE.url, secret=SITE.secret, actor_mode="mbox_sha1sum")
    agent = xs.actor(site, LEARNER)
    expected = hashlib.sha1(b"mailto:ann@example.org").hexdigest()  # noqa: S324
    assert agent == {"objectType": "Agent", "mbox_sha1sum": expected}


def test_registration_is_one_stable_uuid_per_enrollment_that_hides_its_number():
    one = xs.registration(SITE, 41)
    assert one == xs.registration(SITE, 41) != xs.registration(SITE, 42)
    assert uuid.UUID(one).version == 5
    # Not derivable without the secret: the public URL namespace gives another UUID.
    assert one != str(uuid.uuid5(uuid.NAMESPACE_URL, "enrollment:41"))
    statement = xs.course_completed(moment(), AT)
    assert statement["context"]["registration"] == one


@pytest.mark.parametrize(
    ("points", "total", "scaled"),
    [(4, 5, 0.8), (0, 5, 0.0), (5, 5, 1.0), (1, 3, 0.3333), (0, 0, 0.0)],
)
def test_quiz_results_carry_scaled_raw_min_max_within_bounds(points, total, scaled):
    statement = xs.quiz_graded(moment(), MODULE, outcome(points, total, passed=points == total))
    score = statement["result"]["score"]
    assert score == {"scaled": scaled, "raw": points, "min": 0, "max": total}
    assert -1 <= score["scaled"] <= 1 and score["min"] <= score["raw"] <= score["max"]
    assert statement["result"]["success"] is (points == total)
    verb = "passed" if points == total else "failed"
    assert statement["verb"]["id"] == f"http://adlnet.gov/expapi/verbs/{verb}"


def test_attempted_is_dated_when_the_attempt_began_and_graded_when_submitted():
    attempted = xs.quiz_attempted(moment(), MODULE, outcome())
    graded = xs.quiz_graded(moment(), MODULE, outcome())
    assert attempted["verb"]["id"] == "http://adlnet.gov/expapi/verbs/attempted"
    assert attempted["timestamp"] == "2026-03-14T16:57:11.123Z"
    assert graded["timestamp"] == "2026-03-14T17:02:11.123Z"
    assert attempted["object"]["id"] == graded["object"]["id"]
    assert (
        graded["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/assessment"
    )
    attempt_key = "https://learn.example.org/xapi/extensions/attempt-number"
    assert graded["context"]["extensions"][attempt_key] == 2


def test_the_final_post_test_hangs_from_the_course():
    statement = xs.quiz_graded(moment(), None, outcome())
    assert statement["object"]["id"].endswith("/course/kap-prep/final-quiz")
    assert statement["context"]["contextActivities"]["parent"][0]["id"].endswith("/course/kap-prep")


def test_timestamps_are_utc_with_z_and_a_naive_time_is_taken_as_utc():
    naive = AT.replace(tzinfo=None)
    assert xs.timestamp(naive) == xs.timestamp(AT) == "2026-03-14T17:02:11.123Z"
    plus_two = AT.astimezone(dt.timezone(dt.timedelta(hours=2)))
    assert xs.timestamp(plus_two) == "2026-03-14T17:02:11.123Z"


def test_a_revoked_certificate_voids_its_earned_statement():
    earned = xs.certificate_earned(moment(), AT)
    voided = xs.certificate_voided(SITE, 41, AT + dt.timedelta(days=1))
    assert earned["verb"]["id"] == "http://id.tincanapi.com/verb/earned"
    assert voided["verb"]["id"] == "http://adlnet.gov/expapi/verbs/voided"
    assert voided["object"] == {"objectType": "StatementRef", "id": earned["id"]}
    assert voided["actor"]["account"]["name"] == "provider"


def test_every_statement_says_its_version_and_names_no_learner_in_clear():
    built = [
        xs.registered(moment(), AT),
        xs.lesson_completed(moment(), MODULE, LESSON, 12, AT),
        xs.quiz_graded(moment(), MODULE, outcome()),
        xs.module_completed(moment(), MODULE, 3, AT),
        xs.course_completed(moment(), AT),
        xs.certificate_earned(moment(), AT),
    ]
    for statement in built:
        assert statement["version"] == "1.0.3"
        assert "ann@example.org" not in str(statement).lower()
        assert statement["verb"]["id"].startswith("http")


@pytest.mark.parametrize(
    ("rating", "score", "success", "scaled"),
    [("best", 100, True, 1.0), ("acceptable", 60, True, 0.6), ("harmful", 0, False, 0.0),
     ("risky", 250, False, 1.0)],
)  # fmt: skip
def test_a_case_run_that_ended_reports_its_score_and_the_endings_rating(
    rating: str, score: int, success: bool, scaled: float
) -> None:
    outcome = xs.CaseOutcome(
        run_pk=5, number=2, title="The room feels far away", rating=rating, score=score,
        ended_at=AT,
    )  # fmt: skip
    statement = xs.case_completed(moment(), MODULE, outcome)
    assert statement["verb"]["id"] == "http://adlnet.gov/expapi/verbs/completed"
    assert statement["object"]["id"] == SITE.iri("activities/course/kap-prep/module/m1/case")
    assert statement["object"]["definition"]["type"] == (
        "http://adlnet.gov/expapi/activities/simulation"
    )
    result = statement["result"]
    assert result["score"]["scaled"] == scaled and -1 <= result["score"]["scaled"] <= 1
    assert result["score"]["min"] <= result["score"]["raw"] <= result["score"]["max"] == 100
    assert result["success"] is success and result["completion"] is True
    assert result["extensions"] == {SITE.iri("extensions/ending-rating"): rating}
    assert statement["context"]["contextActivities"]["parent"][0]["id"].endswith("/module/m1")
    assert statement["timestamp"] == xs.timestamp(AT)
    again = xs.case_completed(moment(), MODULE, outcome)
    assert again["id"] == statement["id"]  # a replay of the moment is the same statement
    other = xs.case_completed(moment(), MODULE, dataclasses.replace(outcome, run_pk=6))
    assert other["id"] != statement["id"]  # another run is another moment
