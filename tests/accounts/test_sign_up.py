"""Signing up: a clear message for bad input, nothing saved, no account enumeration."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.accounts.services import NOT_SIGNED_IN
from app.audit.models import AuditEvent
from app.db import db
from app.mail import outbox

VALID = {
    "legal_name": "Jordan Ellis",
    "email": "Jordan.Ellis@Example.com",
    "profession": "Licensed professional counselor",
    "license_number": "LPC-88213",
    "license_state": "WA",
    "password": "a calm long password",
    "confirm": "a calm long password",
}


def user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User)) or 0


def confirmation_link(body: str) -> str:
    match = re.search(r"https?://\S+/confirm/\S+", body)
    assert match
    return match.group(0).split("groundwork.test", 1)[1]


def test_sign_up_confirm_then_sign_in(client):
    response = client.post("/sign-up", data=VALID)
    assert response.status_code == 302
    assert "Check your email" in client.get(response.location).get_data(as_text=True)
    user = db.session.scalar(select(User))
    assert user.email == "jordan.ellis@example.com"  # stored lower-case
    assert user.legal_name == "Jordan Ellis" and user.license_state == "WA"
    assert user.password_hash != VALID["password"]

    # Before confirming, signing in is refused with the one message every refusal gets, and
    # the page offers the link again (nothing is mailed by the sign-in itself).
    refused = client.post("/sign-in", data={"email": VALID["email"], "password": VALID["password"]})
    page = refused.get_data(as_text=True)
    assert NOT_SIGNED_IN in page and 'href="/sign-up/resend"' in page
    assert len(outbox()) == 1

    link = confirmation_link(outbox()[0].body)
    confirmed = client.get(link, follow_redirects=True)
    assert "Your email is confirmed" in confirmed.get_data(as_text=True)
    signed_in = client.post(
        "/sign-in", data={"email": "JORDAN.ellis@example.com", "password": VALID["password"]}
    )
    assert signed_in.status_code == 302


def test_existing_email_in_another_case_saves_nothing_and_reveals_nothing(client, make_user):
    make_user(email="jordan.ellis@example.com")
    before = user_count()
    response = client.post("/sign-up", data=VALID)
    # The visitor sees the same page as for a new address...
    assert response.status_code == 302 and response.location.endswith("/sign-up/check-your-email")
    assert user_count() == before
    # ...and the owner is told by mail.
    assert outbox()[-1].to == "jordan.ellis@example.com"
    assert "already uses this address" in outbox()[-1].body
    # The administrator's log shows the attempt against the account, by no one signed in.
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "user.sign_up_repeated")
    )
    assert event is not None and event.actor_id is None
    assert event.subject_id == str(db.session.scalar(select(User.id)))


def test_no_number_of_addresses_can_flood_one_inbox_through_sign_up(client, make_user):
    """The attacker's move: sign up with someone's address from many machines, each under its
    own limit, to fill their inbox with 'someone tried' notes (or to time the answers)."""
    make_user(email="jordan.ellis@example.com")
    codes = []
    for n in range(4):
        client.environ_base["REMOTE_ADDR"] = f"203.0.113.{n + 1}"
        codes.append(client.post("/sign-up", data=VALID).status_code)
    assert codes == [302, 302, 302, 429]  # EMAIL_LIMIT_PER_ACCOUNT: 3 per hour
    assert len([m for m in outbox() if m.to == "jordan.ellis@example.com"]) == 3
    # The limit is per address, so it says nothing about whether the address has an account.
    client.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    fresh = {**VALID, "email": "someone.new@example.com"}
    assert client.post("/sign-up", data=fresh).status_code == 302


def test_a_refused_form_does_not_spend_the_newcomers_budget(client):
    weak = {**VALID, "password": "short", "confirm": "short"}
    for _ in range(3):
        assert client.post("/sign-up", data=weak).status_code == 200
    assert client.post("/sign-up", data=VALID).status_code == 302
    assert user_count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"password": "short", "confirm": "short"}, "Use at least 10 characters"),
        ({"legal_name": ""}, "Enter your legal name."),
        ({"legal_name": "   "}, "Enter your legal name."),
        ({"email": "not-an-email"}, "Enter an email address like name@example.com."),
        ({"confirm": "a different password"}, "The two passwords are not the same."),
        ({"profession": "Wizard"}, "Not a valid choice"),
        ({"license_state": "ZZ"}, "Not a valid choice"),
        ({"legal_name": "Jordan\x07Ellis"}, "Use letters, numbers and punctuation only."),
        ({"legal_name": "J" * 201}, "Field cannot be longer than 200 characters."),
    ],
)
def test_invalid_sign_up_explains_and_saves_nothing(client, change, message):
    response = client.post("/sign-up", data={**VALID, **change})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page
    assert 'aria-invalid="true"' in page
    assert user_count() == 0
    assert outbox() == []


def test_input_is_kept_when_the_form_has_errors(client):
    page = client.post("/sign-up", data={**VALID, "password": "x", "confirm": "x"}).get_data(
        as_text=True
    )
    assert 'value="Jordan Ellis"' in page
    assert 'value="LPC-88213"' in page
    assert 'value="x"' not in page  # passwords are never echoed back


def test_a_confirmation_link_that_was_tampered_with_is_refused(client):
    client.post("/sign-up", data=VALID)
    link = confirmation_link(outbox()[0].body)
    page = client.get(link[:-3] + "abc", follow_redirects=True).get_data(as_text=True)
    assert "This link is not valid" in page
    assert db.session.scalar(select(User)).email_confirmed_at is None


def test_a_nul_character_anywhere_is_refused_before_any_form_sees_it(client):
    response = client.post("/sign-up", data={**VALID, "legal_name": "Jordan\x00Ellis"})
    assert response.status_code == 400
    assert user_count() == 0
    assert client.get("/courses/a%00b").status_code == 400


def test_signing_up_with_someones_address_then_signing_in_does_not_reveal_their_account(
    client, make_user
):
    """The attacker's move: sign up with an address and a password of one's own, then sign in
    with them. Had the address no account, one now waits for confirmation with that password;
    had it one, the password is wrong. Both answers must read the same."""
    make_user(email="registered@example.com")
    pages = []
    for address in ("registered@example.com", "unregistered@example.com"):
        assert client.post("/sign-up", data={**VALID, "email": address}).status_code == 302
        response = client.post("/sign-in", data={"email": address, "password": VALID["password"]})
        assert response.status_code == 200
        pages.append(response.get_data(as_text=True))
    assert NOT_SIGNED_IN in pages[0]
    assert pages[0].replace("registered@", "unregistered@") == pages[1]
    assert client.get("/dashboard").status_code == 302  # signed in to neither


def test_the_owner_of_an_address_someone_else_signed_up_with_can_take_the_account(client):
    """The attacker's move: sign up first with someone's address, a password of one's own and
    a name of one's choosing, and wait. The owner, signing up later, is told by mail that an
    unconfirmed account holds the address and how to make it theirs; the attacker's password
    then opens nothing."""
    squatter = {**VALID, "legal_name": "Not Jordan", "password": "the squatters own pass"}
    squatter["confirm"] = squatter["password"]
    client.post("/sign-up", data=squatter)
    first = outbox()[-1].body
    assert "If you did not sign up for Groundwork, do not follow it" in first

    assert client.post("/sign-up", data=VALID).status_code == 302
    note = outbox()[-1].body
    assert "never confirmed" in note and "http://groundwork.test/forgot-password" in note
    assert "http://groundwork.test/account" in note

    client.post("/forgot-password", data={"email": VALID["email"]})
    link = re.search(r"http://groundwork\.test(/reset-password/\S+)", outbox()[-1].body)
    assert link
    new = "my own calm long password"
    assert client.post(link.group(1), data={"password": new, "confirm": new}).status_code == 302
    taken = client.post("/sign-in", data={"email": VALID["email"], "password": new})
    assert taken.status_code == 302  # the reset confirmed the address too
    client.post("/sign-out")
    refused = client.post(
        "/sign-in", data={"email": VALID["email"], "password": squatter["password"]}
    )
    assert NOT_SIGNED_IN in refused.get_data(as_text=True)
