"""Development mail a newcomer can see: printed where ``make run`` runs and listed at
/dev/mail, which does not exist in production, with a real mail server, or off this machine."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.db import db
from app.mail import AFTER_RESPONSE, send_mail
from app.mail.models import MailStatus, OutboundMail
from tests.conftest import TEST_SECRET, make_app

SIGN_UP = {
    "email": "sam.okafor@example.com",
    "password": "a long first password",
    "confirm": "a long first password",
    "legal_name": "Sam Okafor",
    "profession": "Psychologist",
    "license_number": "PSY-4410",
    "license_state": "OR",
}
_HREF = re.compile(r'<a href="(http://groundwork\.test/confirm/[^"]+)">')


@pytest.fixture
def dev_app(database_url):  # type: ignore[no-untyped-def]
    """The site as ``make run`` serves it: development, no mail server, mail after responses."""
    application = make_app(database_url, MAIL_DELIVERY=AFTER_RESPONSE)
    with application.app_context():
        yield application
    application.extensions["db_engine"].dispose()


def test_a_newcomer_signs_up_and_confirms_from_the_printed_and_listed_link(dev_app, capsys):
    client = dev_app.test_client()
    response = client.post("/sign-up", data=SIGN_UP)
    assert response.status_code == 302
    response.close()  # the server closes the response: the site delivers the mail now

    # The terminal shows the whole message, the link alone on its line (clickable).
    printed = capsys.readouterr().out
    assert "Mail to: sam.okafor@example.com" in printed
    assert "Subject: Confirm your Groundwork email" in printed
    terminal_link = re.search(r"^(http://groundwork\.test/confirm/\S+)$", printed, re.M)
    assert terminal_link, printed

    # /dev/mail lists the same message with the same link as a link.
    page = client.get("/dev/mail").get_data(as_text=True)
    assert "Confirm your Groundwork email" in page and "To sam.okafor@example.com" in page
    assert "printed" in page
    listed = _HREF.search(page)
    assert listed and listed.group(1) == terminal_link.group(1)

    confirmed = client.get(listed.group(1), follow_redirects=True)
    assert "Your email is confirmed" in confirmed.get_data(as_text=True)
    signed_in = client.post(
        "/sign-in", data={"email": SIGN_UP["email"], "password": SIGN_UP["password"]}
    )
    assert signed_in.status_code == 302 and signed_in.location.endswith("/dashboard")
    user = db.session.scalar(select(User).where(User.email == SIGN_UP["email"]))
    assert user is not None and user.email_confirmed_at is not None


def test_the_check_your_email_page_points_a_newcomer_to_the_development_mailbox(dev_app):
    client = dev_app.test_client()
    client.post("/sign-up", data=SIGN_UP).close()
    page = client.get("/sign-up/check-your-email").get_data(as_text=True)
    assert "no mail server" in page and 'href="/dev/mail"' in page
    # Not to another machine, which /dev/mail would refuse.
    elsewhere = client.get("/sign-up/check-your-email", environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert "/dev/mail" not in elsewhere.get_data(as_text=True)


def test_with_a_real_mail_server_the_page_says_only_to_check_the_inbox(database_url):
    staging = make_app(database_url, MAIL_SERVER="smtp.example.com")
    page = staging.test_client().get("/sign-up/check-your-email").get_data(as_text=True)
    assert "Check your email" in page and "/dev/mail" not in page and "no mail server" not in page


def test_mail_is_delivered_only_after_the_response_and_only_if_the_request_committed(
    dev_app, capsys
):
    client = dev_app.test_client()
    response = client.post("/forgot-password", data={"email": "nobody@example.com"})
    assert capsys.readouterr().out == ""  # nothing printed while the response is pending
    assert db.session.scalar(select(OutboundMail.status)) == MailStatus.PENDING
    response.close()
    assert "Mail to: nobody@example.com" in capsys.readouterr().out
    db.session.expire_all()
    assert db.session.scalar(select(OutboundMail.status)) == MailStatus.SENT


def test_the_page_escapes_what_a_message_carries(client):
    send_mail(
        "x@example.com",
        "<script>alert(1)</script>",
        'Hi <img src=x onerror=alert(1)>\njavascript:alert(1)\nhttp://x.test/"onmouseover=alert(1)',
    )
    db.session.commit()
    page = client.get("/dev/mail").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert 'href="javascript:' not in page
    assert '<a href="http://x.test/">http://x.test/</a>' in page


def test_an_empty_outbox_says_how_to_fill_it(client):
    page = client.get("/dev/mail").get_data(as_text=True)
    assert "No mail yet" in page


def test_the_page_is_absent_in_production(database_url):
    production = make_app(database_url, GROUNDWORK_ENV="production", SECRET_KEY=TEST_SECRET)
    assert production.test_client().get("/dev/mail").status_code == 404


def test_the_page_is_absent_when_the_environment_says_production(database_url, monkeypatch):
    monkeypatch.setenv("GROUNDWORK_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", TEST_SECRET)
    production = make_app(database_url)
    assert production.config["GROUNDWORK_ENV"] == "production"
    assert production.test_client().get("/dev/mail").status_code == 404


def test_the_page_is_absent_when_a_real_mail_server_is_set(database_url):
    staging = make_app(database_url, MAIL_SERVER="smtp.example.com")
    with staging.app_context():
        send_mail("dana@example.com", "Reset", "http://groundwork.test/reset-password/TOKEN")
        db.session.commit()
    response = staging.test_client().get("/dev/mail")
    assert response.status_code == 404 and b"TOKEN" not in response.data


def test_the_page_is_absent_to_another_machine(client):
    send_mail("dana@example.com", "Reset", "http://groundwork.test/reset-password/TOKEN")
    db.session.commit()
    response = client.get("/dev/mail", environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert response.status_code == 404 and b"TOKEN" not in response.data
    assert client.get("/dev/mail", environ_base={"REMOTE_ADDR": "::1"}).status_code == 200
