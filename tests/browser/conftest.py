"""Browser tests: the real app served on 127.0.0.1 with its own database, driven in Chromium.

Chromium comes from Debian (``apt-get install chromium``); nothing is downloaded. A
missing browser fails these tests, it never skips them.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Browser, Page, expect, sync_playwright
from werkzeug.serving import make_server

from app.config import PROJECT_ROOT
from app.content.importer import import_courses
from app.content.reader import read_catalog
from app.mail import outbox
from tests.conftest import make_app

ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", PROJECT_ROOT / "test-artifacts"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: WCAG 2.x A and AA rules: the ones every page must pass.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@dataclass
class LiveServer:
    """The running site: its base URL and its Flask app (for the outbox and the database)."""

    url: str
    app: Flask

    def mail_to(self, email: str) -> str:
        """The body of the newest message sent to ``email``."""
        messages = [m for m in outbox(self.app) if m.to == email]
        assert messages, f"no mail was sent to {email}"
        return messages[-1].body


@pytest.fixture(scope="session")
def live_server(
    template_database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """Serve the app with the shipped courses and demo accounts, on a free local port."""
    target = tmp_path_factory.mktemp("live") / "live.sqlite3"
    if template_database.startswith("postgresql"):
        url = template_database  # a PostgreSQL run: browser tests share its database
    else:
        with sqlite3.connect(template_database) as source, sqlite3.connect(target) as copy:
            source.backup(copy)
        url = f"sqlite:///{target}"
    app = make_app(url, SERVER_NAME=None, SIGN_IN_LIMIT_PER_ACCOUNT="50 per minute")
    with app.app_context():
        specs, problems = read_catalog(PROJECT_ROOT / "courses")
        assert not problems, problems
        import_courses(specs)
    app.test_cli_runner().invoke(args=["demo", "seed"])
    server = make_server("127.0.0.1", 0, app, threaded=True)
    # Links that leave the site (the certificate's QR code) point at this server.
    app.config["SITE_URL"] = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=app)
    finally:
        server.shutdown()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless."""
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.fail("Chromium is not installed: apt-get install -y chromium chromium-driver")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A fresh browser tab at desktop width, with its own cookies."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture(scope="session")
def axe() -> Axe:
    """axe-core, bundled with axe-playwright-python."""
    return Axe()


def assert_accessible(axe: Axe, page: Page, exceptions: dict[str, str] | None = None) -> None:
    """No WCAG 2.x A/AA violations on the page, except rules listed with their reasons."""
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    violations = [v for v in results.response["violations"] if v["id"] not in (exceptions or {})]
    summary = [
        f"{v['id']}: {v['help']} -> {[n['target'] for n in v['nodes']][:3]}" for v in violations
    ]
    assert not violations, f"{page.url}\n" + "\n".join(summary)


def screenshot(page: Page, name: str, **kwargs: Any) -> None:
    """Save the page at 1280 px and at 390 px wide into test-artifacts/screenshots."""
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    original = page.viewport_size
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True, **kwargs)
    if original:
        page.set_viewport_size(original)


def sign_up(page: Page, name: str, email: str, profession: str) -> None:
    """Create an account through the form, as a newcomer does, and see "Check your email"."""
    page.goto("/sign-up")
    page.get_by_label("Legal name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Profession").select_option(profession)
    page.get_by_label("Password", exact=True).fill("a long steady password")
    page.get_by_label("Repeat the password").fill("a long steady password")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()


def sign_in(page: Page, email: str, password: str) -> None:
    """Sign in through the form."""
    page.goto("/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
