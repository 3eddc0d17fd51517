"""Script and markup typed as a name or written into a course never run: pages show them
escaped, Jinja never evaluates them, and PDFs and CSV files print them exactly as typed.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
from html.parser import HTMLParser

import pytest
from flask import Flask
from markupsafe import escape
from pypdf import PdfReader

from app.accounts.models import Role, User
from app.certificates.models import Certificate
from app.db import db
from tests.certificates.helpers import earn_certificate
from tests.factories import course_spec, make_course, module_spec
from tests.security.world import sign_in as sign_in_as

NAME = "<script>alert(1)</script> **bold** {{7*7}}"
TITLE = "Grounding <script>alert(2)</script> {{ config }} **loud**"
SUMMARY = "<img src=x onerror=alert(3)> {{7*7}}"
BODY = (
    "<script>alert(4)</script>\n\n[click me](javascript:alert(5)) {{7*7}}\n\n"
    "<iframe src=//evil.example></iframe> {% debug %}"
)
SLUG = "hostile-course"


class Elements(HTMLParser):
    """Every start tag of a page with its attributes, as a browser would parse them."""

    def __init__(self) -> None:
        """Start with no tags."""
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Keep the tag and its attributes."""
        self.tags.append((tag, {name: value or "" for name, value in attrs}))


def assert_inert(page: str) -> None:
    """No user text became markup: no inline script, event handler, frame or script link."""
    parser = Elements()
    parser.feed(page)
    for tag, attrs in parser.tags:
        assert tag not in ("iframe", "object", "embed"), tag
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        if tag == "script":
            assert attrs.get("src", "").startswith("/static/"), attrs
        for name in ("href", "src", "action"):
            assert not attrs.get(name, "").strip().lower().startswith("javascript:"), attrs
    assert "&lt;Config" not in page and "<Config" not in page  # {{ config }} was never run


@pytest.fixture
def hostile(app: Flask, client, make_user, sign_in):  # type: ignore[no-untyped-def]
    """A learner named NAME holding a certificate for a course whose text is hostile."""
    module = module_spec("m1", lessons=1)
    lesson = dataclasses.replace(module.lessons[0], title=f"Lesson {TITLE}", body=BODY)
    module = dataclasses.replace(module, title=f"Module {TITLE}", lessons=(lesson,))
    spec = course_spec(slug=SLUG, title=TITLE, summary=SUMMARY, description=BODY)
    course = make_course(dataclasses.replace(spec, modules=(module,)))
    learner = sign_in(Role.LEARNER)
    profile = {"legal_name": NAME, "profession": "Psychologist", "license_number": "PSY-1",
               "license_state": "CA"}  # fmt: skip
    assert client.post("/account", data=profile).status_code == 302
    certificate = earn_certificate(client, course, learner.id)
    admin = make_user(Role.ADMIN)
    return learner, certificate, admin


def _learner_pages(certificate: Certificate) -> list[str]:
    return [
        "/",
        "/dashboard",
        f"/courses/{SLUG}",
        f"/courses/{SLUG}/m1/lesson-1",
        f"/certificates/{certificate.public_id}",
        "/transcript",
        f"/verify/{certificate.public_id}",
    ]


def test_learner_pages_show_the_name_and_course_text_escaped(app, client, hostile) -> None:
    learner, certificate, _ = hostile
    client.post("/sign-out")
    sign_in_as(client, learner.email)  # the welcome message carries the name too
    for path in _learner_pages(certificate):
        response = client.get(path)
        assert response.status_code == 200, path
        page = response.get_data(as_text=True)
        assert_inert(page)
        if path in ("/dashboard", f"/certificates/{certificate.public_id}", "/transcript"):
            assert str(escape(NAME)) in page, path
        if path != "/transcript":
            assert "{{7*7}}" in page and "alert(" in page, path  # shown, as text


def test_admin_pages_show_them_escaped(app, hostile) -> None:
    learner, certificate, admin = hostile
    client = app.test_client()
    sign_in_as(client, admin.email)
    changed = client.post(f"/admin/users/{learner.id}/role", data={"role": "instructor"})
    assert changed.status_code == 302  # its message names the learner
    for path in (
        "/admin/users",
        "/admin/users?q=script",
        "/admin/certificates",
        f"/admin/certificates/{certificate.public_id}",
        "/admin/audit",
        f"/records/{SLUG}",
        f"/teaching/{SLUG}",
        f"/teaching/{SLUG}/preview",
        f"/teaching/{SLUG}/insight",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        page = response.get_data(as_text=True)
        assert_inert(page)
        if path.startswith(("/admin/users", "/admin/certificates")):
            assert str(escape(NAME)) in page, path


def test_pdfs_print_the_name_and_title_as_typed(app, client, hostile) -> None:
    _, certificate, _ = hostile
    for path in (f"/certificates/{certificate.public_id}/certificate.pdf", "/transcript.pdf"):
        response = client.get(path)
        assert response.mimetype == "application/pdf"
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
        flat = re.sub(r"\s+", "", text)
        assert re.sub(r"\s+", "", TITLE) in flat, path
        if path.endswith("certificate.pdf"):
            assert re.sub(r"\s+", "", NAME) in flat


def test_downloads_carry_the_text_as_data_never_as_a_page(app, client, hostile) -> None:
    _, certificate, admin = hostile
    credential = client.get(f"/certificates/{certificate.public_id}/credential.json")
    assert credential.mimetype == "application/json"
    assert NAME in json.dumps(json.loads(credential.data), ensure_ascii=False)
    transcript = client.get("/transcript.csv")
    assert TITLE in transcript.get_data(as_text=True)
    staff = app.test_client()
    sign_in_as(staff, admin.email)
    completions = staff.get(f"/records/{SLUG}/completions.csv")
    rows = list(csv.reader(io.StringIO(completions.get_data(as_text=True))))
    assert any(NAME in row for row in rows)
    for response in (transcript, completions):
        assert response.mimetype == "text/csv"
        assert response.headers["Content-Disposition"].startswith("attachment")
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_name_is_stored_exactly_as_typed(app, hostile) -> None:
    learner, certificate, _ = hostile
    db.session.expire_all()
    assert db.session.get(User, learner.id).legal_name == NAME
    assert db.session.get(Certificate, certificate.id).learner_name == NAME
