"""Every response carries the security headers; errors get friendly pages, never a stack trace."""

from __future__ import annotations

import datetime as dt
from email.utils import parsedate_to_datetime

import pytest


def test_headers_on_pages(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_session_cookie_is_httponly_and_lax(client, make_user):
    user = make_user()
    response = client.post(
        "/sign-in", data={"email": user.email, "password": "correct horse battery"}
    )
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_keep_me_signed_in_lasts_two_weeks_in_an_httponly_lax_cookie(client, make_user):
    user = make_user()
    response = client.post(
        "/sign-in",
        data={"email": user.email, "password": "correct horse battery", "remember": "y"},
    )
    cookie = next(
        c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token=")
    )
    attributes = dict(
        part.strip().partition("=")[::2] for part in cookie.split(";")[1:] if "=" in part
    )
    expires = parsedate_to_datetime(attributes["Expires"])
    lifetime = expires - dt.datetime.now(dt.UTC)
    assert dt.timedelta(days=13, hours=23) < lifetime <= dt.timedelta(days=14)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_without_keep_me_signed_in_there_is_no_remember_cookie(client, make_user):
    user = make_user()
    response = client.post(
        "/sign-in", data={"email": user.email, "password": "correct horse battery"}
    )
    assert not any(c.startswith("remember_token=") for c in response.headers.getlist("Set-Cookie"))


def test_not_found_is_friendly(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "We could not find that page" in response.get_data(as_text=True)


def test_wrong_method_is_friendly(client):
    response = client.get("/sign-out")
    assert response.status_code == 405
    assert "That action is not available here" in response.get_data(as_text=True)


@pytest.mark.fresh_app  # adds a route, which an app that has served requests refuses
def test_an_unexpected_error_shows_a_calm_500_page(app, client):
    @app.route("/boom")
    def boom() -> str:
        raise RuntimeError("kaboom")

    response = client.get("/boom")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong on our side" in page and "kaboom" not in page


def test_absurd_ids_in_urls_are_not_found(client):
    assert client.get("/attempts/99999999999999999999999999999").status_code == 404
    assert client.get("/attempts/0").status_code == 404
