"""Size limits: bodies, uploads, fields and query values too large are refused kindly."""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from flask import Flask

from app.accounts.models import Role
from app.catalog.models import CourseStaff
from app.certificates.forms import MAX_CREDENTIAL_BYTES
from app.content.archive import DEFAULT_LIMITS, MIB, course_to_zip
from app.db import db
from app.models import metadata
from tests.factories import course_spec, make_course
from tests.security.snapshot import row_counts

TOO_LARGE = "That upload is too large"
NOTHING_IMPORTED = "Nothing was imported"


def test_the_limits_are_what_the_documentation_says(app: Flask) -> None:
    assert app.config["MAX_CONTENT_LENGTH"] == 8 * MIB
    assert DEFAULT_LIMITS.max_bytes == 5 * MIB < app.config["MAX_CONTENT_LENGTH"]
    assert MAX_CREDENTIAL_BYTES == 64 * 1024


@pytest.mark.parametrize("path", ["/sign-in", "/sign-up", "/verify/credential"])
def test_a_body_over_the_request_limit_gets_the_friendly_413_page(app, client, path) -> None:
    before = row_counts(app.extensions["db_engine"])
    body = b"x=" + b"a" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post(
        path, data=body, content_type="application/x-www-form-urlencoded", csrf=False
    )
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert TOO_LARGE in page and "Choose a smaller file" in page
    assert row_counts(app.extensions["db_engine"]) == before


@pytest.fixture
def teaching(client, make_user, sign_in):  # type: ignore[no-untyped-def]
    """An instructor who owns a course, signed in."""
    course = make_course()
    owner = make_user(Role.INSTRUCTOR)
    db.session.add(CourseStaff(course_id=course.id, user_id=owner.id, is_owner=True))
    db.session.commit()
    sign_in(user=owner)
    return course


def _upload(client, data: bytes, name: str = "course.zip"):  # type: ignore[no-untyped-def]
    return client.post(
        "/teaching/import",
        data={"archive": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_an_upload_over_the_request_limit_gets_the_413_page(app, client, teaching) -> None:
    before = row_counts(app.extensions["db_engine"])
    response = _upload(client, b"PK" + b"\0" * (9 * MIB))
    assert response.status_code == 413 and TOO_LARGE in response.get_data(as_text=True)
    assert row_counts(app.extensions["db_engine"]) == before


def test_a_course_zip_over_the_archive_limit_is_refused_with_a_message(
    app, client, teaching
) -> None:
    before = row_counts(app.extensions["db_engine"])
    response = _upload(client, b"PK" + b"\0" * (6 * MIB))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and NOTHING_IMPORTED in page
    assert "The file is 6.1 MB; the limit is 5 MB." in page
    assert row_counts(app.extensions["db_engine"]) == before


def _bomb() -> bytes:
    """A small zip whose one lesson unpacks to 30 MB of zeros."""
    buffer = io.BytesIO()
    spec_zip = zipfile.ZipFile(io.BytesIO(course_to_zip(course_spec(slug="bomb"))))
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in spec_zip.infolist():
            archive.writestr(info, spec_zip.read(info))
        archive.writestr("bomb/m1/huge.md", b"\0" * (30 * MIB))
    return buffer.getvalue()


def test_a_zip_bomb_and_too_many_files_are_refused_before_unpacking(app, client, teaching) -> None:
    before = row_counts(app.extensions["db_engine"])
    bomb = _bomb()
    assert len(bomb) < MIB
    page = _upload(client, bomb).get_data(as_text=True)
    assert NOTHING_IMPORTED in page and "the limit is 20 MB" in page
    crowd = io.BytesIO()
    with zipfile.ZipFile(crowd, "w") as archive:
        for number in range(DEFAULT_LIMITS.max_files + 1):
            archive.writestr(f"crowd/m1/lesson-{number}.md", b"")
    page = _upload(client, crowd.getvalue()).get_data(as_text=True)
    assert f"the limit is {DEFAULT_LIMITS.max_files}" in page
    assert row_counts(app.extensions["db_engine"]) == before


def test_a_credential_over_its_limit_is_refused_beside_the_field(client) -> None:
    big = b"{" + b" " * MAX_CREDENTIAL_BYTES + b"}"
    uploaded = client.post(
        "/verify/credential",
        data={"upload": (io.BytesIO(big), "credential.json")},
        content_type="multipart/form-data",
    )
    assert "That file is too large to be a credential." in uploaded.get_data(as_text=True)
    pasted = client.post("/verify/credential", data={"credential": big.decode()})
    assert pasted.status_code == 400
    assert f"longer than {MAX_CREDENTIAL_BYTES}" in pasted.get_data(as_text=True)


def test_fields_over_their_length_are_refused_and_long_passwords_never_hashed(
    app, client, make_user
) -> None:
    user = make_user()
    data = {
        "legal_name": "N" * 201,
        "email": "new@example.com",
        "profession": "Psychologist",
        "password": "long enough pass",
        "confirm": "long enough pass",
    }
    page = client.post("/sign-up", data=data).get_data(as_text=True)
    assert "Field cannot be longer than 200 characters." in page
    started = time.monotonic()
    response = client.post("/sign-in", data={"email": user.email, "password": "p" * 1_000_000})
    assert response.status_code == 200 and "Field cannot be longer than 128" in (
        response.get_data(as_text=True)
    )
    assert time.monotonic() - started < 2
    assert db.session.query(metadata.tables["users"]).count() == 1


def test_long_query_values_are_cut_not_refused(app, client, sign_in) -> None:
    assert (
        client.get("/", query_string={"q": "x" * 50_000, "topic": "y" * 50_000}).status_code == 200
    )
    sign_in(Role.ADMIN)
    for path in ("/admin/users", "/admin/certificates", "/admin/audit"):
        response = client.get(path, query_string={"q": "x" * 50_000, "page": "9" * 40})
        assert response.status_code == 200, path


def test_course_settings_text_has_a_length_limit(app, client, teaching) -> None:
    """A reference as long as a book is refused beside the field, not saved in the draft."""
    form = {
        "title": teaching.title,
        "summary": "A test course.",
        "description": "A course for tests.",
        "ce_hours": "1",
        "level": "beginning",
        "delivery_format": "Online, self-paced (home study)",
        "objectives": "goal: Reach the goal.",
        "instructors": "Ann Example | PhD",
        "references": "\n".join(["R" * 1_000_000, "Two.", "Three."]),
        "pass_mark": "80",
        "min_seconds_per_lesson": "0",
        "answer_feedback": "after_passing",
    }
    before = row_counts(app.extensions["db_engine"])
    response = client.post(f"/teaching/{teaching.slug}/settings", data=form)
    assert response.status_code == 200, "the settings were saved"
    assert row_counts(app.extensions["db_engine"]) == before
