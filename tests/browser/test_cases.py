"""Journey in Chromium: a learner plays a case simulation to a harmful ending and, replaying,
to a good one; the debrief shows both paths; module completion follows the case rule; the
course's team reads the case's insight. axe-core on the player, debrief and insight pages."""

from __future__ import annotations

import dataclasses
import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.accounts.models import Role, User
from app.catalog.models import Course, CourseStaff
from app.content.importer import import_courses
from app.db import db
from tests.browser.conftest import assert_accessible, screenshot, sign_in
from tests.browser.test_learning import finish_lessons_until_quiz, open_attempt_answers
from tests.cases.helpers import case_spec
from tests.conftest import UserFactory
from tests.factories import course_spec

pytestmark = pytest.mark.browser
COURSE = "case-journey"


def focused_id(page: Page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def test_a_learner_plays_a_case_to_a_harmful_then_a_good_ending(
    page: Page, browser, live_server, axe
):
    with live_server.app.app_context():
        spec = course_spec(slug=COURSE)
        first = dataclasses.replace(spec.modules[0], case=case_spec("acceptable_ending"))
        import_courses([dataclasses.replace(spec, modules=(first, *spec.modules[1:]))])
        course = db.session.scalar(select(Course).where(Course.slug == COURSE))
        teacher = db.session.scalar(select(User).where(User.email == "instructor@example.com"))
        db.session.add(CourseStaff(course_id=course.id, user_id=teacher.id, is_owner=True))
        db.session.commit()
        learner = UserFactory(count=6100)(Role.LEARNER, legal_name="Tomasz Wierzbicki")

    sign_in(page, learner.email, "correct horse battery")
    page.goto(f"/courses/{COURSE}")
    page.get_by_role("button", name="Enroll in this course").click()
    finish_lessons_until_quiz(page)
    page.get_by_role("button", name="Start the quiz").click()
    open_attempt_answers(live_server, page, right=True)
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_text("✓ Passed")).to_be_visible()
    page.get_by_role("link", name="Continue the course").click()

    # The quiz is passed, yet the module waits for its case: the course sends the learner there.
    expect(page.get_by_role("heading", level=1)).to_have_text("The first scene")
    assert focused_id(page) == "scene-title"
    expect(page.get_by_text("Required: reach an ending rated acceptable or best")).to_be_visible()
    status = page.get_by_role("region", name="Status")
    expect(status).to_contain_text("Breathing")
    expect(status).to_contain_text("Fast")
    assert_accessible(axe, page)
    screenshot(page, "case-scene")

    # Keyboard only: reach the harmful choice and make it.
    page.get_by_label("Leave the room").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Make this choice").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Debrief: Outcome bad")
    assert focused_id(page) == "debrief-title"
    expect(page.get_by_text("This run does not meet it yet")).to_be_visible()
    expect(page.get_by_text("Feedback: Leave the room.")).to_be_visible()
    expect(page.get_by_role("heading", name="The recommended path", exact=True)).to_be_visible()
    expect(page.get_by_text("Call the team").first).to_be_visible()
    outline = page.get_by_role("navigation", name="Course outline")
    expect(outline.get_by_text("module complete")).to_have_count(0)
    assert_accessible(axe, page)
    screenshot(page, "case-debrief-harmful")

    page.get_by_role("button", name="Replay from the start").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The first scene")
    page.get_by_label("Orient").check()
    page.get_by_role("button", name="Make this choice").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The second scene")
    assert focused_id(page) == "scene-title"
    expect(page.get_by_text("Feedback: Orient.")).to_be_visible()  # the last choice's feedback
    assert_accessible(axe, page)
    page.get_by_label("Call the team").check()
    page.get_by_role("button", name="Make this choice").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Debrief: Outcome good")
    expect(page.get_by_text("You followed the recommended path throughout.")).to_be_visible()
    expect(page.get_by_text("This run meets it.")).to_be_visible()
    expect(outline.get_by_text(re.compile("module complete"))).to_have_count(1)
    expect(page.get_by_role("region", name="Your runs of this case").first).to_contain_text(
        "Harmful"
    )
    assert_accessible(axe, page)
    screenshot(page, "case-debrief-good")

    page.goto("/dashboard")
    expect(page.get_by_text("Required case simulations: 1 of 1 done")).to_be_visible()

    page = browser.new_context(base_url=live_server.url).new_page()  # the teacher's own browser
    sign_in(page, "instructor@example.com", "instructor-demo-pass")
    page.goto(f"/teaching/{COURSE}/insight")
    page.get_by_role("link", name="the course's page").click()
    page.get_by_role("link", name="Case insight for Module m1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Case insight: A test case")
    endings = page.get_by_role("table").first
    expect(endings).to_contain_text("End bad")
    assert_accessible(axe, page)
    screenshot(page, "case-insight")


def test_an_author_adds_a_scene_publishes_and_sees_it_in_insight(
    page: Page, browser, live_server, axe
):
    slug = "case-authoring-journey"
    with live_server.app.app_context():
        import_courses([course_spec(slug=slug)])
        course = db.session.scalar(select(Course).where(Course.slug == slug))
        teacher = db.session.scalar(select(User).where(User.email == "instructor@example.com"))
        db.session.add(CourseStaff(course_id=course.id, user_id=teacher.id, is_owner=True))
        db.session.commit()
        learner = UserFactory(count=6200)(Role.LEARNER, legal_name="Ines Okafor")

    sign_in(page, "instructor@example.com", "instructor-demo-pass")
    page.goto(f"/teaching/{slug}")
    page.get_by_role("link", name="Add a case simulation to Module m1").click()
    page.get_by_label("Title").fill("A first check-in")
    page.get_by_label("Summary").fill("Check in before anything else.")
    page.get_by_label("Module completion").select_option("ending")
    assert_accessible(axe, page)
    page.get_by_role("button", name="Add the case").click()
    expect(page.get_by_text("Case added to the draft")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Graph of the case"))).to_be_visible()
    assert_accessible(axe, page)
    screenshot(page, "case-editor")

    page.get_by_role("link", name="Add a scene").click()
    page.get_by_label("Scene id").fill("check-in")
    page.get_by_label("Title").fill("A check-in")
    page.get_by_label("Narrative (Markdown)").fill("The client opens their eyes and looks around.")
    page.get_by_label("Status panel").fill("Alertness: awake")
    page.get_by_label("Choice 1", exact=True).fill("Ask how they are")
    page.get_by_label("Rating of choice 1").select_option("best")
    page.get_by_label("Choice 1 leads to").select_option("good-ending")
    page.get_by_label("Feedback for choice 1").fill("An open question keeps them in charge.")
    page.get_by_label("Choice 2", exact=True).fill("Talk about the next session")
    page.get_by_label("Choice 2 leads to").select_option("poor-ending")
    page.get_by_label("Feedback for choice 2").fill("Too soon.")
    page.get_by_role("button", name="Save to the draft").click()
    # Saved, with the checker's message beside the field it is about.
    expect(page.get_by_text("Scene saved to the draft.")).to_be_visible()
    rating_problem = page.locator("#choices-1-rating-checker")
    expect(rating_problem).to_contain_text("choice has no rating")
    assert_accessible(axe, page)
    screenshot(page, "case-scene-editor")
    page.get_by_label("Rating of choice 2").select_option("risky")
    page.get_by_role("button", name="Save to the draft").click()
    expect(page.locator("#choices-1-rating-checker")).to_have_count(0)

    page.get_by_role("link", name="A first check-in").click()
    page.get_by_role("link", name="Opening").click()
    page.get_by_label("Choice 1 leads to").select_option("check-in")
    page.get_by_role("button", name="Save to the draft").click()
    page.get_by_role("link", name="A first check-in").click()
    expect(page.get_by_text("The checker reports")).to_have_count(0)
    page.get_by_role("link", name="Preview the case").click()
    page.get_by_role("link", name="The response you recommend").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("A check-in")
    assert_accessible(axe, page)

    page.goto(f"/teaching/{slug}")
    page.get_by_role("link", name="Review and publish").click()
    page.get_by_role("button", name=re.compile("Publish")).click()

    reader = browser.new_context(base_url=live_server.url).new_page()
    sign_in(reader, learner.email, "correct horse battery")
    reader.goto(f"/courses/{slug}")
    reader.get_by_role("button", name="Enroll in this course").click()
    reader.get_by_role("link", name=re.compile("Case simulation")).click()
    reader.get_by_label("The response you recommend").check()
    reader.get_by_role("button", name="Make this choice").click()
    expect(reader.get_by_role("heading", level=1)).to_have_text("A check-in")
    reader.get_by_label("Ask how they are").check()
    reader.get_by_role("button", name="Make this choice").click()
    expect(reader.get_by_role("heading", level=1)).to_have_text("Debrief: A good outcome")

    page.goto(f"/teaching/{slug}")
    page.get_by_role("link", name="Case insight for Module m1").click()
    choices = page.get_by_role("region", name="How often each choice was taken")
    expect(choices.get_by_role("row", name=re.compile("Ask how they are"))).to_contain_text("100%")
    assert_accessible(axe, page)
