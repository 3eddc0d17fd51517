"""Sending the confirmation link again: a lost or expired mail is not a dead end, and the
answer never tells who has an account."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.accounts.models import User
from app.db import db
from app.mail import outbox
from tests.accounts.test_sign_up import VALID, confirmation_link

SAME_PAGE = "Check your email"


def mails_to(address: str) -> list[str]:
    """Bodies of the messages queued for ``address``."""
    return [m.body for m in outbox() if m.to == address]


def test_a_waiting_account_gets_a_new_link_that_confirms_it(client):
    client.post("/sign-up", data=VALID)
    response = client.post("/sign-up/resend", data={"email": "jordan.ellis@example.com"})
    assert response.status_code == 302 and response.location.endswith("/sign-up/check-your-email")
    bodies = mails_to("jordan.ellis@example.com")
    assert len(bodies) == 2  # the first link and the new one
    confirmed = client.get(confirmation_link(bodies[-1]), follow_redirects=True)
    assert "Your email is confirmed" in confirmed.get_data(as_text=True)
    user = db.session.scalar(select(User))
    db.session.refresh(user)
    assert user.email_confirmed_at is not None


def test_unknown_and_confirmed_addresses_see_the_same_page_and_get_no_link(client, make_user):
    confirmed = make_user()
    pages = [
        client.post("/sign-up/resend", data={"email": email}, follow_redirects=True)
        for email in ("nobody@example.com", confirmed.email)
    ]
    assert all(SAME_PAGE in p.get_data(as_text=True) for p in pages)
    [unknown] = mails_to("nobody@example.com")
    [known] = mails_to(confirmed.email)
    assert "no Groundwork account uses it" in unknown and "already confirmed" in known
    assert not re.search(r"/confirm/", unknown + known)


def test_a_deactivated_account_is_told_whom_to_ask_and_gets_no_link(client, make_user):
    user = make_user()
    user.is_active, user.email_confirmed_at = False, None
    db.session.commit()
    client.post("/sign-up/resend", data={"email": user.email})
    [body] = mails_to(user.email)
    assert "deactivated" in body and "/confirm/" not in body


def test_the_page_offers_the_address_just_used_and_check_email_links_to_it(client):
    client.post("/sign-up", data=VALID)
    check = client.get("/sign-up/check-your-email").get_data(as_text=True)
    assert 'href="/sign-up/resend"' in check
    form = client.get("/sign-up/resend").get_data(as_text=True)
    assert 'value="jordan.ellis@example.com"' in form


def test_a_bad_address_is_explained_and_nothing_is_sent(client):
    response = client.post("/sign-up/resend", data={"email": "not-an-email"})
    assert response.status_code == 200
    assert "Enter an email address like name@example.com." in response.get_data(as_text=True)
    assert outbox() == []


def test_requests_for_one_address_are_limited(client):
    codes = [
        client.post("/sign-up/resend", data={"email": "nobody@example.com"}).status_code
        for _ in range(4)
    ]
    assert codes == [302, 302, 302, 429]  # EMAIL_LIMIT_PER_ACCOUNT: 3 per hour
    assert len(mails_to("nobody@example.com")) == 3
