"""A course's syllabus names each module's case simulation, what it asks and its seat time.

The CE hours count the time a required case takes (``app.content.casetime``), so the page
a clinician and a licensing board read before enrolling shows it beside the lessons.
"""

from __future__ import annotations

import math
import re

import pytest

from app.accounts.models import Role
from app.catalog.models import CourseStaff
from app.content.casetime import case_min_seconds
from app.db import db
from tests.cases.helpers import case_spec, course_with_case


def _text(response) -> str:  # type: ignore[no-untyped-def]
    """The page's words, tags dropped and spaces collapsed."""
    assert response.status_code == 200
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


@pytest.mark.parametrize(
    ("requirement", "asks"),
    [
        ("acceptable_ending", "needs an ending rated acceptable or better"),
        ("ending", "needs an ending"),
    ],
)
def test_a_required_case_is_listed_with_what_it_asks_and_its_minutes(client, requirement, asks):
    course = course_with_case(requirement)
    minutes = math.ceil(case_min_seconds(case_spec(requirement)) / 60)

    page = _text(client.get(f"/courses/{course.slug}"))

    assert f"Module quiz Case simulation: A test case · {minutes} min; {asks}" in page
    assert f"Case simulations about {minutes} min" in page


def test_a_practice_case_is_listed_as_not_required_and_adds_no_time(client):
    course = course_with_case("none")

    page = _text(client.get(f"/courses/{course.slug}"))

    assert "Case simulation: A test case · practice, not required" in page
    assert "Case simulations about" not in page


def test_the_instructors_preview_lists_the_case_as_learners_will_see_it(client, sign_in):
    course = course_with_case("acceptable_ending")
    instructor = sign_in(Role.INSTRUCTOR)
    db.session.add(CourseStaff(course_id=course.id, user_id=instructor.id))
    db.session.commit()
    minutes = math.ceil(case_min_seconds(case_spec("acceptable_ending")) / 60)

    page = _text(client.get(f"/teaching/{course.slug}/preview"))

    assert f"Case simulation: A test case · {minutes} min; needs an ending rated" in page


def test_a_new_version_that_requires_the_case_shows_it_at_once(client):
    course = course_with_case("none")
    assert "practice, not required" in _text(client.get(f"/courses/{course.slug}"))

    course_with_case("acceptable_ending")  # the same course, published again

    page = _text(client.get(f"/courses/{course.slug}"))
    assert "practice, not required" not in page
    assert "needs an ending rated acceptable or better" in page
