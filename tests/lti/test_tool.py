"""The tool's keys, the administrator's page, framing and the cookie-less new window."""

from __future__ import annotations

import os

import jwt
import pytest
from sqlalchemy import func, select

from app.accounts.models import Role
from app.db import db
from app.lti import keys
from app.lti.models import Platform
from tests.lti.conftest import launch
from tests.lti.platform import Scenario


def test_the_key_file_is_private_and_a_readable_one_is_refused(tmp_path) -> None:
    key = keys.load_or_create_key(tmp_path)
    path = tmp_path / keys.KEY_FILENAME
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert keys.load_or_create_key(tmp_path).private_numbers() == key.private_numbers()
    path.chmod(0o644)
    with pytest.raises(PermissionError):
        keys.load_or_create_key(tmp_path)


def test_a_rotation_keeps_the_old_key_published(tmp_path) -> None:
    old = keys.public_jwk(keys.load_or_create_key(tmp_path))
    new = keys.public_jwk(keys.rotate_key(tmp_path))
    assert old["kid"] != new["kid"]
    assert [k["kid"] for k in keys.key_set(tmp_path)["keys"]] == [new["kid"], old["kid"]]


def test_the_kid_is_the_rfc_7638_thumbprint(tmp_path) -> None:
    jwk = keys.public_jwk(keys.load_or_create_key(tmp_path))
    assert jwk["kid"] == jwt.PyJWK(jwk).key_id or jwk["kid"]
    from jwcrypto.jwk import JWK  # a second implementation of RFC 7638

    assert JWK(**{k: jwk[k] for k in ("kty", "n", "e")}).thumbprint() == jwk["kid"]


def test_the_key_set_is_public_and_holds_no_private_part(client) -> None:
    response = client.get("/lti/jwks.json")
    assert response.status_code == 200
    [key] = response.get_json()["keys"]
    assert set(key) == {"kty", "n", "e", "kid", "alg", "use"}


def test_the_admin_page_shows_what_the_platform_needs(client, sign_in) -> None:
    sign_in(Role.ADMIN)
    page = client.get("/admin/lti").get_data(as_text=True)
    for url in ("/lti/login", "/lti/launch", "/lti/jwks.json"):
        assert f"http://groundwork.test{url}" in page


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"issuer": ""}, "This field is required"),
        ({"auth_url": "not a url"}, "Invalid URL"),
        ({"deployment_ids": ", ,"}, "at least one deployment id"),
        ({"jwks_url": "ftp://x.example/keys"}, "Invalid URL"),
        ({"frame_origins": "https://school.example/path"}, "is not an origin"),
    ],
)
def test_bad_registrations_are_refused_and_change_nothing(
    app, client, sign_in, change, message
) -> None:
    sign_in(Role.ADMIN)
    details = {
        "name": "X",
        "issuer": "https://lms.example",
        "client_id": "c1",
        "deployment_ids": "d1",
        "auth_url": "https://lms.example/auth",
        "token_url": "https://lms.example/token",
        "jwks_url": "https://lms.example/jwks",
    }
    response = client.post("/admin/lti", data={**details, **change})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Platform)) == 0


def test_registering_the_same_platform_twice_is_refused(app, client, sign_in, platform) -> None:
    sign_in(Role.ADMIN)
    response = client.post("/admin/lti", data=platform.details)
    assert "already registered" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Platform)) == 1


def test_a_removed_platform_can_launch_no_more(app, client, sign_in, platform, course) -> None:
    sign_in(Role.ADMIN)
    with app.app_context():
        platform_id = db.session.scalar(select(Platform.id))
    assert client.post(f"/admin/lti/{platform_id}/remove").status_code == 302
    response = app.test_client().get(
        "/lti/login",
        query_string={
            "iss": platform.issuer,
            "login_hint": "x",
            "target_link_uri": "http://groundwork.test/lti/launch",
        },
    )
    assert response.status_code == 400


def test_lti_pages_may_be_framed_by_registered_platforms_only(
    app, client, platform, course
) -> None:
    response, _ = launch(client, platform, Scenario(target=f"course:{course}"))
    policy = response.headers["Content-Security-Policy"]
    assert f"frame-ancestors 'self' {platform.url}" in policy
    assert "X-Frame-Options" not in response.headers
    # The framed session's pages stay framable; the cookie is the third-party one.
    cookie = response.headers["Set-Cookie"]
    assert "SameSite=None" in cookie and "Secure" in cookie
    page = client.get(f"/courses/{course}")
    assert f"frame-ancestors 'self' {platform.url}" in page.headers["Content-Security-Policy"]
    # Everyone else keeps the site's policy and cookie.
    other = app.test_client()
    assert "frame-ancestors 'none'" in other.get("/").headers["Content-Security-Policy"]
    assert other.get("/").headers["X-Frame-Options"] == "DENY"
    signed = other.post("/sign-in", data={"email": "nobody@example.com", "password": "x"})
    assert "SameSite=None" not in signed.headers.get("Set-Cookie", "")


def test_an_administrator_can_name_other_framing_origins(app, client, sign_in) -> None:
    sign_in(Role.ADMIN)
    details = {
        "issuer": "https://canvas.instructure.com",
        "client_id": "10000000000001",
        "deployment_ids": "1:abc",
        "auth_url": "https://sso.canvaslms.com/api/lti/authorize_redirect",
        "token_url": "https://sso.canvaslms.com/login/oauth2/token",
        "jwks_url": "https://sso.canvaslms.com/api/lti/security/jwks",
        "frame_origins": "https://School.Instructure.com\nhttps://school.instructure.com/",
    }
    assert client.post("/admin/lti", data=details).status_code == 302
    policy = client.get("/lti/open/unknown").headers["Content-Security-Policy"]
    assert "https://school.instructure.com" in policy and "https://sso.canvaslms.com" in policy
    assert policy.count("https://school.instructure.com") == 1


def test_the_admin_pages_are_never_framable(client, sign_in, platform) -> None:
    sign_in(Role.ADMIN)
    assert "frame-ancestors 'none'" in client.get("/admin/lti").headers["Content-Security-Policy"]


def test_where_the_frame_loses_its_cookie_a_new_window_carries_on(
    app, client, platform, course
) -> None:
    response, _ = launch(client, platform, Scenario(target=f"course:{course}"))
    handoff = response.location
    cookieless = app.test_client()  # the browser dropped the third-party cookie
    page = cookieless.get(handoff)
    assert page.status_code == 200
    assert "Open in a new window" in page.get_data(as_text=True)
    opened = cookieless.get(handoff + "?window=1")
    assert opened.status_code == 303 and opened.location == f"/courses/{course}"
    assert cookieless.get("/dashboard").status_code == 200  # signed in, in the new window
    again = app.test_client().get(handoff + "?window=1")
    assert again.status_code == 400  # one use only


def test_another_users_hand_off_is_refused(app, client, platform, course, sign_in) -> None:
    response, _ = launch(client, platform, Scenario(target=f"course:{course}"))
    intruder = app.test_client()
    from tests.conftest import UserFactory

    other = UserFactory(count=50)(Role.LEARNER)
    intruder.post("/sign-in", data={"email": other.email, "password": "correct horse battery"})
    assert intruder.get(response.location).status_code == 400


@pytest.mark.parametrize(
    "form",
    [
        {},
        {"id_token": "x", "state": ""},
        {"id_token": "not.a.jwt", "state": "nope"},
        {"id_token": "a" * 5000, "state": "b" * 500},
        {"id_token": ["a", "b"], "state": "c"},
    ],
)
def test_garbage_launches_get_a_clear_page(client, platform, form) -> None:
    response = client.post("/lti/launch", data=form, csrf=False)
    assert response.status_code == 400
    assert "could not open this link" in response.get_data(as_text=True)


def test_a_forged_token_for_a_real_state_is_refused(app, client, platform, course) -> None:
    from tests.lti.conftest import local

    started = client.get(local(platform.login_url(Scenario(target=f"course:{course}"))))
    state = started.location.split("state=")[1].split("&")[0]
    forged = jwt.encode(
        {"sub": "x"},
        "an attacker-chosen HMAC secret, 32+ bytes",
        algorithm="HS256",
        headers={"kid": "k"},
    )
    response = client.post("/lti/launch", data={"id_token": forged, "state": state}, csrf=False)
    assert response.status_code == 400
    assert "RS256" in response.get_data(as_text=True)


def test_the_admin_can_rotate_the_key(client, sign_in) -> None:
    sign_in(Role.ADMIN)
    before = client.get("/lti/jwks.json").get_json()["keys"][0]["kid"]
    assert client.post("/admin/lti/rotate-key").status_code == 302
    after = [k["kid"] for k in client.get("/lti/jwks.json").get_json()["keys"]]
    assert after[0] != before and before in after
