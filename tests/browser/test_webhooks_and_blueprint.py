"""In Chromium with axe-core: the administrator's webhook page (add, the secret shown once,
delete after a confirmation page), the instructor's blueprint editor refusing a draw
count at its field, and a reloaded new-token page making no second token."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, screenshot, sign_in

pytestmark = pytest.mark.browser
#: A public address written as one, so adding it needs no name lookup (CI has no DNS).
HOOK = "https://93.184.215.14/groundwork/hooks"


def test_an_administrator_adds_a_webhook_sees_its_secret_once_and_deletes_it(page: Page, axe):
    sign_in(page, "admin@example.com", "admin-demo-pass")
    page.goto("/admin/webhooks")
    assert_accessible(axe, page)
    page.get_by_label("Address (URL)").fill(HOOK)
    page.get_by_label(re.compile(r"completes a course")).check()
    page.get_by_role("button", name="Add webhook").click()
    expect(page.get_by_label("Signing secret")).to_have_value(re.compile(r"\S{20,}"))
    assert_accessible(axe, page)
    screenshot(page, "admin-webhooks")

    page.reload()  # shown only this once, and the form is not posted again
    expect(page.get_by_label("Signing secret")).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile(r"^Delete the webhook"))).to_have_count(1)
    page.get_by_role("button", name=f"Delete the webhook to {HOOK}").click()
    expect(page.get_by_role("heading", name="Delete this webhook?")).to_be_visible()
    assert_accessible(axe, page)
    page.get_by_role("button", name="Yes, delete the webhook").click()
    expect(page.get_by_text("have stopped")).to_be_visible()
    expect(page.get_by_text("No webhooks yet.")).to_be_visible()


def test_a_refused_draw_count_is_named_in_the_summary_and_at_its_field(page: Page, axe):
    sign_in(page, "instructor@example.com", "instructor-demo-pass")
    page.goto("/teaching/kap-core-clinical-skills/blueprint")
    assert_accessible(axe, page)
    first = page.locator("input[inputmode=numeric]").first
    first.fill("0")
    page.get_by_role("button", name="Save to the draft").click()

    summary_link = page.locator(".error-summary a, [role=alert] a").first
    expect(summary_link).to_be_visible()
    expect(first).to_have_attribute("aria-invalid", "true")
    assert_accessible(axe, page)
    screenshot(page, "blueprint-refused")
    expect(summary_link).to_have_attribute("href", f"#{first.get_attribute('id')}")


def test_reloading_the_page_that_showed_a_new_token_makes_no_second_token(page: Page, axe):
    sign_in(page, "learner@example.com", "learner-demo-pass")
    page.goto("/account/tokens")
    page.get_by_label("Name", exact=True).fill("Board report")
    page.get_by_role("button", name="Make token").click()
    expect(page.get_by_label("Token", exact=True)).to_have_value(re.compile(r"^gw_"))

    page.reload()  # Chromium posts the same form again
    expect(page.get_by_role("heading", name="Nothing new was made")).to_be_visible()
    expect(page.get_by_label("Token", exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile(r"^Revoke"))).to_have_count(1)
    assert_accessible(axe, page)
    screenshot(page, "tokens-reloaded")
    page.get_by_label("Name", exact=True).fill("Second")
    page.get_by_role("button", name="Make token").click()  # the new form's key is unused
    expect(page.get_by_label("Token", exact=True)).to_have_value(re.compile(r"^gw_"))
    expect(page.get_by_role("button", name=re.compile(r"^Revoke"))).to_have_count(2)
