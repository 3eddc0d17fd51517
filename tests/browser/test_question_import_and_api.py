"""In Chromium with axe-core: the question-import preview, the API token page and the
API reference page reached from the footer."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, screenshot, sign_in

pytestmark = pytest.mark.browser
COURSE = "kap-preparation-and-integration"

#: Two questions Groundwork takes, one with a problem, and an essay it skips.
GIFT = """// Questions from another system
::Set and setting::Which factor belongs to "setting"? {
=The physical room and who is present #The surroundings of the session.
~The client's expectations #That is "set".
~The dose #Neither set nor setting.
}

::Integration::Integration sessions follow dosing sessions. {TRUE}

::Only one choice::A question with a single answer. {=Alone}

::Reflection::Describe your own approach to integration. {}
"""


def test_the_question_import_preview_is_accessible(page: Page, axe, tmp_path: Path):
    sign_in(page, "instructor@example.com", "instructor-demo-pass")
    page.goto(f"/teaching/{COURSE}/question-import")
    assert_accessible(axe, page)
    source = tmp_path / "from-moodle.gift"
    source.write_text(GIFT, encoding="utf-8")
    page.get_by_label("Question file").set_input_files(str(source))
    page.get_by_role("button", name="Preview the questions").click()
    expect(page.get_by_role("heading", name="Preview of from-moodle.gift")).to_be_visible()
    expect(page.get_by_role("heading", name="Skipped")).to_be_visible()
    assert_accessible(axe, page)
    screenshot(page, "question-import-preview")
    # The preview writes nothing: leaving it here changes no draft.


def test_a_learner_makes_a_token_and_reads_the_reference_from_the_footer(page: Page, axe):
    sign_in(page, "learner@example.com", "learner-demo-pass")
    page.goto("/account")
    page.get_by_role("link", name="API tokens").click()
    assert_accessible(axe, page)
    page.get_by_label("Name").fill("Browser test")
    page.get_by_role("button", name="Make token").click()
    token = page.get_by_label("Token", exact=True)
    expect(token).to_have_value(re.compile(r"^gw_[0-9a-f]{16}_"))
    assert_accessible(axe, page)
    screenshot(page, "api-tokens")
    page.get_by_role("button", name="Revoke token Browser test").click()
    expect(page.get_by_text("no longer works")).to_be_visible()

    page.get_by_role("contentinfo").get_by_role("link", name="API for developers").click()
    expect(page.get_by_role("heading", name="Groundwork API reference")).to_be_visible()
    expect(page.get_by_role("link", name="GET /ce-records", exact=True)).to_be_visible()
    assert_accessible(axe, page)
    screenshot(page, "api-reference")
