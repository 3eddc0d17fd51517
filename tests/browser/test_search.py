"""Searching the catalog in Chromium: the lesson that teaches it, the words marked, accessible."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, screenshot

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("words", "lessons"),
    [
        ("window of tolerance", {"Lesson: The window of tolerance in a dosing session"}),
        (
            "esketamine",
            {
                "Lesson: Screening, medical clearance and monitoring",
                "Lesson: Depression: what the trials found",
                "Lesson: Esketamine, racemic ketamine and compounded products",
            },
        ),
    ],
)
def test_a_visitor_searches_and_reaches_the_lesson_that_teaches_it(
    page: Page, live_server, axe, words, lessons
):
    page.goto("/")
    page.get_by_role("searchbox", name="Search courses").fill(words)
    page.get_by_role("button", name="Search").click()
    lesson_hits = page.locator(".search-result").filter(has_text="Lesson: ")
    first = lesson_hits.first
    assert first.get_by_role("heading", level=3).inner_text().strip() in lessons
    expect(first.locator("mark").first).to_be_visible()
    assert_accessible(axe, page)
    screenshot(page, f"search-{words.split()[0]}")
    first.get_by_role("link").click()
    # A visitor is asked to sign in first, and comes back to the lesson.
    expect(page).to_have_url(re.compile(r"/sign-in\?next=%2Fcourses%2F"))
