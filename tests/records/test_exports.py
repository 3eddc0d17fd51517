"""Records exports: what accreditors need, and only for the course's own team."""

from __future__ import annotations

import csv
import io

from app.accounts.models import Role
from app.catalog.models import CourseStaff
from app.certificates.identifiers import display_id
from app.db import db
from tests.certificates.helpers import earn_certificate
from tests.factories import make_course


def rows(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_the_course_team_exports_completions_participants_and_evaluations(
    client, sign_in, make_user
):
    course = make_course(modules=1)
    learner = sign_in()
    certificate = earn_certificate(client, course, learner.id)
    client.post("/sign-out")
    instructor = make_user(Role.INSTRUCTOR)
    db.session.add(CourseStaff(course_id=course.id, user_id=instructor.id, is_owner=True))
    db.session.commit()
    sign_in(user=instructor)

    page = client.get(f"/records/{course.slug}").get_data(as_text=True)
    assert "<dt>Completions</dt><dd>1</dd>" in page and "Clear and practical." in page

    completions = rows(client.get(f"/records/{course.slug}/completions.csv"))
    assert completions[0][:6] == [
        "Name",
        "Email",
        "Profession",
        "License number",
        "License state",
        "Completion date",
    ]
    assert completions[1][0] == learner.legal_name and completions[1][1] == learner.email
    assert completions[1][8] == display_id(certificate.public_id)

    participants = rows(client.get(f"/records/{course.slug}/participants.csv"))
    assert len(participants) == 2 and participants[1][7] == display_id(certificate.public_id)
    assert rows(client.get(f"/records/{course.slug}/completions.csv?start=2999-01-01")) == [
        completions[0]
    ]

    evaluations = dict(
        (r[0], r[1]) for r in rows(client.get(f"/records/{course.slug}/evaluations.csv"))[1:]
    )
    assert evaluations["Evaluations filed"] == "1"
    assert evaluations["Objective met: Reach the goal."] == "5.00"
    assert evaluations["Free of commercial bias: yes"] == "1"


def test_another_instructor_and_learners_are_refused(client, sign_in, make_user):
    course = make_course(modules=1)
    sign_in(Role.INSTRUCTOR)  # not on this course's team
    for suffix in (
        "",
        "/completions.csv",
        "/participants.csv",
        "/evaluations.csv",
        "/time-on-task.csv",
    ):
        assert client.get(f"/records/{course.slug}{suffix}").status_code == 403
    assert client.get("/records/no-such-course").status_code == 404
    client.post("/sign-out")
    sign_in(Role.LEARNER)
    assert client.get("/records/").status_code == 403


def test_admins_see_every_course(client, sign_in):
    course = make_course(modules=1)
    sign_in(Role.ADMIN)
    assert course.title in client.get("/records/").get_data(as_text=True)
    assert client.get(f"/records/{course.slug}/completions.csv").status_code == 200


def test_names_that_look_like_formulas_are_neutralised(client, sign_in, make_user):
    course = make_course(modules=1)
    learner = make_user(legal_name='=HYPERLINK("http://evil")')
    sign_in(user=learner)
    earn_certificate(client, course, learner.id)
    client.post("/sign-out")
    sign_in(Role.ADMIN)
    completions = rows(client.get(f"/records/{course.slug}/completions.csv"))
    assert completions[1][0].startswith("'=")
