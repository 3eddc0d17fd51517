"""Certificates in the browser: an admin revokes one and its verification page says so."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer, assert_accessible, screenshot, sign_in
from tests.certificates.helpers import earn_certificate
from tests.factories import make_course

pytestmark = pytest.mark.browser


def issued_certificate(live_server: LiveServer) -> str:
    """A learner on the live site earns a certificate; returns its public ID."""
    with live_server.app.app_context():
        course = make_course(slug="revocation-course", modules=1)
        client = live_server.app.test_client()
        from app.accounts.models import Role
        from tests.conftest import UserFactory

        learner = UserFactory(count=4242)(Role.LEARNER, legal_name="Jamie Ortiz")
        client.post("/sign-in", data={"email": learner.email, "password": "correct horse battery"})
        return earn_certificate(client, course, learner.id).public_id


def test_an_admin_revokes_a_certificate_and_verification_says_revoked(page: Page, live_server, axe):
    public_id = issued_certificate(live_server)
    page.goto(f"/verify/{public_id}")
    expect(page.get_by_role("heading", name="This certificate is valid")).to_be_visible()

    sign_in(page, "admin@example.com", "admin-demo-pass")
    page.get_by_role("link", name="Users").click()
    page.get_by_role("link", name="Certificates").click()
    page.get_by_label("Learner, course or certificate ID").fill("Jamie Ortiz")
    page.get_by_role("button", name="Search").click()
    assert_accessible(axe, page)
    screenshot(page, "admin-certificates")
    page.locator("td[data-label=ID] a").first.click()
    page.get_by_role("button", name="Revoke the certificate").click()
    expect(page.locator("#reason-error")).to_contain_text("Give the reason")
    page.get_by_label("Reason for revoking").fill("Completion recorded in error.")
    page.get_by_role("button", name="Revoke the certificate").click()
    # A confirmation page says what will be lost before anything changes.
    expect(page.get_by_role("heading", name="What will be lost")).to_be_visible()
    assert_accessible(axe, page)
    screenshot(page, "admin-certificate-revoke-confirm")
    page.get_by_role("button", name="Yes, revoke the certificate").click()
    expect(page.get_by_text("The certificate is revoked")).to_be_visible()
    assert_accessible(axe, page)
    screenshot(page, "admin-certificate-revoked")

    page.goto(f"/verify/{public_id}")
    expect(page.get_by_role("heading", name="This certificate was revoked")).to_be_visible()
    assert_accessible(axe, page)
    screenshot(page, "verify-revoked")
    page.goto("/admin/audit")
    expect(page.locator("td code", has_text="certificate.revoked")).to_be_visible()
    assert_accessible(axe, page)
    screenshot(page, "admin-audit")


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("verify-lookup", "/verify"),
        ("verify-unknown", "/verify/not-a-real-id"),
        ("check-credential", "/verify/credential"),
    ],
)
def test_public_verification_pages_are_accessible(page: Page, live_server, axe, name, path):
    page.goto(path)
    assert_accessible(axe, page)
    screenshot(page, name)


def test_a_correction_is_asked_approved_and_the_old_credential_says_replaced(
    page: Page, live_server, axe
):
    with live_server.app.app_context():
        from app.accounts.models import Role
        from tests.conftest import UserFactory

        course = make_course(slug="correction-course", modules=1)
        learner = UserFactory(count=4343)(Role.LEARNER, legal_name="Jamie Ortz")
        client = live_server.app.test_client()
        client.post("/sign-in", data={"email": learner.email, "password": "correct horse battery"})
        public_id = earn_certificate(client, course, learner.id).public_id
        email = learner.email

    sign_in(page, email, "correct horse battery")
    page.goto(f"/certificates/{public_id}")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the Open Badges credential").click()
    credential = Path(download.value.path()).read_text(encoding="utf-8")
    page.get_by_role("link", name="Ask for a correction").click()
    page.get_by_label("Legal name").fill("Jamie Ortiz")
    page.get_by_role("button", name="Send the request").click()
    expect(page.locator("#reason-error")).to_contain_text("Say why")
    assert_accessible(axe, page)
    screenshot(page, "certificate-correction-form")
    page.get_by_label("Why does the certificate need correcting?").fill("My surname is misspelt.")
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_role("heading", name="Correction requested")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "admin@example.com", "admin-demo-pass")
    page.goto("/admin/corrections")
    assert_accessible(axe, page)
    page.get_by_role("link", name="Review the request for Jamie Ortz").click()
    expect(page.get_by_text("My surname is misspelt.")).to_be_visible()
    assert_accessible(axe, page)
    screenshot(page, "admin-correction-review")
    page.get_by_role("button", name="Approve and issue the corrected certificate").click()
    expect(page.get_by_text("Approved: the corrected certificate is issued.")).to_be_visible()

    page.goto(f"/verify/{public_id}")
    expect(page.get_by_role("heading", name="This certificate was replaced")).to_be_visible()
    assert_accessible(axe, page)
    page.goto("/verify/credential")
    page.get_by_label("Paste the credential (JSON)").fill(credential)
    page.get_by_role("button", name="Check the credential").click()
    expect(page.get_by_role("status")).to_contain_text("Replaced: the signature is valid")
    assert_accessible(axe, page)
    screenshot(page, "check-credential-replaced")
