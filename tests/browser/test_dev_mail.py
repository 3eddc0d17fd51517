"""A newcomer without a mail server finds the confirmation at /dev/mail and follows it;
an administrator reads the undelivered-mail page. Both pages pass axe's WCAG checks."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, screenshot, sign_in, sign_up

pytestmark = pytest.mark.browser


def test_a_newcomer_confirms_from_the_development_mail_page(page: Page, live_server, axe):
    sign_up(page, "Ari Chen", "ari.chen@example.com", "Registered nurse")

    page.goto("/dev/mail")
    message = page.get_by_role("article").filter(has_text="To ari.chen@example.com")
    expect(message.get_by_role("heading", name="Confirm your Groundwork email")).to_be_visible()
    assert_accessible(axe, page)
    screenshot(page, "dev-mail")
    message.get_by_role("link", name="/confirm/").click()
    expect(page.get_by_text("Your email is confirmed")).to_be_visible()
    sign_in(page, "ari.chen@example.com", "a long steady password")
    expect(page.get_by_text("Welcome back, Ari Chen.")).to_be_visible()


def test_an_administrator_sees_what_is_waiting(page: Page, live_server, axe):
    sign_in(page, "admin@example.com", "admin-demo-pass")
    page.goto("/admin/users")
    page.get_by_role("navigation", name="Administration").get_by_role("link", name="Mail").click()
    expect(page.get_by_role("heading", name="Mail not yet delivered")).to_be_visible()
    assert_accessible(axe, page)
    screenshot(page, "admin-mail")
