"""Journey 2 in Chromium: an instructor revises the flagship course; a learner then sees it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from app.accounts.models import Role
from tests.browser.conftest import assert_accessible, screenshot, sign_in
from tests.conftest import UserFactory

pytestmark = pytest.mark.browser
COURSE = "kap-preparation-and-integration"


def test_an_instructor_edits_a_lesson_adds_a_question_previews_and_publishes(
    page: Page, browser, live_server, axe
):
    sign_in(page, "instructor@example.com", "instructor-demo-pass")
    page.get_by_role("link", name="Teaching").click()
    assert_accessible(axe, page)
    screenshot(page, "teaching")
    page.get_by_role(
        "link", name="Preparation and Integration in Ketamine-Assisted Psychotherapy", exact=True
    ).click()
    assert_accessible(axe, page)
    screenshot(page, "authoring-course")

    page.get_by_role("link", name="What integration is").click()
    body = page.get_by_label("Lesson (Markdown)")
    body.fill(
        body.input_value() + "\n\n## A note added in review\n\nIntegration is paced by the client."
    )
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("heading", name="A note added in review")).to_be_visible()
    assert_accessible(axe, page)
    screenshot(page, "authoring-lesson-preview")
    page.get_by_role("button", name="Save to the draft").click()
    expect(page.get_by_text("Lesson saved to the draft.")).to_be_visible()

    page.get_by_role("link", name="Add a question to Integration Sessions").click()
    page.get_by_label("Kind").select_option("true_false")
    page.get_by_label("Question", exact=True).fill(
        "Integration sessions are led by the client's own meaning-making."
    )
    page.get_by_label("Choice 1", exact=True).fill("True")
    page.get_by_label("Correct (choice 1)").check()
    page.get_by_label("Choice 2", exact=True).fill("False")
    page.get_by_label("Explanation").fill("The therapist supports; the client makes the meaning.")
    assert_accessible(axe, page)
    screenshot(page, "authoring-question")
    page.get_by_role("button", name="Save to the draft").click()
    expect(page.get_by_text("Question saved to the draft.")).to_be_visible()
    expect(page.get_by_text("Unpublished changes")).to_be_visible()

    page.get_by_role("link", name="Preview as a learner").click()
    expect(page.get_by_text("Preview of the draft.")).to_be_visible()
    page.get_by_role("link", name="What integration is").click()
    expect(page.get_by_role("heading", name="A note added in review")).to_be_visible()

    page.goto(f"/teaching/{COURSE}")
    page.get_by_role("link", name="Review and publish").click()
    expect(page.get_by_text(re.compile("Changed lesson “What integration is”"))).to_be_visible()
    assert_accessible(axe, page)
    screenshot(page, "authoring-publish")
    page.get_by_role("button", name=re.compile("Publish version")).click()
    expect(page.get_by_text(re.compile("Published: .* is now version 2"))).to_be_visible()

    with live_server.app.app_context():
        learner = UserFactory(count=7777)(Role.LEARNER, legal_name="Alex Moreau")
    reader = browser.new_context(base_url=live_server.url).new_page()
    sign_in(reader, learner.email, "correct horse battery")
    reader.goto(f"/courses/{COURSE}")
    reader.get_by_role("button", name="Enroll in this course").click()
    reader.goto(f"/courses/{COURSE}/integration-sessions/what-integration-is")
    expect(reader.get_by_role("heading", name="A note added in review")).to_be_visible()
    reader.goto(f"/courses/{COURSE}")
    expect(reader.get_by_text("version 2")).to_be_visible()
    reader.context.close()


def test_authoring_pages_are_accessible(page: Page, live_server, axe):
    sign_in(page, "instructor@example.com", "instructor-demo-pass")
    for name, path in (
        ("authoring-new", "/teaching/new"),
        ("authoring-settings", "/teaching/kap-core-clinical-skills/settings"),
        ("authoring-team", "/teaching/kap-core-clinical-skills/team"),
        ("authoring-import", "/teaching/import"),
        ("records", "/records/kap-core-clinical-skills"),
        ("insight", "/teaching/kap-core-clinical-skills/insight"),
        (
            "authoring-preview-quiz",
            "/teaching/kap-core-clinical-skills/preview/dissociative-state-grounding/quiz",
        ),
    ):
        page.goto(path)
        assert_accessible(axe, page)
        screenshot(page, name)


def test_a_stale_lesson_save_is_explained_and_keeps_what_was_typed(page: Page, live_server, axe):
    sign_in(page, "instructor@example.com", "instructor-demo-pass")
    lesson = f"/teaching/{COURSE}/modules/integration-sessions/lessons/what-integration-is"
    page.goto(lesson)
    other_tab = page.context.new_page()
    other_tab.goto(lesson)
    other_body = other_tab.get_by_label("Lesson (Markdown)")
    other_body.fill(other_body.input_value() + "\n\nA sentence saved from the other tab.")
    other_tab.get_by_role("button", name="Save to the draft").click()
    expect(other_tab.get_by_text("Lesson saved to the draft.")).to_be_visible()
    other_tab.close()

    body = page.get_by_label("Lesson (Markdown)")
    body.fill(body.input_value() + "\n\nA sentence typed in this tab.")
    page.get_by_role("button", name="Save to the draft").click()

    expect(page.get_by_role("alert")).to_contain_text(
        "someone changed this lesson while you were editing it"
    )
    expect(page.get_by_label("Lesson (Markdown)")).to_have_value(
        re.compile("A sentence typed in this tab.")
    )
    expect(page.get_by_role("region", name="The version now in the draft")).to_contain_text(
        "A sentence saved from the other tab."
    )
    assert_accessible(axe, page)
    screenshot(page, "authoring-lesson-conflict")
