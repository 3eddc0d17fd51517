"""Journeys through accounts in a real browser, with accessibility checks and screenshots."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from app.accounts.services import NOT_SIGNED_IN
from tests.browser.conftest import assert_accessible, screenshot, sign_in

pytestmark = pytest.mark.browser


def test_a_clinician_signs_up_confirms_and_signs_in(page: Page, live_server, axe):
    page.goto("/")
    expect(
        page.get_by_role("heading", name="Core Clinical Skills for Ketamine-Assisted Psychotherapy")
    ).to_be_visible()
    page.get_by_role("link", name="Create account").click()
    page.get_by_label("Legal name").fill("Morgan Reyes")
    page.get_by_label("Email").fill("morgan.reyes@example.com")
    page.get_by_label("Profession").select_option("Registered nurse")
    page.get_by_label("License state").select_option("NM")
    page.get_by_label("License number").fill("RN-55021")
    page.get_by_label("Password", exact=True).fill("a long steady password")
    page.get_by_label("Repeat the password").fill("a long steady password")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    assert_accessible(axe, page)

    link = re.search(r"http://\S+/confirm/\S+", live_server.mail_to("morgan.reyes@example.com"))
    assert link
    page.goto(link.group(0))
    expect(page.get_by_text("Your email is confirmed")).to_be_visible()
    sign_in(page, "morgan.reyes@example.com", "a long steady password")
    expect(page.get_by_role("heading", name="My learning")).to_be_visible()
    expect(page.get_by_text("Welcome back, Morgan Reyes.")).to_be_visible()
    assert_accessible(axe, page)
    screenshot(page, "dashboard")


def test_a_wrong_password_is_refused_with_a_clear_message(page: Page, live_server, axe):
    sign_in(page, "learner@example.com", "not the password")
    expect(page.get_by_role("alert")).to_contain_text(NOT_SIGNED_IN)
    expect(page.get_by_label("Email")).to_have_value("learner@example.com")
    assert_accessible(axe, page)
    screenshot(page, "sign-in-refused")


def test_form_errors_sit_beside_their_fields_and_input_is_kept(page: Page, live_server, axe):
    page.goto("/sign-up")
    page.get_by_label("Legal name").fill("Kai Morgan")
    page.get_by_label("Email").fill("kai@example")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Repeat the password").fill("short")
    page.get_by_role("button", name="Create account").click()
    email = page.get_by_label("Email")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#email-error")).to_contain_text("Enter an email address like")
    expect(page.locator("#password-error")).to_contain_text("Use at least 10 characters")
    expect(page.locator("#profession-error")).to_contain_text("Choose your profession.")
    expect(page.get_by_label("Legal name")).to_have_value("Kai Morgan")
    expect(email).to_have_value("kai@example")
    assert_accessible(axe, page)
    screenshot(page, "sign-up-errors")


@pytest.mark.parametrize(
    ("name", "path", "account"),
    [
        ("catalog", "/", None),
        ("course", "/courses/kap-core-clinical-skills", None),
        ("sign-in", "/sign-in", None),
        ("sign-up", "/sign-up", None),
        ("profile", "/account", "learner"),
        ("admin-users", "/admin/users", "admin"),
        ("delete-account", "/account/delete", "learner"),
        ("not-found", "/courses/no-such-course", None),
    ],
)
def test_main_pages_are_accessible(page: Page, live_server, axe, name, path, account):
    if account:
        sign_in(page, f"{account}@example.com", f"{account}-demo-pass")
        expect(page.get_by_role("heading", name="My learning")).to_be_visible()
    page.goto(path)
    assert_accessible(axe, page)
    screenshot(page, name)


def test_keyboard_users_reach_the_form_and_see_where_focus_is(page: Page, live_server):
    page.goto("/sign-in")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.id")
    assert focused == "email"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
