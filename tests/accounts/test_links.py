"""Links that leave the site come from SITE_URL, never from the Host a request names.

The attack: `POST /forgot-password` with `Host: evil.example` used to mail
`http://evil.example/reset-password/<valid token>`. Each route that mails or prints an
absolute link is sent a foreign Host, first as configured (refused outright), then with
the host check switched off, to show no link is built from the request either way.
"""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from app.accounts.models import User
from app.db import db
from app.mail import outbox
from tests.certificates.helpers import earn_certificate
from tests.factories import make_course

FOREIGN = {"Host": "evil.example"}
SIGN_UP = {
    "legal_name": "Jordan Ellis",
    "email": "jordan.ellis@example.com",
    "profession": "Licensed professional counselor",
    "license_number": "LPC-88213",
    "license_state": "WA",
    "password": "a calm long password",
    "confirm": "a calm long password",
}


def _mail_requests(make_user):  # type: ignore[no-untyped-def]
    """Every form whose answer is a mail with a link: (path, form data)."""
    known = make_user()
    unconfirmed = make_user(email="new@example.com")
    unconfirmed.email_confirmed_at = None
    db.session.commit()
    return [
        ("/forgot-password", {"email": known.email}),
        ("/sign-up", SIGN_UP),
        ("/sign-up", {**SIGN_UP, "email": known.email}),  # "someone used your address"
        ("/sign-up/resend", {"email": unconfirmed.email}),
        ("/sign-up/resend", {"email": "nobody@example.com"}),  # "no account uses this address"
        ("/forgot-password", {"email": "nobody@example.com"}),
    ]


def _links(text: str) -> list[str]:
    return re.findall(r"https?://[^\s\"'<>)]+", text)


def test_a_foreign_host_is_refused_and_nothing_is_mailed_or_saved(client, make_user):
    users_before = None
    for path, data in _mail_requests(make_user):
        users_before = db.session.scalar(select(func.count()).select_from(User))
        response = client.post(path, data=data, headers=FOREIGN)
        assert response.status_code == 400, path
        assert "evil.example" not in response.get_data(as_text=True)
    assert outbox() == []
    assert db.session.scalar(select(func.count()).select_from(User)) == users_before


def test_foreign_hosts_are_refused_on_every_page_even_when_signed_in(client, sign_in):
    course = make_course(modules=1)
    user = sign_in()
    certificate = earn_certificate(client, course, user.id)
    for path in (
        "/",
        "/account",
        "/keys/certificates",
        "/.well-known/did.json",
        f"/certificates/{certificate.public_id}/credential.json",
        f"/certificates/{certificate.public_id}/certificate.pdf",
        f"/verify/{certificate.public_id}",
    ):
        assert client.get(path, headers=FOREIGN).status_code == 400, path
        assert client.get(path).status_code == 200, path  # the site's own name still works


def test_with_the_host_check_off_mails_still_link_only_to_site_url(app, client, make_user):
    app.config["TRUSTED_HOSTS"] = []  # a proxy that passes any Host, as the old nginx example did
    # The test client keeps cookies per host, so the session holding the CSRF token would
    # not travel to evil.example; CSRF is not what this test is about.
    app.config["WTF_CSRF_ENABLED"] = False
    for path, data in _mail_requests(make_user):
        before = len(outbox())
        response = client.post(
            path, data=data, headers={**FOREIGN, "X-Forwarded-Host": "evil.example"}, csrf=False
        )
        assert "evil.example" not in (response.location or ""), path
        sent = outbox()[before:]
        assert len(sent) == 1, path
        links = _links(sent[0].body)
        assert links, path
        assert all(link.startswith("http://groundwork.test/") for link in links), links


def test_with_the_host_check_off_documents_still_link_only_to_site_url(app, client, sign_in):
    course = make_course(modules=1)
    user = sign_in()
    certificate = earn_certificate(client, course, user.id)
    app.config["TRUSTED_HOSTS"] = []
    # The test client keeps cookies per host; a browser sent to evil.example by a proxy
    # that passes any Host would carry the victim's session there too.
    session = client.get_cookie("session", domain="groundwork.test")
    client.set_cookie("session", session.value, domain="evil.example")
    for path in ("/keys/certificates", "/.well-known/did.json"):
        did = client.get(path, headers=FOREIGN).get_data(as_text=True)
        assert "did:web:groundwork.test" in did and "evil" not in did, path
    credential = client.get(
        f"/certificates/{certificate.public_id}/credential.json", headers=FOREIGN
    ).get_data(as_text=True)
    pdf = client.get(f"/certificates/{certificate.public_id}/certificate.pdf", headers=FOREIGN)
    assert pdf.mimetype == "application/pdf"
    printed = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    for text in (credential, printed):
        assert "evil.example" not in text
    assert f"http://groundwork.test/verify/{certificate.public_id}" in credential
    assert "groundwork.test/verify" in printed.replace("\n", "")


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"SITE_URL": "https://learn.example.org", "GROUNDWORK_ENV": "production"},
         ["learn.example.org"]),
        ({"SITE_URL": "https://learn.example.org:8443/", "GROUNDWORK_ENV": "production",
          "SERVER_NAME": "Learn.Example.org"}, ["learn.example.org"]),
        ({"SITE_URL": "http://127.0.0.1:5000", "GROUNDWORK_ENV": "development"},
         ["127.0.0.1", "localhost"]),
    ],
)  # fmt: skip
def test_trusted_hosts_come_from_site_url(settings, expected):
    from app.links import trusted_hosts

    assert trusted_hosts(settings) == expected
    assert trusted_hosts(settings, ["www.learn.example.org "]) == [
        *expected[:1],
        "www.learn.example.org",
        *expected[1:],
    ]
