"""The dashboard keeps history: an archived course stays, with its hours and certificate."""

from __future__ import annotations

import re
from decimal import Decimal

from app.accounts.models import Role
from app.authoring.services import set_archived
from app.db import db
from tests.certificates.helpers import earn_certificate
from tests.factories import make_course
from tests.learning.helpers import lesson_url


def stat(page: str, label: str) -> str:
    match = re.search(rf"<dt>{label}</dt><dd>([^<]*)</dd>", page)
    assert match, label
    return match.group(1).strip()


def test_archived_courses_stay_on_the_dashboard_and_transcript_marked_as_such(
    client, sign_in, make_user
):
    learner = sign_in()
    finished = make_course(slug="finished", title="Grounding in Practice", ce_hours=Decimal("3"))
    started = make_course(slug="started", title="Pacing and Titration")
    certificate = earn_certificate(client, finished, learner.id)
    client.post("/courses/started/enroll")
    client.get(lesson_url(started, "m1", "lesson-1"))
    before = client.get("/dashboard").get_data(as_text=True)
    admin = make_user(Role.ADMIN)
    set_archived(finished, admin, True)
    set_archived(started, admin, True)
    db.session.expire_all()

    page = client.get("/dashboard").get_data(as_text=True)
    assert "Grounding in Practice" in page and "Pacing and Titration" in page
    assert page.count('<span class="badge">Archived</span>') == 2
    assert "Closed to new learners; you can still finish it." in page
    assert stat(page, "CE hours earned") == stat(before, "CE hours earned") == "3"
    assert stat(page, "Completed") == "1" and stat(page, "In progress") == "1"
    assert f"/certificates/{certificate.public_id}" in page
    assert "Continue: " in page  # the archived course in progress can still be finished
    transcript = client.get("/transcript").get_data(as_text=True)
    assert "Grounding in Practice" in transcript and certificate.public_id in transcript
    assert '<span class="badge">Course archived</span>' in transcript
    assert re.search(r"Total CE hours</dt><dd>3</dd>", transcript)


def test_an_archived_course_is_not_offered_to_anyone_else(client, sign_in, make_user):
    course = make_course(slug="closed", title="Closed Course")
    set_archived(course, make_user(Role.ADMIN), True)
    sign_in()
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Closed Course" not in page
