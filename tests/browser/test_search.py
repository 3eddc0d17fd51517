"""Searching the catalog in Chromium: the lesson that teaches it, the words marked, accessible."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, screenshot

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("words", "lesson"),
    [
        ("window of tolerance", "Lesson: The window of tolerance in a dosing session"),
        ("esketamine", "Lesson: Screening, medical clearance and monitoring"),
    ],
)
def test_a_visitor_searches_and_reaches_the_lesson_that_teaches_it(
    page: Page, live_server, axe, words, lesson
):
    page.goto("/")
    page.get_by_role("searchbox", name="Search courses").fill(words)
    page.get_by_role("button", name="Search").click()
    results = page.locator(".search-result")
    expect(results.first.get_by_role("heading", level=3)).to_have_text(lesson)
    expect(results.first.locator("mark").first).to_be_visible()
    assert_accessible(axe, page)
    screenshot(page, f"search-{words.split()[0]}")
    results.first.get_by_role("link").click()
    # A visitor is asked to sign in first, and comes back to the lesson.
    expect(page).to_have_url(re.compile(r"/sign-in\?next=%2Fcourses%2F"))
