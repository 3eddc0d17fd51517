"""In Chromium: a real LTI 1.3 platform (lti1p3platform) deep-links a quiz, launches a
learner into it, the learner passes, and the grade arrives in the platform's gradebook."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from app.outbound import services as outbound
from tests.browser.conftest import LiveServer, assert_accessible, screenshot, sign_in
from tests.browser.test_learning import finish_lessons_until_quiz, open_attempt_answers
from tests.lti.platform import INSTRUCTOR, Scenario, TestPlatform

pytestmark = pytest.mark.browser
FLAGSHIP = "kap-core-clinical-skills"


def test_a_platform_links_a_quiz_and_receives_the_grade(page: Page, live_server: LiveServer, axe):
    platform = TestPlatform(live_server.url)
    with platform.serving():
        # The provider's administrator registers the platform in the browser.
        sign_in(page, "admin@example.com", "admin-demo-pass")
        page.goto("/admin/lti")
        expect(page.get_by_text(f"{live_server.url}/lti/login")).to_be_visible()
        for label, value in (
            ("Issuer (Platform ID)", platform.issuer),
            ("Client ID", platform.details["client_id"]),
            ("Deployment IDs", platform.details["deployment_ids"]),
            ("Authentication request URL", platform.details["auth_url"]),
            ("Access token URL", platform.details["token_url"]),
            ("Public keyset URL", platform.details["jwks_url"]),
        ):
            page.get_by_label(label).fill(value)
        page.get_by_role("button", name="Register").click()
        expect(page.get_by_text("is registered")).to_be_visible()
        assert_accessible(axe, page)
        screenshot(page, "lti-platforms")
        page.context.clear_cookies()

        # An instructor in the LMS adds the first module's quiz through deep linking.
        page.goto(
            platform.start_page(
                Scenario(
                    sub="teacher-7",
                    email="t7@hospital.example",
                    roles=(INSTRUCTOR,),
                    deep_link=True,
                )
            )
        )
        expect(
            page.get_by_role("heading", name="Choose what to add to your course")
        ).to_be_visible()
        assert_accessible(axe, page)
        screenshot(page, "lti-picker")
        first_quiz = page.locator(f'input[value^="quiz:{FLAGSHIP}/"]').first
        target = first_quiz.get_attribute("value")
        first_quiz.check()
        page.get_by_role("button", name="Add to my course").click()
        expect(page.get_by_role("heading", name="Linked")).to_be_visible()
        [item] = platform.deep_link_items
        assert item["custom"]["target"] == target and item["lineItem"]["scoreMaximum"] == 100
        page.context.clear_cookies()

        # A learner opens the link: a new Groundwork account, enrolled, at the quiz.
        page.goto(
            platform.start_page(
                Scenario(
                    sub="learner-42",
                    name="Sam Rivera",
                    email="sam.rivera@hospital.example",
                    target=target,
                    link_id="placement-9",
                    lineitem="quiz-line",
                )
            )
        )
        expect(page).to_have_url(re.compile(r"/courses/.+/quizzes/\d+$"))
        quiz_url = page.url
        page.goto(f"/courses/{FLAGSHIP}/continue")
        finish_lessons_until_quiz(page)
        page.goto(quiz_url)
        page.get_by_role("button", name=re.compile("Start")).click()
        open_attempt_answers(live_server, page, right=True)
        page.get_by_role("button", name=re.compile("Submit")).click()
        expect(page.get_by_text(re.compile("passed", re.IGNORECASE)).first).to_be_visible()

        # The worker sends the grade; the platform's AGS service records it.
        with live_server.app.app_context():
            assert outbound.drain().delivered == 1
        [score] = platform.scores["quiz-line"]
        assert score["userId"] == "learner-42"
        assert score["scoreGiven"] == 100.0 and score["scoreMaximum"] == 100
        assert score["gradingProgress"] == "FullyGraded"
