"""Password change and reset: expiring, single-use, tamper-proof links; other sessions end."""

from __future__ import annotations

import re

from freezegun import freeze_time

from app.mail import outbox
from tests.conftest import FormClient

NEW = {"password": "a brand new password", "confirm": "a brand new password"}


def reset_link() -> str:
    match = re.search(r"https?://groundwork\.test(/reset-password/\S+)", outbox()[-1].body)
    assert match
    return match.group(1)


def test_reset_request_says_the_same_for_known_and_unknown_emails(client, make_user):
    user = make_user()
    known = client.post("/forgot-password", data={"email": user.email}, follow_redirects=True)
    unknown = client.post(
        "/forgot-password", data={"email": "nobody@example.com"}, follow_redirects=True
    )
    message = "If an account uses that email, we have sent it a link"
    assert message in known.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)
    # Each address gets one message (so both take as long); only the account's has a link.
    mails = {m.to: m.body for m in outbox()}
    assert sorted(mails) == sorted([user.email, "nobody@example.com"])
    assert "/reset-password/" in mails[user.email]
    assert "/reset-password/" not in mails["nobody@example.com"]
    assert "No Groundwork account uses this address" in mails["nobody@example.com"]


def test_reset_link_works_once(client, make_user):
    user = make_user()
    client.post("/forgot-password", data={"email": user.email})
    link = reset_link()
    assert client.post(link, data=NEW).status_code == 302
    assert (
        client.post("/sign-in", data={"email": user.email, "password": NEW["password"]}).status_code
        == 302
    )
    client.post("/sign-out")
    reused = client.post(
        link,
        data={"password": "yet another password", "confirm": "yet another password"},
        follow_redirects=True,
    )
    assert "already been used" in reused.get_data(as_text=True)
    assert (
        client.post("/sign-in", data={"email": user.email, "password": NEW["password"]}).status_code
        == 302
    )


def test_expired_reset_link_is_refused(client, make_user):
    user = make_user()
    with freeze_time("2026-01-01 09:00:00"):
        client.post("/forgot-password", data={"email": user.email})
        link = reset_link()
    with freeze_time("2026-01-01 10:01:00"):
        page = client.get(link, follow_redirects=True).get_data(as_text=True)
    assert "This link has expired" in page


def test_tampered_reset_link_is_refused(client, make_user):
    user = make_user()
    client.post("/forgot-password", data={"email": user.email})
    link = reset_link()
    tampered = link[:-4] + ("AAAA" if not link.endswith("AAAA") else "BBBB")
    page = client.post(tampered, data=NEW, follow_redirects=True).get_data(as_text=True)
    assert "This link is not valid" in page
    assert (
        client.post("/sign-in", data={"email": user.email, "password": NEW["password"]}).status_code
        == 200
    )


def test_password_change_signs_out_other_devices(app, client, make_user, sign_in):
    user = sign_in()
    laptop = app.test_client()
    assert isinstance(laptop, FormClient)
    laptop.post("/sign-in", data={"email": user.email, "password": "correct horse battery"})
    assert laptop.get("/dashboard").status_code == 200

    wrong = client.post("/account/password", data={"current": "not it at all", **NEW})
    assert "Your current password is not right." in wrong.get_data(as_text=True)
    assert (
        client.post(
            "/account/password", data={"current": "correct horse battery", **NEW}
        ).status_code
        == 302
    )

    assert client.get("/dashboard").status_code == 200  # this device stays signed in
    assert laptop.get("/dashboard").status_code == 302  # the other one is signed out
