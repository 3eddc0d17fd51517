"""Journey in Chromium: an instructor changes a course's CE hours, an administrator
approves, and a learner then sees the new claim (issue 16)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.accounts.models import Role, User
from app.catalog.models import Course, CourseStaff
from app.content.importer import import_courses
from app.db import db
from tests.browser.conftest import assert_accessible, screenshot, sign_in
from tests.conftest import UserFactory
from tests.factories import course_spec

pytestmark = pytest.mark.browser
#: A course of this test's own, so the shipped ones stay as other journeys expect them.
COURSE = "ce-approval-journey"
TITLE = "Course ce-approval-journey"


def test_instructor_changes_ce_hours_admin_approves_learner_sees_the_new_claim(
    page: Page, browser, live_server, axe
):
    with live_server.app.app_context():
        import_courses([course_spec(slug=COURSE)])
        course = db.session.scalar(select(Course).where(Course.slug == COURSE))
        teacher = db.session.scalar(select(User).where(User.email == "instructor@example.com"))
        db.session.add(CourseStaff(course_id=course.id, user_id=teacher.id, is_owner=True))
        db.session.commit()
        learner = UserFactory(count=8888)(Role.LEARNER, legal_name="Noor Haddad")
    reader = browser.new_context(base_url=live_server.url).new_page()
    sign_in(reader, learner.email, "correct horse battery")
    reader.goto(f"/courses/{COURSE}")
    expect(reader.get_by_text(re.compile(r"\b1 CE hours")).first).to_be_visible()

    sign_in(page, "instructor@example.com", "instructor-demo-pass")
    page.goto(f"/teaching/{COURSE}/settings")
    expect(page.get_by_text("waits for an administrator's approval")).to_be_visible()
    page.get_by_label("CE hours").fill("0.25")
    page.get_by_role("button", name="Save to the draft").click()
    expect(page.get_by_text("Settings saved to the draft.")).to_be_visible()
    page.get_by_role("link", name="Review and publish").click()
    expect(page.get_by_text(re.compile("stays awaiting CE approval"))).to_be_visible()
    # 4 short lessons and 6 questions take 0.2 hours: the claim is flagged, not refused
    expect(page.get_by_text("The CE hours exceed the time the content can take.")).to_be_visible()
    assert_accessible(axe, page)
    screenshot(page, "ce-claim-publish")
    page.get_by_role("button", name="Send for CE approval").click()
    expect(page.get_by_role("heading", name="Awaiting CE approval")).to_be_visible()
    expect(page.get_by_text(re.compile(r"0\.25 CE hours \(now 1\)"))).to_be_visible()
    assert_accessible(axe, page)
    screenshot(page, "ce-claim-awaiting")

    reader.reload()  # learners keep the approved claim meanwhile
    expect(reader.get_by_text(re.compile(r"\b1 CE hours")).first).to_be_visible()

    admin = browser.new_context(base_url=live_server.url).new_page()
    sign_in(admin, "admin@example.com", "admin-demo-pass")
    admin.goto("/admin/users")
    admin.get_by_role("link", name="CE approvals").click()
    assert_accessible(axe, admin)
    screenshot(admin, "ce-approvals")
    admin.get_by_role("link", name=re.compile(f"Review the claim for .*{TITLE}")).click()
    row = admin.get_by_role("row", name=re.compile("CE hours"))
    expect(row.get_by_role("cell").nth(0)).to_have_text("1")
    expect(row.get_by_role("cell").nth(1)).to_have_text("0.25")
    expect(admin.get_by_text("The claim exceeds the seat time.")).to_be_visible()
    assert_accessible(axe, admin)
    screenshot(admin, "ce-claim-review")
    admin.get_by_role("button", name="Approve and publish").click()
    expect(admin.get_by_text(re.compile("Approved and published as version"))).to_be_visible()

    reader.reload()
    expect(reader.get_by_text(re.compile(r"0\.25 CE hours")).first).to_be_visible()
    page.goto(f"/teaching/{COURSE}")
    expect(page.get_by_role("heading", name="Awaiting CE approval")).to_have_count(0)
