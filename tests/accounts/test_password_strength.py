"""Common and context-specific passwords are refused, with the reason, wherever one is chosen."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.accounts.strength import context_words, password_problem
from app.db import db
from app.mail import outbox

EMAIL = "jordan.ellis@example.com"
CONTEXT = context_words("Groundwork", "Groundwork Demo Provider", EMAIL, "Jordan Ellis")
SIGN_UP = {
    "legal_name": "Jordan Ellis",
    "email": EMAIL,
    "profession": "Licensed professional counselor",
    "license_number": "LPC-88213",
    "license_state": "WA",
}
COMMON = ("password12", "1234567890", "Password1!", "qwertyuiop", "iloveyou12")
OWN = (EMAIL, "Jordan.Ellis1985", "ellisjordan99", "groundwork2026!", "Groundwork-Demo1")


@pytest.mark.parametrize("password", COMMON)
def test_common_passwords_are_refused_and_the_reason_given(password):
    problem = password_problem(password, CONTEXT)
    assert problem is not None and problem.startswith("This password is too easy to guess (")


@pytest.mark.parametrize("password", OWN)
def test_passwords_built_from_the_email_the_name_or_the_site_are_refused(password):
    problem = password_problem(password, CONTEXT)
    assert problem is not None and "built from your email address, your name" in problem


@pytest.mark.parametrize(
    "password",
    [
        "a calm long password",
        "jordan loves quiet rivers",
        "Tr0ub4dor&3",
        "x" * 60 + "k2$Lq9!zPw" * 9,
    ],
)
def test_passphrases_and_strong_passwords_pass(password):
    assert password_problem(password, CONTEXT) is None


def test_a_long_password_is_judged_without_an_error():
    assert password_problem("password" * 16, CONTEXT) is not None  # zxcvbn reads 72 characters


def test_context_words_take_the_parts_of_an_email_and_a_name():
    words = context_words("jordan.ellis+ce@clinic.example.org", "Jordan  Ellis", None, "")
    assert {"jordan.ellis+ce", "jordan", "ellis", "clinic.example.org", "clinic"} <= set(words)
    assert all(len(word) >= 3 for word in words)


@pytest.mark.parametrize("password", ["password12", "1234567890", "Password1!", EMAIL])
def test_sign_up_refuses_a_weak_password_says_why_and_saves_nothing(client, password):
    response = client.post("/sign-up", data={**SIGN_UP, "password": password, "confirm": password})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "This password is" in page and "guess" in page
    assert db.session.scalar(select(func.count()).select_from(User)) == 0
    assert outbox() == []


def test_sign_up_refuses_a_weak_password_for_a_taken_email_the_same_way(client, make_user):
    make_user(email=EMAIL)
    response = client.post(
        "/sign-up", data={**SIGN_UP, "password": "Password1!", "confirm": "Password1!"}
    )
    assert "This password is too easy to guess" in response.get_data(as_text=True)
    assert outbox() == []  # the owner is not mailed for a refused form


def test_changing_to_a_weak_password_is_refused_and_the_old_one_still_works(
    client, make_user, sign_in
):
    user = sign_in()
    response = client.post(
        "/account/password",
        data={"current": make_user.password, "password": user.email, "confirm": user.email},
    )
    assert response.status_code == 200
    assert "built from your email address" in response.get_data(as_text=True)
    client.post("/sign-out")
    signed_in = client.post("/sign-in", data={"email": user.email, "password": make_user.password})
    assert signed_in.status_code == 302


def test_a_reset_to_a_weak_password_is_refused_and_the_link_still_works(client, make_user):
    user = make_user()
    client.post("/forgot-password", data={"email": user.email})
    link = re.search(r"https?://groundwork\.test(/reset-password/\S+)", outbox()[-1].body)
    assert link
    weak = client.post(link.group(1), data={"password": "1234567890", "confirm": "1234567890"})
    assert weak.status_code == 200
    assert "top-100 common password" in weak.get_data(as_text=True)
    strong = "a quiet harbour at dawn"
    assert (
        client.post(link.group(1), data={"password": strong, "confirm": strong}).status_code == 302
    )
    assert (
        client.post("/sign-in", data={"email": user.email, "password": strong}).status_code == 302
    )


def test_create_admin_refuses_a_common_password(app, runner):
    result = runner.invoke(
        args=["users", "create-admin", "boss@example.com", "--password", "Password1!"]
    )
    assert result.exit_code != 0 and "too easy to guess" in result.output
