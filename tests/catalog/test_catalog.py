"""The public catalog and course page."""

from __future__ import annotations

import pytest

from tests.factories import make_course


@pytest.fixture
def two_courses(app):  # type: ignore[no-untyped-def]
    make_course(slug="grounding-basics", title="Grounding Basics", topics=("grounding",))
    make_course(slug="team-work", title="Working as a Team", topics=("interdisciplinary-care",))


def test_catalog_lists_published_courses_with_their_facts(client, two_courses):
    page = client.get("/").get_data(as_text=True)
    assert "Grounding Basics" in page and "Working as a Team" in page
    assert "1 CE hour" in page and "2 modules" in page and "Beginning" in page


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("?topic=grounding", "Grounding Basics", "Working as a Team"),
        ("?q=team", "Working as a Team", "Grounding Basics"),
        ("?q=interdisciplinary%20care", "Working as a Team", "Grounding Basics"),
        ("?q=GROUNDING", "Grounding Basics", "Working as a Team"),
    ],
)
def test_filter_and_search(client, two_courses, query, shown, hidden):
    page = client.get("/" + query).get_data(as_text=True)
    assert shown in page and hidden not in page


def test_a_search_with_no_match_says_so(client, two_courses):
    page = client.get("/?q=%3Cscript%3E").get_data(as_text=True)
    assert "No course matches" in page and "<script>" not in page.split("No course")[1][:60]


def test_course_page_shows_what_a_clinician_needs_before_enrolling(client, two_courses):
    page = client.get("/courses/grounding-basics").get_data(as_text=True)
    for text in (
        "Learning objectives",
        "Syllabus",
        "Lesson m1 1",
        "30 min",
        "Ann Example",
        "Pass mark",
        "80% on each quiz",
        "2 per quiz",
        "Modules open in order",
        "Create an account to enroll",
        "Selected references",
    ):
        assert text in page, text


def test_an_unknown_course_is_not_found(client):
    assert client.get("/courses/no-such-course").status_code == 404
