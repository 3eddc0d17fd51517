"""Trauma-informed delivery in Chromium: an advisory, pause and return, a timed quiz with 2x."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select, update

from app.accounts.models import Role
from app.catalog.models import Course, Lesson
from app.content.importer import import_courses
from app.db import db, utcnow
from app.learning.models import LessonProgress
from app.quizzes.models import QuizAttempt
from tests.browser.conftest import LiveServer, assert_accessible, screenshot, sign_in
from tests.browser.test_learning import finish_lessons_until_quiz, new_learner
from tests.conftest import UserFactory
from tests.factories import course_spec

pytestmark = pytest.mark.browser
FLAGSHIP = "/courses/kap-core-clinical-skills"
FIRST_LESSON = FLAGSHIP + "/dissociative-state-grounding/recognizing-dissociation"


def _attempt_id(page: Page) -> int:
    return int(re.search(r"/attempts/(\d+)", page.url).group(1))


def test_continue_later_completes_nothing_and_continue_now_enters(page: Page, live_server, axe):
    sign_in(page, new_learner(live_server, "Ari Mensah"), "correct horse battery")
    page.goto(FLAGSHIP)
    page.get_by_role("button", name="Enroll in this course").click()
    expect(page).to_have_url(re.compile(FIRST_LESSON + "$"))
    expect(page.get_by_role("heading", name="Content advisory")).to_be_visible()
    expect(
        page.get_by_text("a client in panic or acute fear during a dosing session")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Mark complete and continue")).to_have_count(0)
    assert_accessible(axe, page)
    screenshot(page, "advisory")

    page.get_by_role("button", name="Come back later").click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    expect(page.get_by_text("Saved for later. Nothing was marked complete")).to_be_visible()
    with live_server.app.app_context():
        lesson_id = db.session.scalar(
            select(Lesson.id).where(Lesson.slug == "recognizing-dissociation")
        )
        done = db.session.scalars(
            select(LessonProgress).where(LessonProgress.lesson_id == lesson_id)
        ).all()
        assert all(row.completed_at is None for row in done)

    page.goto(FIRST_LESSON)
    expect(page.get_by_role("heading", name="Content advisory")).to_be_visible()  # asked again
    page.get_by_role("button", name="Continue now").click()
    expect(page).to_have_url(re.compile(FIRST_LESSON + "$"))
    expect(page.get_by_role("button", name="Mark complete and continue")).to_be_visible()
    page.reload()
    expect(page.get_by_role("heading", name="Content advisory")).to_have_count(0)  # remembered


def test_pause_returns_to_the_same_place_with_an_unsaved_answer(page: Page, live_server, axe):
    email = new_learner(live_server, "Bea Lindqvist")
    sign_in(page, email, "correct horse battery")
    page.goto("/courses/kap-preparation-and-integration")
    page.get_by_role("button", name="Enroll in this course").click()
    finish_lessons_until_quiz(page)
    page.get_by_role("button", name="Start the quiz").click()
    page.wait_for_url(re.compile(r"/attempts/\d+$"))
    attempt_id = _attempt_id(page)
    # No autosave reaches the server: the answer below exists only on this page.
    page.route(
        re.compile(r".*/attempts/\d+$"),
        lambda route: route.abort() if route.request.method == "POST" else route.continue_(),
    )
    third = page.locator("fieldset.question").nth(2).locator("input").nth(1)
    third.check()
    pause = page.locator("button.pause-control")
    pause.scroll_into_view_if_needed()
    before = page.evaluate("window.scrollY")
    assert before > 0
    pause.click()
    dialog = page.get_by_role("dialog", name="Pause and ground")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_text("Notice where you are")).to_be_visible()
    dialog.get_by_text("Breathing pacer (optional)").click()
    assert_accessible(axe, page)
    screenshot(page, "pause-dialog")
    dialog.get_by_role("button", name="Return to where I was").click()
    expect(dialog).to_be_hidden()
    expect(pause).to_be_focused()
    assert page.evaluate("window.scrollY") == before
    expect(third).to_be_checked()
    with live_server.app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        assert attempt.is_open and attempt.answer_map() == {}  # unsaved, yet kept on the page

    # The page without JavaScript: a page of its own with a link back.
    page.goto(f"/pause?course=kap-preparation-and-integration&back=/attempts/{attempt_id}")
    expect(page.get_by_role("heading", name="Pause and ground", level=1)).to_be_visible()
    assert_accessible(axe, page)
    page.get_by_role("link", name="Return to where I was").click()
    expect(page).to_have_url(re.compile(rf"/attempts/{attempt_id}$"))


def _timed_course(live_server: LiveServer) -> str:
    spec = course_spec(slug="timed-practice", modules=1, attempt_limit=None)
    module = spec.modules[0]
    lessons = module.lessons[:1]
    quiz = dataclasses.replace(module.quiz, time_limit_minutes=1)
    spec = dataclasses.replace(
        spec, modules=(dataclasses.replace(module, lessons=lessons, quiz=quiz),)
    )
    with live_server.app.app_context():
        if db.session.scalar(select(Course.id).where(Course.slug == spec.slug)) is None:
            import_courses([spec])
    return spec.slug


def _deadline_in(live_server: LiveServer, attempt_id: int, seconds: int) -> None:
    with live_server.app.app_context():
        db.session.execute(
            update(QuizAttempt)
            .where(QuizAttempt.id == attempt_id)
            .values(deadline_at=utcnow() + dt.timedelta(seconds=seconds))
        )
        db.session.commit()


def test_a_timed_quiz_with_double_time(page: Page, live_server, axe):
    slug = _timed_course(live_server)
    with live_server.app.app_context():
        learner = UserFactory(count=90210)(Role.LEARNER, legal_name="Cato Ruiz")
        email = learner.email
    sign_in(page, email, "correct horse battery")
    page.goto(f"/courses/{slug}")
    page.get_by_role("button", name="Enroll in this course").click()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "admin@example.com", "admin-demo-pass")
    page.goto(f"/teaching/{slug}/accommodations")
    page.get_by_label("Learner's email").fill(email)
    page.get_by_label("Extra time (multiplier)").fill("2")
    page.get_by_label("Extra attempts at each quiz").fill("0")
    page.get_by_label("Reason").fill("Agreed extended-time arrangement")
    page.get_by_role("button", name="Save accommodation").click()
    expect(page.get_by_text("Accommodation saved for Cato Ruiz.")).to_be_visible()
    assert_accessible(axe, page)
    screenshot(page, "accommodations")
    page.goto("/admin/crisis-lines")
    expect(page.get_by_role("textbox", name="Crisis lines")).to_be_visible()
    assert_accessible(axe, page)
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, email, "correct horse battery")
    page.goto(f"/courses/{slug}/continue")
    finish_lessons_until_quiz(page)
    expect(page.get_by_text("1 minutes; with your extra time, 2 minutes")).to_be_visible()
    expect(page.get_by_text("Extra time: 2 times each quiz's time limit")).to_be_visible()
    assert_accessible(axe, page)
    page.get_by_role("button", name="Start the quiz").click()
    page.wait_for_url(re.compile(r"/attempts/\d+$"))
    attempt_id = _attempt_id(page)
    with live_server.app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        assert attempt.deadline_at - attempt.started_at == dt.timedelta(minutes=2)
    clock = page.locator("[data-timer-clock]")
    expect(clock).to_have_text(re.compile(r"^(2:00|1:5\d)$"))
    expect(page.get_by_text(re.compile(r"This attempt is timed\. Submit by"))).to_be_visible()
    expect(page.locator("button.pause-control")).to_have_count(0)  # time keeps running
    assert_accessible(axe, page)
    screenshot(page, "timed-attempt")

    # Announced to screen readers as the one-minute mark passes, not every second.
    _deadline_in(live_server, attempt_id, 62)
    page.reload()
    announce = page.locator("[data-timer-announce]")
    expect(announce).to_have_text("", timeout=500)
    expect(announce).to_have_text("1 minute left.", timeout=6000)

    # At zero the page submits what is on it, inside the server's grace period.
    _deadline_in(live_server, attempt_id, 3)
    page.reload()
    page.locator("fieldset.question").first.locator("input").first.check()
    page.wait_for_url(re.compile(rf"/attempts/{attempt_id}/result$"), timeout=15000)
    expect(
        page.get_by_text("You submitted this timed attempt before its deadline.")
    ).to_be_visible()
    assert_accessible(axe, page)
    with live_server.app.app_context():
        graded = db.session.get(QuizAttempt, attempt_id)
        assert graded.state == "submitted" and not graded.closed_at_deadline
