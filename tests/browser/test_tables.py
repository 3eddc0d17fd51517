"""Every table page at 390 px (a phone) and 1280 px: words stay whole, wide tables scroll.

The check reads the rendered page: each run of letters and digits in a table cell must sit
on one line (a word split over two lines has two boxes), and no cell's content may spill
out of the cell. Long tokens (emails, codes, IDs) may break only at their separators.
Screenshots of each page at both widths go to test-artifacts/screenshots/table-*.png.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import LiveServer, assert_accessible, screenshot, sign_in

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
LEARNER_EMAIL = "dr.alexandra.montgomery-fitzgerald@university-hospital.example.org"
CORE = "kap-core-clinical-skills"
FIRST_MODULE = "dissociative-state-grounding"

#: Words broken across lines and cells whose content spills out, as the page renders them.
BROKEN_WORDS = """
() => {
  const problems = [];
  const cells = document.querySelectorAll('main td, main th');
  for (const cell of cells) {
    if (!cell.offsetParent) continue;  // hidden (a visually-hidden header row is clipped)
    const head = cell.closest('thead');
    if (head && getComputedStyle(head).position === 'absolute') continue;  // stacked: clipped
    if (cell.scrollWidth > cell.clientWidth + 1) {
      problems.push(`spills out of its cell: ${cell.textContent.trim().slice(0, 60)}`);
    }
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest('.visually-hidden')) continue;
      for (const match of node.textContent.matchAll(/[\\p{L}\\p{N}]+/gu)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const boxes = [...range.getClientRects()].filter(r => r.width > 0);
        const tops = new Set(boxes.map(r => Math.round(r.top)));
        if (tops.size > 1) problems.push(`word broken over ${tops.size} lines: "${match[0]}"`);
      }
    }
  }
  return problems;
}
"""


@dataclass
class TablePages:
    """The accounts and paths of a site with something in every table."""

    learner: str
    course: str
    quiz_id: int
    certificate: str


@pytest.fixture(scope="module")
def table_pages(live_server: LiveServer) -> TablePages:
    """A learner with a long email who finished a course and started the curriculum's first."""
    from sqlalchemy import select

    from app.accounts.models import Role
    from app.catalog.models import Course
    from app.db import db
    from tests.certificates.helpers import earn_certificate
    from tests.conftest import UserFactory
    from tests.factories import make_course

    with live_server.app.app_context():
        course = make_course(slug="tables-course", modules=2)
        learner = UserFactory(count=7000)(
            Role.LEARNER, email=LEARNER_EMAIL, legal_name="Alexandra Montgomery-Fitzgerald"
        )
        client = live_server.app.test_client()
        client.post("/sign-in", data={"email": learner.email, "password": PASSWORD})
        certificate = earn_certificate(client, course, learner.id)
        client.post(f"/courses/{CORE}/enroll")
        # The first lesson depicts panic mid-session: the learner has chosen to continue.
        core = db.session.scalar(select(Course).where(Course.slug == CORE))
        first_lesson = core.active_modules[0].active_lessons[0]
        client.post(f"/advisories/lesson/{first_lesson.id}", data={"choice": "now"})
        course = db.session.scalar(select(Course).where(Course.slug == course.slug))
        quiz_id = course.active_modules[0].quiz.id
        return TablePages(learner.email, course.slug, quiz_id, certificate.public_id)


def check(page: Page, path: str, name: str, axe) -> None:  # type: ignore[no-untyped-def]
    """Open ``path``; at both widths no word is broken; save screenshots; check WCAG."""
    page.goto(path)
    assert page.locator("main table").count() > 0, f"{path} shows no table"
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        problems = page.evaluate(BROKEN_WORDS)
        assert not problems, f"{path} at {width} px:\n" + "\n".join(problems[:20])
    # Every table sits in a region a keyboard can reach and a screen reader can name.
    regions = page.locator("main .table-wrap")
    for index in range(regions.count()):
        region = regions.nth(index)
        assert region.get_attribute("tabindex") == "0" and region.get_attribute("role") == "region"
        assert region.get_attribute("aria-label") or region.get_attribute("aria-labelledby")
    assert_accessible(axe, page)
    screenshot(page, f"table-{name}")


def test_learner_table_pages_keep_words_whole(page: Page, table_pages: TablePages, axe):
    sign_in(page, table_pages.learner, PASSWORD)
    check(page, "/dashboard", "dashboard", axe)
    check(page, "/transcript", "transcript", axe)
    check(page, f"/courses/{table_pages.course}/quizzes/{table_pages.quiz_id}", "quiz", axe)
    check(page, f"/courses/{CORE}/{FIRST_MODULE}/recognizing-dissociation", "lesson-table", axe)


def test_admin_and_instructor_table_pages_keep_words_whole(
    page: Page, table_pages: TablePages, axe
):
    sign_in(page, "admin@example.com", "admin-demo-pass")
    check(page, "/admin/users?q=montgomery", "admin-users", axe)
    check(page, "/admin/certificates?q=montgomery", "admin-certificates", axe)
    check(page, "/admin/audit", "admin-audit", axe)
    check(page, "/admin/mail", "admin-mail", axe)
    check(page, "/teaching/", "teaching", axe)
    check(page, f"/teaching/{table_pages.course}/insight", "insight", axe)
    check(page, f"/records/{table_pages.course}", "records", axe)


PREP = "kap-preparation-and-integration"
#: The lessons with tables in the preparation course's settings and somatic modules.
NEW_LESSON_TABLES = (
    ("settings-and-models", "office-and-clinic-kap"),
    ("settings-and-models", "at-home-and-telehealth-kap"),
    ("settings-and-models", "lower-and-higher-dose-stances"),
    ("settings-and-models", "the-room-music-and-the-clients-choices"),
    ("somatic-attachment-and-parts-informed-integration", "frameworks-and-humility"),
    ("somatic-attachment-and-parts-informed-integration", "somatic-resourcing-and-pendulation"),
    ("somatic-attachment-and-parts-informed-integration", "parts-informed-work-and-its-limits"),
    ("somatic-attachment-and-parts-informed-integration", "access-identity-and-the-kap-plan"),
)


def test_the_settings_and_somatic_lesson_tables_keep_words_whole(
    page: Page, table_pages: TablePages, live_server: LiveServer, axe
):
    """Their two- to five-column tables read on a phone and pass axe, like the first lesson."""
    client = live_server.app.test_client()
    client.post("/sign-in", data={"email": table_pages.learner, "password": PASSWORD})
    client.post(f"/courses/{PREP}/enroll")
    sign_in(page, table_pages.learner, PASSWORD)
    for module, lesson in NEW_LESSON_TABLES:
        check(page, f"/courses/{PREP}/{module}/{lesson}", f"lesson-{lesson}", axe)
