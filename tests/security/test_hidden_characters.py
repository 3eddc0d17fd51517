"""Control and direction-override characters are refused where names and titles are entered.

The attacker's move: `Dana \u202eareviR` reads "Dana Rivera" on one screen and "Dana areviR"
in a PDF. Every entry point refuses it with a message naming the character, and saves nothing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role, User
from app.catalog.models import Course, CourseStaff
from app.certificates.models import CertificateCorrection
from app.content.reader import check_path
from app.db import db
from app.safetext import hidden_characters, one_line_problem
from tests.certificates.helpers import earn_certificate
from tests.content.conftest import EXAMPLE_SLUG, VALID_CATALOG
from tests.factories import make_course

OVERRIDE = "Dana \u202eareviR"
HOSTILE = [
    OVERRIDE,  # right-to-left override
    "Dana\u2066 Rivera",  # left-to-right isolate
    "Dana\u200f Rivera",  # right-to-left mark
    "Dana\x07Rivera",  # C0 control (bell)
    "Dana\x85Rivera",  # C1 control (next line)
    "Dana\u2028Rivera",  # line separator
    "Dana\ufeffRivera",  # zero-width no-break space
]
SIGN_UP = {
    "email": "dana@example.com",
    "profession": "Licensed professional counselor",
    "license_number": "",
    "license_state": "",
    "password": "a calm long password",
    "confirm": "a calm long password",
}


def test_the_rule_names_what_it_refuses_and_keeps_joiners() -> None:
    assert hidden_characters(OVERRIDE) == ["\u202e"]
    assert "U+202E (RIGHT-TO-LEFT OVERRIDE)" in (one_line_problem(OVERRIDE) or "")
    for text in HOSTILE:
        assert one_line_problem(text), repr(text)
    # Zero-width (non-)joiners are how Persian and Indic names are spelt: allowed.
    assert one_line_problem("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645") is None
    assert one_line_problem("王秀英 · Nguyễn Thị · محمد") is None


@pytest.mark.parametrize("name", HOSTILE)
def test_sign_up_refuses_hidden_characters_in_the_name(client, name: str) -> None:
    page = client.post("/sign-up", data={**SIGN_UP, "legal_name": name}).get_data(as_text=True)
    assert "Use letters, numbers and punctuation only." in page
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_sign_up_refuses_characters_no_certificate_can_print(client) -> None:
    page = client.post(
        "/sign-up", data={**SIGN_UP, "legal_name": "Dana \U0001f600 Rivera"}
    ).get_data(as_text=True)
    assert "cannot be printed on a certificate" in page
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


@pytest.mark.parametrize("name", ["王秀英", "محمد الأحمد", "अनुष्का शर्मा", "김민준", "דנה לוי"])
def test_sign_up_accepts_names_in_the_scripts_certificates_print(client, name: str) -> None:
    assert client.post("/sign-up", data={**SIGN_UP, "legal_name": name}).status_code == 302
    assert db.session.scalar(select(User.legal_name)) == name


def test_account_edit_refuses_an_override_and_keeps_the_old_name(client, sign_in) -> None:
    user = sign_in(Role.LEARNER)
    before = user.legal_name
    profile = {"legal_name": OVERRIDE, "profession": "Psychologist", "license_number": "",
               "license_state": ""}  # fmt: skip
    response = client.post("/account", data=profile)
    assert response.status_code == 200
    assert "U+202E" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).legal_name == before


def test_a_correction_request_refuses_an_override_in_the_new_name(client, sign_in) -> None:
    learner = sign_in()
    certificate = earn_certificate(client, make_course(modules=1), learner.id)
    data = {"legal_name": OVERRIDE, "profession": "Psychologist", "license_number": "",
            "license_state": "", "reason": "My name changed."}  # fmt: skip
    response = client.post(f"/certificates/{certificate.public_id}/correction", data=data)
    assert response.status_code == 200
    assert "U+202E" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(CertificateCorrection)) == 0


@pytest.fixture
def instructor(client, make_user, sign_in):  # type: ignore[no-untyped-def]
    """A published course and its owner, signed in."""
    course = make_course()
    owner = make_user(Role.INSTRUCTOR)
    db.session.add(CourseStaff(course_id=course.id, user_id=owner.id, is_owner=True))
    db.session.commit()
    sign_in(user=owner)
    return course


def test_a_new_course_title_with_an_override_is_refused(client, instructor) -> None:
    data = {"title": "Ethics \u202ecitsE", "slug": "ethics-new", "summary": "A summary.",
            "ce_hours": "1", "level": "beginning", "delivery_format": "Online"}  # fmt: skip
    page = client.post("/teaching/new", data=data).get_data(as_text=True)
    assert "direction-override" in page and "U+202E" in page
    assert db.session.scalar(select(Course).where(Course.slug == "ethics-new")) is None


def test_a_module_title_with_an_isolate_is_refused(client, instructor) -> None:
    data = {"title": "Module \u2067one", "summary": "A summary.", "objectives": ""}
    response = client.post(f"/teaching/{instructor.slug}/modules/new", data=data)
    assert response.status_code == 200
    assert "U+2067" in response.get_data(as_text=True)


def test_a_lesson_title_with_a_control_character_is_refused(client, instructor) -> None:
    data = {"title": "Lesson\x1bone", "minutes": "6", "body": "Text.", "action": "save"}
    response = client.post(f"/teaching/{instructor.slug}/modules/m1/lessons/new", data=data)
    assert response.status_code == 200
    assert "U+001B" in response.get_data(as_text=True)
    assert "Unpublished changes" not in client.get(f"/teaching/{instructor.slug}").get_data(
        as_text=True
    )


def test_course_files_refuse_overrides_in_course_module_and_lesson_titles(tmp_path: Path) -> None:
    shutil.copytree(VALID_CATALOG, tmp_path / "courses")
    course = tmp_path / "courses" / EXAMPLE_SLUG
    course_yml = course / "course.yml"
    course_yml.write_text(
        course_yml.read_text().replace(
            "title: Orienting a Client to the Room", 'title: "Orienting \\u202eRoom"'
        )
    )
    module_yml = course / "first-steps" / "module.yml"
    module_yml.write_text(
        module_yml.read_text().replace("title: First Steps", 'title: "First \\u2066Steps"')
    )
    lesson = course / "first-steps" / "orienting-to-the-room.md"
    lesson.write_text(
        lesson.read_text().replace("title: Orienting to the room", 'title: "Orienting\\x07"')
    )
    messages = [str(problem) for problem in check_path(course.parent)]
    for code in ("U+202E", "U+2066", "U+0007"):
        assert any(code in message and "title" in message for message in messages), messages
