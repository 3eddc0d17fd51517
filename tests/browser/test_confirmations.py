"""Destructive actions in Chromium with JavaScript off: each asks first and says what goes."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import LiveServer, assert_accessible, screenshot, sign_in

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"


def test_discard_remove_make_owner_and_leave_without_javascript(
    browser: Browser, page: Page, live_server: LiveServer, axe
):
    """The journey runs with JavaScript off; axe (which needs it) checks each page in a
    second, ordinary tab signed in as the same owner."""
    from app.accounts.models import Role
    from app.catalog.models import CourseStaff
    from app.db import db
    from tests.conftest import UserFactory
    from tests.factories import make_course

    with live_server.app.app_context():
        course = make_course(slug="confirm-course", modules=2)
        people = UserFactory(count=8100)
        owner = people(Role.INSTRUCTOR, legal_name="Olive Owner")
        colleague = people(Role.INSTRUCTOR, legal_name="Cal Colleague")
        db.session.add_all(
            [
                CourseStaff(course_id=course.id, user_id=owner.id, is_owner=True),
                CourseStaff(course_id=course.id, user_id=colleague.id, is_owner=False),
            ]
        )
        db.session.commit()
        owner_email, slug = owner.email, course.slug

    context = browser.new_context(
        java_script_enabled=False, base_url=live_server.url, viewport={"width": 1280, "height": 900}
    )
    plain = context.new_page()
    plain.set_default_timeout(15_000)
    sign_in(page, owner_email, PASSWORD)

    def looked_at(name: str) -> None:
        """The page the plain tab is on passes axe (in the other tab) and is photographed."""
        page.goto(plain.url)
        assert_accessible(axe, page)
        screenshot(plain, name)

    try:
        sign_in(plain, owner_email, PASSWORD)
        plain.goto(f"/teaching/{slug}")
        plain.get_by_role("button", name="Remove module Module m2").click()
        plain.get_by_role("link", name="Discard the draft…").click()
        expect(plain.get_by_role("heading", name="Discard the draft?")).to_be_visible()
        expect(plain.get_by_text("Removed module")).to_be_visible()
        looked_at("confirm-discard")
        plain.get_by_role("button", name="Discard the draft").click()
        expect(plain.get_by_text("The draft is discarded")).to_be_visible()

        plain.goto(f"/teaching/{slug}/team")
        plain.get_by_role("link", name="Remove Cal Colleague").click()
        expect(
            plain.get_by_role("heading", name="Remove Cal Colleague from the team?")
        ).to_be_visible()
        looked_at("confirm-remove-member")
        plain.get_by_role("link", name="Cancel").click()

        plain.get_by_role("button", name="Make owner Cal Colleague").click()
        expect(plain.get_by_text("Cal Colleague is now an owner of this course.")).to_be_visible()
        plain.get_by_role("link", name="Leave the team").click()
        looked_at("confirm-leave-team")
        plain.get_by_role("button", name="Leave the team").click()
        expect(plain.get_by_text("You have left the team of")).to_be_visible()
    finally:
        context.close()
