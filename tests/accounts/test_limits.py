"""Limits that protect without locking out.

Sign-in failures count per account and address: an attacker elsewhere is stopped but
the owner, from their own address, still signs in. Guesses at the current password
(change password, delete account) share one budget per account and one per address.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from app.accounts.models import Role, User
from app.db import db
from tests.conftest import UserFactory, make_app

ATTACKER, OWNER = "203.0.113.9", "198.51.100.7"
PASSWORD = UserFactory.password


@pytest.fixture
def limited(database_url: str) -> Iterator[Flask]:
    """An app with small limits, so a test reaches them in a few requests."""
    app = make_app(
        database_url,
        SIGN_IN_LIMIT_PER_ACCOUNT="3 per minute",
        PASSWORD_CHECK_LIMIT_PER_ACCOUNT="4 per minute",
        PASSWORD_CHECK_LIMIT_PER_IP="6 per minute",
    )
    with app.app_context():
        yield app
    app.extensions["db_engine"].dispose()


def _from(app: Flask, address: str):  # type: ignore[no-untyped-def]
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _signed_in(app: Flask, user: User, address: str = OWNER):  # type: ignore[no-untyped-def]
    client = _from(app, address)
    assert (
        client.post("/sign-in", data={"email": user.email, "password": PASSWORD}).status_code == 302
    )
    return client


def test_an_attacker_elsewhere_cannot_lock_the_owner_out(limited):
    owner = UserFactory()(Role.LEARNER)
    attacker = _from(limited, ATTACKER)
    codes = [
        attacker.post(
            "/sign-in", data={"email": owner.email, "password": f"guess {n}!"}
        ).status_code
        for n in range(8)
    ]
    assert codes[:3] == [200, 200, 200] and set(codes[3:]) == {429}
    # Even the right password is refused from the attacker's address now...
    assert (
        attacker.post("/sign-in", data={"email": owner.email, "password": PASSWORD}).status_code
        == 429
    )
    # ...while the owner, from their own address, signs in at once.
    owner_browser = _from(limited, OWNER)
    response = owner_browser.post("/sign-in", data={"email": owner.email, "password": PASSWORD})
    assert response.status_code == 302
    assert owner_browser.get("/account").status_code == 200


def test_current_password_guesses_are_limited_per_account(limited):
    user = UserFactory()(Role.LEARNER)
    browser = _signed_in(limited, user)
    wrong = {
        "current": "not my password",
        "password": "a quiet harbour at dawn",
        "confirm": "a quiet harbour at dawn",
    }
    codes = [browser.post("/account/password", data=wrong).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 200]
    right = {**wrong, "current": PASSWORD}
    blocked = browser.post("/account/password", data=right)
    assert blocked.status_code == 429 and "Too many attempts" in blocked.get_data(as_text=True)
    # The same account from another address (a stolen session elsewhere) shares the budget.
    elsewhere = _signed_in(limited, user, ATTACKER)
    assert elsewhere.post("/account/password", data=right).status_code == 429


def test_changing_the_password_and_deleting_the_account_share_one_budget(limited):
    user = UserFactory()(Role.LEARNER)
    browser = _signed_in(limited, user)
    wrong = {
        "current": "not my password",
        "password": "a quiet harbour at dawn",
        "confirm": "a quiet harbour at dawn",
    }
    for _ in range(2):
        assert browser.post("/account/password", data=wrong).status_code == 200
    for _ in range(2):
        assert (
            browser.post("/account/delete", data={"password": "not my password"}).status_code == 200
        )
    assert browser.post("/account/delete", data={"password": PASSWORD}).status_code == 429
    db.session.expire_all()
    assert db.session.get(User, user.id).is_active  # nothing was deleted


def test_current_password_guesses_are_limited_per_address(limited):
    factory = UserFactory()
    first, second = factory(Role.LEARNER), factory(Role.LEARNER)
    one, two = _signed_in(limited, first, ATTACKER), _signed_in(limited, second, ATTACKER)
    for browser in (one, one, one, two, two, two):
        assert (
            browser.post("/account/delete", data={"password": "a wrong guess"}).status_code == 200
        )
    assert two.post("/account/delete", data={"password": PASSWORD}).status_code == 429


def test_successful_checks_do_not_count(limited):
    user = UserFactory()(Role.LEARNER)
    browser = _signed_in(limited, user)
    current = PASSWORD
    for n in range(6):
        new = f"a quiet harbour at dawn {n}"
        data = {"current": current, "password": new, "confirm": new}
        assert browser.post("/account/password", data=data).status_code == 302
        current = new
