"""Defences docs/security.md lists that no other test proved: CSRF on every form,
production headers and cookies, Argon2id, and the same work for unknown accounts.
"""

from __future__ import annotations

import re

import pytest
from flask import Flask

from app import create_app
from app.accounts import passwords, services
from app.accounts.models import Role
from tests.conftest import TEST_SECRET, make_app

_PARAMETER = re.compile(r"<(?:([^:<>]+):)?([^<>]+)>")
CSRF_MESSAGE = "The form had expired or was not sent from this site."
#: POST routes without a CSRF token, each read-only and sessionless (docs/security.md, CSRF).
CSRF_EXEMPT = {"/api/credentials/verify"}
#: LTI endpoints that another site (the platform) posts to: each needs a one-time ticket
#: instead (OIDC state, hand-off or picker token; tests/lti), and without one changes nothing.
LTI_EXEMPT = {"/lti/login", "/lti/launch", "/lti/link/<token>", "/lti/deep-link/<token>"}
#: The JSON API: bearer tokens or client credentials only, never the session cookie, so
#: a forged cross-site post carries no credential (docs/api.md).
API = "/api/v1/"


def _any_path(rule: str) -> str:
    """A path the rule matches: 1 for numbers, a word for everything else."""
    return _PARAMETER.sub(lambda m: "1" if m.group(1) == "int" else "x", rule)


def test_every_form_refuses_a_post_without_the_csrf_token(app: Flask, client) -> None:
    posts = sorted(rule.rule for rule in app.url_map.iter_rules() if "POST" in (rule.methods or ()))
    assert posts
    for rule in (
        rule for rule in posts if rule not in CSRF_EXEMPT | LTI_EXEMPT and not rule.startswith(API)
    ):
        for token in (None, "forged"):
            data = {} if token is None else {"csrf_token": token}
            response = client.post(_any_path(rule), data=data, csrf=False)
            assert response.status_code == 400, rule
            assert CSRF_MESSAGE in response.get_data(as_text=True), rule


def test_the_api_refuses_a_signed_in_browsers_post_without_a_credential(
    app: Flask, client, sign_in
) -> None:
    sign_in(Role.ADMIN)
    posts = [
        r.rule
        for r in app.url_map.iter_rules()
        if r.rule.startswith(API) and "POST" in (r.methods or ())
    ]
    assert posts
    for rule in posts:
        response = client.post(_any_path(rule), data={"url": "https://x.example"}, csrf=False)
        assert response.status_code == 401, rule
        assert response.mimetype == "application/problem+json"
        assert not response.headers.getlist("Set-Cookie")


def test_the_csrf_exempt_routes_change_nothing_and_give_no_cookie(app: Flask, client) -> None:
    assert {rule.rule for rule in app.url_map.iter_rules()} >= CSRF_EXEMPT
    for rule in CSRF_EXEMPT:
        response = client.post(rule, data="{}", content_type="application/json", csrf=False)
        assert response.status_code == 200 and not response.headers.getlist("Set-Cookie")
        assert response.get_json()["status"] == "invalid"


def test_the_lti_endpoints_refuse_a_post_without_its_ticket(app: Flask, client) -> None:
    assert {rule.rule for rule in app.url_map.iter_rules()} >= LTI_EXEMPT
    for rule in LTI_EXEMPT:
        response = client.post(_any_path(rule), data={"state": "forged"}, csrf=False)
        assert response.status_code == 400, rule
        assert "could not open this link" in response.get_data(as_text=True), rule
        assert not response.headers.getlist("Set-Cookie"), rule


@pytest.fixture
def production(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Flask:
    """The app as GROUNDWORK_ENV=production configures it."""
    monkeypatch.setenv("GROUNDWORK_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "p" * 64)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    return make_app(database_url)


def test_production_sends_hsts_and_cookies_only_over_https(production: Flask) -> None:
    # The sign-in form's CSRF token is the first thing that gives a visitor a session.
    response = production.test_client().get("/sign-in", base_url="https://groundwork.test")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_passwords_are_hashed_with_argon2id_at_owasps_minimum(database_url: str) -> None:
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": TEST_SECRET})
    with app.app_context():
        hashed = services.hash_password("correct horse battery")
    app.extensions["db_engine"].dispose()
    # 19 MiB, 2 passes, 1 lane: the OWASP Password Storage Cheat Sheet's first choice.
    assert hashed.startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def test_an_unknown_email_costs_a_password_check_too(
    app: Flask, client, make_user, monkeypatch: pytest.MonkeyPatch
) -> None:
    checks: list[str] = []
    real = passwords.verify_password

    def counting(hashed: str, password: str, cost: passwords.Argon2Cost) -> passwords.Verdict:
        checks.append(hashed)
        return real(hashed, password, cost)

    monkeypatch.setattr(passwords, "verify_password", counting)
    make_user(email="known@example.com")
    for email in ("known@example.com", "unknown@example.com"):
        client.post("/sign-in", data={"email": email, "password": "not the password"})
    assert len(checks) == 2  # the same work whether or not the account exists


def test_reset_mails_are_rate_limited_per_account(app: Flask, client, make_user) -> None:
    user = make_user(email="often-forgets@example.com")
    codes = [
        client.post("/forgot-password", data={"email": user.email}).status_code for _ in range(4)
    ]
    assert codes == [302, 302, 302, 429]  # EMAIL_LIMIT_PER_ACCOUNT: 3 per hour
