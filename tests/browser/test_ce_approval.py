"""Journey in Chromium: an instructor changes a course's CE hours, an administrator
approves, and a learner then sees the new claim (issue 16)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from app.accounts.models import Role
from tests.browser.conftest import assert_accessible, screenshot, sign_in
from tests.conftest import UserFactory

pytestmark = pytest.mark.browser
COURSE = "kap-core-clinical-skills"
TITLE = "Core Clinical Skills"


def test_instructor_changes_ce_hours_admin_approves_learner_sees_the_new_claim(
    page: Page, browser, live_server, axe
):
    with live_server.app.app_context():
        learner = UserFactory(count=8888)(Role.LEARNER, legal_name="Noor Haddad")
    reader = browser.new_context(base_url=live_server.url).new_page()
    sign_in(reader, learner.email, "correct horse battery")
    reader.goto(f"/courses/{COURSE}")
    expect(reader.get_by_text(re.compile(r"2\.5 CE hours")).first).to_be_visible()

    sign_in(page, "instructor@example.com", "instructor-demo-pass")
    page.goto(f"/teaching/{COURSE}/settings")
    expect(page.get_by_text("waits for an administrator's approval")).to_be_visible()
    page.get_by_label("CE hours").fill("2.25")
    page.get_by_role("button", name="Save to the draft").click()
    expect(page.get_by_text("Settings saved to the draft.")).to_be_visible()
    page.get_by_role("link", name="Review and publish").click()
    expect(page.get_by_text(re.compile("stays awaiting CE approval"))).to_be_visible()
    assert_accessible(axe, page)
    screenshot(page, "ce-claim-publish")
    page.get_by_role("button", name="Send for CE approval").click()
    expect(page.get_by_role("heading", name="Awaiting CE approval")).to_be_visible()
    expect(page.get_by_text(re.compile(r"2\.25 CE hours \(now 2\.5\)"))).to_be_visible()
    assert_accessible(axe, page)
    screenshot(page, "ce-claim-awaiting")

    reader.reload()  # learners keep the approved claim meanwhile
    expect(reader.get_by_text(re.compile(r"2\.5 CE hours")).first).to_be_visible()

    admin = browser.new_context(base_url=live_server.url).new_page()
    sign_in(admin, "admin@example.com", "admin-demo-pass")
    admin.goto("/admin/users")
    admin.get_by_role("link", name="CE approvals").click()
    assert_accessible(axe, admin)
    screenshot(admin, "ce-approvals")
    admin.get_by_role("link", name=re.compile(f"Review the claim for .*{TITLE}")).click()
    row = admin.get_by_role("row", name=re.compile("CE hours"))
    expect(row.get_by_role("cell").nth(0)).to_have_text("2.5")
    expect(row.get_by_role("cell").nth(1)).to_have_text("2.25")
    assert_accessible(axe, admin)
    screenshot(admin, "ce-claim-review")
    admin.get_by_role("button", name="Approve and publish").click()
    expect(admin.get_by_text(re.compile("Approved and published as version"))).to_be_visible()

    reader.reload()
    expect(reader.get_by_text(re.compile(r"2\.25 CE hours")).first).to_be_visible()
    page.goto(f"/teaching/{COURSE}")
    expect(page.get_by_role("heading", name="Awaiting CE approval")).to_have_count(0)
